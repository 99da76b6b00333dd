import { withEmbeddedObjects } from '../model/embedded-objects.js';
import { statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, resolveConfig, type ResolvedConfig } from '../config/schema.js';
import { runRules } from '../engine/run.js';
import { objectYaml } from '../model/object-yaml.js';
import { Workspace } from '../model/workspace.js';
import { RULES } from '../rules/index.js';
import { readsAnyOf } from '../rules/object-kinds.js';
import { DETECTORS } from '../secrets/catalogue.js';
import type { Rule } from '../rules/rule.js';
import { describeWithShared } from '../../test/helpers/shared.js';
import { jsonObjectsIn, yamlFiles } from '../../test/helpers/yaml-objects.js';
import { RulePlan } from './rule-plan.js';

const NOT_FOR_SECRETS = RULES.filter((rule) => rule.layer !== 'secrets');
/** Registries and sources allowed from nowhere: the rules that judge them fire on every image and source, so their kinds are checked too. */
const ALLOW_LISTS = resolveConfig({ registries: { allowed: ['registry.invalid'] }, sources: { allowed: ['git.invalid'] } });

async function outcome(object: Record<string, unknown>, config: ResolvedConfig, rules: (workspace: Workspace) => readonly Rule[]): Promise<string[]> {
  const workspace = Workspace.fromObjectYaml('admission/object.yaml', objectYaml(object));
  const { findings, diagnostics } = await runRules(workspace, config, rules(workspace));
  return [
    ...findings.map((finding) => `${finding.ruleId} ${finding.location.line}:${finding.location.column} ${finding.fingerprint} ${finding.message}`),
    ...diagnostics.map((diagnostic) => `diagnostic ${diagnostic.kind} ${diagnostic.message}`),
  ];
}

/**
 * Each object judged with the plan's rules has exactly the findings of every rule (every non-secret
 * rule for a Secret), under the default config and with allow-lists; and no rule whose
 * `objectKinds` leave out the object's kind finds anything in it.
 */
async function checkPlan(files: readonly string[]): Promise<{ objects: number; withFindings: number; skippedByKind: number }> {
  let objects = 0;
  let withFindings = 0;
  let skippedByKind = 0;
  for (const config of [DEFAULT_CONFIG, ALLOW_LISTS]) {
    const plan = new RulePlan(RULES, config, {});
    for (const { file, object } of jsonObjectsIn(files, '1.1')) {
      const kind = typeof object['kind'] === 'string' ? object['kind'] : '';
      const where = `${path.relative('.', file)}: ${JSON.stringify(object).slice(0, 120)}`;
      const everyRule = await outcome(object, config, () => (kind === 'Secret' ? NOT_FOR_SECRETS : RULES));
      let kinds: ReadonlySet<string> = new Set();
      const planned = await outcome(object, config, (workspace) => {
        kinds = new Set(withEmbeddedObjects(workspace.kubeObjects()).map((each) => each.kind));
        return plan.rulesFor(workspace, kind);
      });
      const skipped = new Set(kinds.size === 0 ? [] : RULES.filter((rule) => !readsAnyOf(rule.objectKinds, kinds)).map((rule) => rule.id));
      const foundBySkipped = everyRule.filter((line) => skipped.has(line.slice(0, line.indexOf(' '))));
      expect(foundBySkipped, `${where}: rules whose objectKinds leave out ${[...kinds].join(', ')} found something`).toEqual([]);
      expect(planned, where).toEqual(everyRule);
      objects += 1;
      skippedByKind += skipped.size;
      if (everyRule.length > 0) withFindings += 1;
    }
  }
  return { objects, withFindings, skippedByKind };
}

describe('the admission rule plan runs only rules that can fire, and loses no finding', () => {
  it('over every object of the rule fixtures', async () => {
    const { objects, withFindings, skippedByKind } = await checkPlan(yamlFiles(path.resolve('src/rules')));
    expect(objects).toBeGreaterThan(800);
    expect(withFindings).toBeGreaterThan(300);
    expect(skippedByKind / objects).toBeGreaterThan(30);
  }, 240_000);

  it('a credential in an object is still found; one in a Secret is not (every Secret is plain in the cluster)', async () => {
    const plan = new RulePlan(RULES, DEFAULT_CONFIG, {});
    const sample = DETECTORS.find((detector) => detector.id === 'secret-github-token')!.samples.positives[0]!;
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app' }, data: { 'env.sh': `${sample}\n` } };
    const workspace = Workspace.fromObjectYaml('admission/object.yaml', objectYaml(configMap));
    const chosen = plan.rulesFor(workspace, 'ConfigMap').map((rule) => rule.id);
    expect(chosen).toContain('secret-github-token');
    expect(chosen.length).toBeLessThan(RULES.length / 2);
    expect(plan.rulesFor(workspace, 'Secret').filter((rule) => rule.layer === 'secrets')).toEqual([]);
  });
});

describe('objectKinds', () => {
  it('name kinds as Kubernetes writes them', () => {
    for (const rule of RULES) for (const kind of rule.objectKinds ?? []) expect(kind, rule.id).toMatch(/^[A-Z][A-Za-z0-9]*$/);
  });

  it('leave a Pod to the rules that can judge one', () => {
    const plan = new RulePlan(RULES, DEFAULT_CONFIG, {});
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } };
    const chosen = plan.rulesFor(Workspace.fromObjectYaml('admission/object.yaml', objectYaml(pod)), 'Pod').map((rule) => rule.id);
    expect(chosen).toEqual(expect.arrayContaining(['image-not-pinned', 'workload-privileged', 'workload-host-namespace']));
    expect(chosen).not.toContain('rbac-wildcard');
    expect(chosen).not.toContain('workflow-template-injection');
    expect(chosen).not.toContain('argocd-admin-enabled');
  });

  it('of a List are those of its items', () => {
    const plan = new RulePlan(RULES, DEFAULT_CONFIG, {});
    const list = { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'x' }, rules: [] }] };
    const chosen = plan.rulesFor(Workspace.fromObjectYaml('admission/object.yaml', objectYaml(list)), 'List').map((rule) => rule.id);
    expect(chosen).toContain('rbac-wildcard');
  });
});

describeWithShared('corpus', 'the admission rule plan over the real repositories of the corpus', (corpus) => {
  it('loses no finding on any object', async () => {
    const { objects } = await checkPlan(yamlFiles(corpus).filter((file) => statSync(file).size <= 65_536));
    expect(objects).toBeGreaterThan(5000);
  }, 900_000);
});
