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

/**
 * The share of a text in runs of four or more characters that count up or down by one
 * (`0123456`, `fedcba`, `zyxwvu`): typed in order, as test values and stand-ins are, never drawn at random.
 */
export function sequentialShare(text: string): number {
  let covered = 0;
  let start = 0;
  let step = 0;
  for (let index = 1; index < text.length; index += 1) {
    const delta = text.charCodeAt(index) - text.charCodeAt(index - 1);
    const unit = delta === 1 || delta === -1 ? delta : 0;
    if (unit !== 0 && (step === 0 || unit === step)) {
      step = unit;
      continue;
    }
    if (index - start >= 4) covered += index - start;
    // the pair that broke the run may begin the next one (`3210` then `01`)
    start = unit === 0 ? index : index - 1;
    step = unit;
  }
  if (text.length - start >= 4) covered += text.length - start;
  return text.length === 0 ? 0 : Math.min(1, covered / text.length);
}

export function characterClasses(text: string): number {
  return [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((pattern) => pattern.test(text)).length;
}
