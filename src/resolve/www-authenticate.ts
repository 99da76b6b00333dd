export interface Challenge {
  /** `bearer` or `basic`, lower case */
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Parses a WWW-Authenticate header: `Bearer realm="https://auth.example/token",service="x",scope="a,b"`.
 * Quoted values may contain commas; several challenges may be listed.
 */
export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  const token = /\s*([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)(?:\s+|$)/y;
  const param = /\s*([A-Za-z0-9_.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?/y;
  let position = 0;
  while (position < header.length) {
    token.lastIndex = position;
    const schemeMatch = token.exec(header);
    if (!schemeMatch) break;
    position = token.lastIndex;
    const params: Record<string, string> = {};
    for (;;) {
      param.lastIndex = position;
      const match = param.exec(header);
      if (!match) break;
      params[(match[1] ?? '').toLowerCase()] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : (match[3] ?? '');
      position = param.lastIndex;
    }
    challenges.push({ scheme: (schemeMatch[1] ?? '').toLowerCase(), params });
    while (header[position] === ',' || header[position] === ' ') position += 1;
  }
  return challenges;
}
