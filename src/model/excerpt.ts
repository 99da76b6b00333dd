/**
 * A short, escaped excerpt of text a scanned repository wrote (a config key, a token of a trust
 * file) for an error message: never the whole line, never a control or bidi character as is.
 */
const MAX_EXCERPT = 32;

export function excerpt(text: string): string {
  const escaped = JSON.stringify(text.length > MAX_EXCERPT ? text.slice(0, MAX_EXCERPT) : text).slice(1, -1)
    // JSON leaves bidi overrides and other invisible formatting characters as they are
    .replace(/[\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return text.length > MAX_EXCERPT ? `${escaped}…` : escaped;
}
