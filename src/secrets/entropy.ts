/** Shannon entropy in bits per character: how random a value looks. */
export function shannonEntropy(text: string): number {
  if (text.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

/** The longest run of one repeated character: `xxxxxxxx` or `00000000` marks a placeholder. */
export function longestRun(text: string): number {
  let best = 0;
  let run = 0;
  for (let index = 0; index < text.length; index += 1) {
    run = index > 0 && text[index] === text[index - 1] ? run + 1 : 1;
    if (run > best) best = run;
  }
  return best;
}

export function characterClasses(text: string): number {
  return [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((pattern) => pattern.test(text)).length;
}
