/** Escapes text for HTML element content and quoted attribute values alike. */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"'`]/g, (character) => ENTITIES[character] ?? character);
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Only http(s) and relative links survive; anything else (javascript:, data:) becomes inert. */
export function safeHref(url: string): string {
  const trimmed = url.trim();
  if (/^https?:\/\//i.test(trimmed)) return escapeHtml(trimmed);
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed) || trimmed.startsWith('//')) return '#';
  return escapeHtml(trimmed);
}

/** A safe token for `data-*` attributes and CSS classes from ids such as rule ids and layers. */
export function token(value: string): string {
  return value.replace(/[^a-z0-9-]/gi, '_');
}
