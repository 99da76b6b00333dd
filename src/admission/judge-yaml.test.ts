import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DEFAULT_CONFIG } from '../config/schema.js';
import { runRules } from '../engine/run.js';
import { objectYaml } from '../model/object-yaml.js';
import { Workspace } from '../model/workspace.js';
import { RULES } from '../rules/index.js';
import { jsonObjectsIn, yamlFiles } from '../../test/helpers/yaml-objects.js';

const verdicts = async (workspace: Workspace): Promise<string[]> =>
  (await runRules(workspace, DEFAULT_CONFIG, RULES)).findings.map((finding) => `${finding.ruleId}: ${finding.message}`).sort();

describe('the admission judge reads built YAML as the rules read parsed YAML', () => {
  // Built YAML writes multi-line strings (Helm values, scripts) as literal blocks, where the yaml
  // printer sometimes folds or quotes them: the rules then see their lines, and can only find more.
  // Fixtures are read as kubectl reads them (YAML 1.1: `yes` is true) into the JSON the API server sends.
  it('every object of the rule fixtures loses no finding', async () => {
    let objects = 0;
    let withFindings = 0;
    for (const { file, object } of jsonObjectsIn(yamlFiles(path.resolve('src/rules')), '1.1')) {
      const where = 'admission/object.yaml';
      const printed = await verdicts(Workspace.fromTexts({ [where]: stringify(object) }));
      const built = await verdicts(Workspace.fromObjectYaml(where, objectYaml(object)));
      const context = `${path.relative('.', file)}: ${JSON.stringify(object).slice(0, 120)}`;
      expect(printed.filter((finding) => !built.includes(finding)), context).toEqual([]);
      objects += 1;
      if (printed.length > 0) withFindings += 1;
    }
    expect(objects).toBeGreaterThan(400);
    expect(withFindings).toBeGreaterThan(150);
  }, 120_000);
});
