import { statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/schema.js';
import { runRules } from '../engine/run.js';
import { objectYaml } from '../model/object-yaml.js';
import { Workspace } from '../model/workspace.js';
import { RULES } from '../rules/index.js';
import { DETECTORS } from '../secrets/catalogue.js';
import type { Rule } from '../rules/rule.js';
import { describeWithShared } from '../../test/helpers/shared.js';
import { jsonObjectsIn, yamlFiles } from '../../test/helpers/yaml-objects.js';
import { RulePlan } from './rule-plan.js';

const NOT_FOR_SECRETS = RULES.filter((rule) => rule.layer !== 'secrets');

async function outcome(object: Record<string, unknown>, rules: (workspace: Workspace) => readonly Rule[]): Promise<string[]> {
  const workspace = Workspace.fromObjectYaml('admission/object.yaml', objectYaml(object));
  const { findings, diagnostics } = await runRules(workspace, DEFAULT_CONFIG, rules(workspace));
  return [
    ...findings.map((finding) => `${finding.ruleId} ${finding.location.line}:${finding.location.column} ${finding.fingerprint} ${finding.message}`),
    ...diagnostics.map((diagnostic) => `diagnostic ${diagnostic.kind} ${diagnostic.message}`),
  ];
}

/** Each object judged with the plan's rules has exactly the findings of every rule (every non-secret rule for a Secret). */
async function checkPlan(files: readonly string[]): Promise<{ objects: number; withFindings: number }> {
  const plan = new RulePlan(RULES, DEFAULT_CONFIG, {});
  let objects = 0;
  let withFindings = 0;
  for (const { file, object } of jsonObjectsIn(files, '1.1')) {
    const kind = typeof object['kind'] === 'string' ? object['kind'] : '';
    const everyRule = await outcome(object, () => (kind === 'Secret' ? NOT_FOR_SECRETS : RULES));
    const planned = await outcome(object, (workspace) => plan.rulesFor(workspace, kind));
    expect(planned, `${path.relative('.', file)}: ${JSON.stringify(object).slice(0, 120)}`).toEqual(everyRule);
    objects += 1;
    if (everyRule.length > 0) withFindings += 1;
  }
  return { objects, withFindings };
}

describe('the admission rule plan runs only rules that can fire, and loses no finding', () => {
  it('over every object of the rule fixtures', async () => {
    const { objects, withFindings } = await checkPlan(yamlFiles(path.resolve('src/rules')));
    expect(objects).toBeGreaterThan(400);
    expect(withFindings).toBeGreaterThan(150);
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

describeWithShared('corpus', 'the admission rule plan over the real repositories of the corpus', (corpus) => {
  it('loses no finding on any object', async () => {
    const { objects } = await checkPlan(yamlFiles(corpus).filter((file) => statSync(file).size <= 65_536));
    expect(objects).toBeGreaterThan(2500);
  }, 900_000);
});
