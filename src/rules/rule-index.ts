import type { Layer } from '../model/severity.js';
import { RULE_GROUPS, RULE_IDS } from './generated/index.js';
import type { Rule, RuleMeta } from './rule.js';

/** A group of rules whose check code is loaded together: a layer's rules, or those of a layer that need one flag. */
export interface RuleGroup {
  readonly layer: Layer;
  readonly requires?: NonNullable<RuleMeta['requires']>;
  readonly load: () => Promise<readonly Rule[]>;
}

/**
 * What is known of a rule without loading its check code: enough to validate a config and select
 * rules by id, layer and flag. Generated from the rule modules by `npm run docs`
 * (scripts/rule-index.ts); the rule catalogue test fails when it differs from them.
 */
export interface IndexedRule {
  readonly id: string;
  readonly layer: Layer;
  readonly requires?: NonNullable<RuleMeta['requires']>;
  readonly group: string;
}

/** What `rampart rules` lists of a rule beyond its index entry. */
export type RuleSummary = Pick<RuleMeta, 'severity' | 'summary' | 'fixable' | 'runsWith'>;

/** A catalogue line: `rampart rules` prints these, and a `Rule` is one too. */
export type RuleEntry = Pick<RuleMeta, 'id' | 'layer' | 'requires'> & RuleSummary;

/** Every rule, in the order of `RULES`. */
export const RULE_INDEX: readonly IndexedRule[] = RULE_IDS.map(([id, group]) => {
  const { layer, requires } = RULE_GROUPS[group]!;
  return { id, layer, ...(requires ? { requires } : {}), group };
});

export function findRuleEntry(id: string): IndexedRule | undefined {
  return RULE_INDEX.find((entry) => entry.id === id);
}

/** Every rule's catalogue line, without loading any check code. */
export async function loadRuleEntries(): Promise<RuleEntry[]> {
  const { RULE_SUMMARIES } = await import('./generated/summaries.js');
  return RULE_INDEX.map(({ id, layer, requires }) => ({ id, layer, ...(requires ? { requires } : {}), ...RULE_SUMMARIES[id]! }));
}

/**
 * The entries whose rules have something to read in this run. Every rule reads the files of the
 * tree except those that need a capability (commits, a registry, the forge: input from outside the
 * tree) and, when history is read, the secrets rules: with no file to read, the check code of the
 * others is not loaded (an empty tree, or one whose files are all binary or too large).
 */
export function rulesWithInput<E extends Pick<IndexedRule, 'layer' | 'requires'>>(entries: readonly E[], filesRead: number, capabilities: ReadonlySet<string> | undefined): E[] {
  if (filesRead > 0) return [...entries];
  return entries.filter((entry) => entry.requires !== undefined || (entry.layer === 'secrets' && capabilities?.has('history') === true));
}

/**
 * The rules of these entries, in catalogue order: loads only the groups that hold them, so a scan
 * of one layer does not load (or build) the check code of the others.
 */
export async function loadRules(entries: readonly Pick<IndexedRule, 'id'>[]): Promise<Rule[]> {
  const groupOf = new Map(RULE_INDEX.map((entry) => [entry.id, entry.group]));
  const groups = [...new Set(entries.map((entry) => groupOf.get(entry.id)).filter((group) => group !== undefined))];
  const loaded = await Promise.all(groups.map((group) => RULE_GROUPS[group]!.load()));
  const byId = new Map(loaded.flat().map((rule) => [rule.id, rule]));
  return entries.map((entry) => {
    const rule = byId.get(entry.id);
    if (!rule) throw new Error(`rule ${entry.id} is not in the generated rule index: run npm run docs`);
    return rule;
  });
}
