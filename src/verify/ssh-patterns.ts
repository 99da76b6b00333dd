/** OpenSSH `match_pattern`: `*` any run, `?` one character, the whole string. */
export function matchPattern(text: string, pattern: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(text);
}

/** OpenSSH `match_pattern_list`: comma-separated patterns; a matching `!pattern` rejects outright. */
export function matchPatternList(text: string, list: string): boolean {
  let matched = false;
  for (const raw of list.split(',')) {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    if (pattern === '' || !matchPattern(text, pattern)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}
