/** `decodeURIComponent`, or the text as written when it holds a malformed escape (`%zz`, a lone `%`). */
export function decodeUriOrKeep(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
