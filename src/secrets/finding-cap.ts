/** Findings of one rule in one file beyond which the rest are counted in a note, not listed (`maxFindingsPerFile`). */
export const DEFAULT_MAX_FINDINGS_PER_FILE = 100;

/** The first `cap` matches of each rule (in the order given), and how many of each rule were left out. */
export function capPerRule<T extends { readonly detector: { readonly id: string } }>(matches: readonly T[], cap: number): { kept: T[]; omitted: Map<string, number> } {
  const seen = new Map<string, number>();
  const omitted = new Map<string, number>();
  const kept: T[] = [];
  for (const match of matches) {
    const id = match.detector.id;
    const count = (seen.get(id) ?? 0) + 1;
    seen.set(id, count);
    if (count <= cap) kept.push(match);
    else omitted.set(id, (omitted.get(id) ?? 0) + 1);
  }
  return { kept, omitted };
}

/** The note for findings left out: the same words for the tree, history and every rule. */
export function omittedNote(ruleId: string, omitted: number, cap: number): string {
  return `${omitted} more ${ruleId} finding${omitted === 1 ? '' : 's'} in this file not listed (the first ${cap} are; maxFindingsPerFile in .rampart.yaml)`;
}
