import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { DEFAULT_CONFIG } from '../config/schema.js';
import { runRules } from '../engine/run.js';
import { objectYaml } from '../model/object-yaml.js';
import { Workspace } from '../model/workspace.js';
import { RULES } from '../rules/index.js';

function yamlFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const full = path.join(directory, name);
    if (statSync(full).isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(name) ? [full] : [];
  });
}

const verdicts = async (workspace: Workspace): Promise<string[]> =>
  (await runRules(workspace, DEFAULT_CONFIG, RULES)).findings.map((finding) => `${finding.ruleId}: ${finding.message}`).sort();

describe('the admission judge reads built YAML as the rules read parsed YAML', () => {
  // Built YAML writes multi-line strings (Helm values, scripts) as literal blocks, where the yaml
  // printer sometimes folds or quotes them: the rules then see their lines, and can only find more.
  // Fixtures are read as kubectl reads them (YAML 1.1: `yes` is true) into the JSON the API server sends.
  it('every object of the rule fixtures loses no finding', async () => {
    let objects = 0;
    let withFindings = 0;
    for (const file of yamlFiles(path.resolve('src/rules'))) {
      for (const document of parseAllDocuments(readFileSync(file, 'utf8'), { logLevel: 'error', version: '1.1' }) as Array<{ errors: unknown[]; toJS(): unknown }>) {
        if (document.errors.length > 0) continue;
        const value = (() => {
          try {
            return document.toJS() as unknown;
          } catch {
            return undefined;
          }
        })();
        if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
        const object = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
        const where = 'admission/object.yaml';
        const printed = await verdicts(Workspace.fromTexts({ [where]: stringify(object) }));
        const built = await verdicts(Workspace.fromObjectYaml(where, objectYaml(object)));
        const context = `${path.relative('.', file)}: ${JSON.stringify(object).slice(0, 120)}`;
        expect(printed.filter((finding) => !built.includes(finding)), context).toEqual([]);
        objects += 1;
        if (printed.length > 0) withFindings += 1;
      }
    }
    expect(objects).toBeGreaterThan(400);
    expect(withFindings).toBeGreaterThan(150);
  }, 120_000);
});
