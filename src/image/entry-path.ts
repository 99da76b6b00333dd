/**
 * A tar member name as a path inside the image: no leading `./` or `/`, `.` and `..` resolved.
 * Undefined when `..` climbs above the root: such a member is reported, never placed.
 */
export function imagePath(name: string): string | undefined {
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  return parts.join('/');
}

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';

export type Whiteout = { readonly kind: 'opaque'; readonly directory: string } | { readonly kind: 'remove'; readonly path: string };

/** What a whiteout member hides (image-spec layer.md §Whiteouts); undefined for an ordinary member. */
export function whiteoutOf(path: string): Whiteout | 'invalid' | undefined {
  const slash = path.lastIndexOf('/');
  const base = path.slice(slash + 1);
  if (!base.startsWith(WHITEOUT_PREFIX)) return undefined;
  const directory = slash === -1 ? '' : path.slice(0, slash);
  if (base === OPAQUE_MARKER) return { kind: 'opaque', directory };
  const hidden = base.slice(WHITEOUT_PREFIX.length);
  if (hidden === '' || hidden === '.' || hidden === '..') return 'invalid';
  return { kind: 'remove', path: directory ? `${directory}/${hidden}` : hidden };
}
