import type { ResolvedConfig } from '../config/schema.js';
import { enabledRules, type RunOptions } from '../engine/run.js';
import type { Workspace } from '../model/workspace.js';
import type { Rule } from '../rules/rule.js';
import { generatedSecretRules } from '../rules/secrets/secret-rules.js';
import { treeSecrets } from '../secrets/tree-scan.js';

/** In Git a Secret with plain `data` is a leak; in the cluster every Secret is plain, so secret rules do not judge Secrets. */
const SECRET_OBJECT_LAYER = 'secrets';
const DETECTOR_RULES: ReadonlySet<Rule> = new Set(generatedSecretRules);

/**
 * The rules that judge one object, worked out once per config: the hundreds of credential rules
 * each report what their detector found in the object's text, and a request reads no history, so a
 * detector rule whose detector found nothing cannot fire and does not run. The secrets are found
 * once (as `scan` finds them, for every detector rule together) before choosing.
 */
export class RulePlan {
  private readonly detectorRules: ReadonlyMap<string, Rule>;
  private readonly otherRules: readonly Rule[];
  private readonly otherRulesForSecrets: readonly Rule[];
  /** rule → its place in the enabled list, so a request's rules run in the order `scan` runs them */
  private readonly order: ReadonlyMap<Rule, number>;

  constructor(rules: readonly Rule[], private readonly config: ResolvedConfig, options: Pick<RunOptions, 'capabilities'>) {
    const enabled = enabledRules(rules, config, options);
    this.order = new Map(enabled.map((rule, index) => [rule, index]));
    this.detectorRules = new Map(enabled.filter((rule) => DETECTOR_RULES.has(rule)).map((rule) => [rule.id, rule]));
    this.otherRules = enabled.filter((rule) => !DETECTOR_RULES.has(rule));
    this.otherRulesForSecrets = this.otherRules.filter((rule) => rule.layer !== SECRET_OBJECT_LAYER);
  }

  /** The enabled rules that can fire on the object of this workspace, in run order. */
  rulesFor(workspace: Workspace, kind: string): Rule[] {
    if (kind === 'Secret') return [...this.otherRulesForSecrets];
    if (this.detectorRules.size === 0) return [...this.otherRules];
    const found = new Set(treeSecrets(workspace, this.config.maxFindingsPerFile).found.map((secret) => secret.detector.id));
    const firing = [...found].map((id) => this.detectorRules.get(id)).filter((rule): rule is Rule => rule !== undefined);
    if (firing.length === 0) return [...this.otherRules];
    return [...this.otherRules, ...firing].sort((a, b) => this.order.get(a)! - this.order.get(b)!);
  }
}
