import { RULE_ENTRIES, RULE_GROUPS } from './generated/index.js';
import type { Rule, RuleMeta } from './rule.js';

/**
 * What is known of a rule without loading its check code: enough to validate a config, select
 * rules by id, layer and capability, and list the catalogue (`rampart rules`). A `Rule` is one too.
 */
export type RuleEntry = Pick<RuleMeta, 'id' | 'layer' | 'severity' | 'summary' | 'fixable' | 'requires' | 'runsWith'>;

/** A catalogue entry and the group of rule modules that holds its check code (a layer, or a layer's rules that need one flag). */
export interface IndexedRule extends RuleEntry {
  readonly group: string;
}

/**
 * Every rule, in the order of `RULES`, generated from the rule modules by `npm run docs`
 * (scripts/rule-index.ts); the rule catalogue test fails when it differs from them.
 */
export const RULE_INDEX: readonly IndexedRule[] = RULE_ENTRIES;

export function findRuleEntry(id: string): IndexedRule | undefined {
  return RULE_INDEX.find((entry) => entry.id === id);
}

/**
 * The rules of these entries, in catalogue order: loads only the groups that hold them, so a scan
 * of one layer does not load (or build) the check code of the others.
 */
export async function loadRules(entries: readonly RuleEntry[]): Promise<Rule[]> {
  const groupOf = new Map(RULE_INDEX.map((entry) => [entry.id, entry.group]));
  const groups = [...new Set(entries.map((entry) => groupOf.get(entry.id)).filter((group) => group !== undefined))];
  const loaded = await Promise.all(groups.map((group) => RULE_GROUPS[group]!()));
  const byId = new Map(loaded.flat().map((rule) => [rule.id, rule]));
  return entries.map((entry) => {
    const rule = byId.get(entry.id);
    if (!rule) throw new Error(`rule ${entry.id} is not in the generated rule index: run npm run docs`);
    return rule;
  });
}
