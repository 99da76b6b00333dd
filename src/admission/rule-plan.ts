import { withEmbeddedObjects } from '../model/embedded-objects.js';
import type { ResolvedConfig } from '../config/schema.js';
import { enabledRules, type RunOptions } from '../engine/run.js';
import type { Workspace } from '../model/workspace.js';
import { readsAnyOf } from '../rules/object-kinds.js';
import type { Rule } from '../rules/rule.js';
import { generatedSecretRules } from '../rules/secrets/secret-rules.js';
import { treeSecrets } from '../secrets/tree-scan.js';

/** In Git a Secret with plain `data` is a leak; in the cluster every Secret is plain, so secret rules do not judge Secrets. */
const SECRET_OBJECT_LAYER = 'secrets';
const DETECTOR_RULES: ReadonlySet<Rule> = new Set(generatedSecretRules);
/** kinds a webhook is sent are few; Lists of mixed kinds could make many more sets */
const MAX_PLANS = 1024;

/**
 * The rules that judge one object, worked out once per config and object kind:
 * - a rule whose `objectKinds` do not include the object's kind finds nothing in it and does not run;
 * - the hundreds of credential rules each report what their detector found in the object's text,
 *   and a request reads no history, so a detector rule whose detector found nothing cannot fire
 *   and does not run. The secrets are found once (as `scan` finds them, for every detector rule
 *   together) before choosing.
 */
export class RulePlan {
  private readonly detectorRules: ReadonlyMap<string, Rule>;
  private readonly otherRules: readonly Rule[];
  /** rule → its place in the enabled list, so a request's rules run in the order `scan` runs them */
  private readonly order: ReadonlyMap<Rule, number>;
  /** the rules other than detector rules for each set of object kinds (and whether the object is a Secret) */
  private readonly byKinds = new Map<string, readonly Rule[]>();

  constructor(rules: readonly Rule[], private readonly config: ResolvedConfig, options: Pick<RunOptions, 'capabilities'>) {
    const enabled = enabledRules(rules, config, options);
    this.order = new Map(enabled.map((rule, index) => [rule, index]));
    this.detectorRules = new Map(enabled.filter((rule) => DETECTOR_RULES.has(rule)).map((rule) => [rule.id, rule]));
    this.otherRules = enabled.filter((rule) => !DETECTOR_RULES.has(rule));
  }

  /** The enabled rules that can fire on the object of this workspace, in run order; `kind` is the request's. */
  rulesFor(workspace: Workspace, kind: string): Rule[] {
    const others = this.otherRulesFor(workspace, kind === 'Secret');
    if (kind === 'Secret' || this.detectorRules.size === 0) return [...others];
    const found = new Set(treeSecrets(workspace, this.config.maxFindingsPerFile).found.map((secret) => secret.detector.id));
    const firing = [...found].map((id) => this.detectorRules.get(id)).filter((rule): rule is Rule => rule !== undefined);
    if (firing.length === 0) return [...others];
    return [...others, ...firing].sort((a, b) => this.order.get(a)! - this.order.get(b)!);
  }

  /** The object's own kind (and those of the objects written inside it), or the kinds of the items of a List; with no object at all, every rule. */
  private otherRulesFor(workspace: Workspace, isSecret: boolean): readonly Rule[] {
    // a ResourceSet or Template is judged by the kinds it creates too
    const objects = withEmbeddedObjects(workspace.kubeObjects());
    const kinds = objects.length === 1 ? objects[0]!.kind : [...new Set(objects.map((object) => object.kind))].sort().join(',');
    const key = `${isSecret ? 'secret' : ''}\0${objects.length === 0 ? '*' : kinds}`;
    let rules = this.byKinds.get(key);
    if (!rules) {
      const kindSet = new Set(objects.map((object) => object.kind));
      rules = this.otherRules.filter((rule) => (!isSecret || rule.layer !== SECRET_OBJECT_LAYER) && (objects.length === 0 || readsAnyOf(rule.objectKinds, kindSet)));
      if (this.byKinds.size < MAX_PLANS) this.byKinds.set(key, rules);
    }
    return rules;
  }
}
