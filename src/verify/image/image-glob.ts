import { linearGlob } from '../../linear-regexp.js';

/** `*` matches within one path segment, `**` across segments; the whole name must match. */
export function imageGlob(pattern: string): RegExp {
  const source = pattern.split(/(\*\*|\*)/).map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return linearGlob(`^${source}$`);
}
