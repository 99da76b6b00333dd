import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/parse.js';
import { DEFAULT_CONFIG } from '../src/config/schema.js';
import { LAYERS } from '../src/model/severity.js';
import { ruleMarkdown } from '../src/rules/docs.js';
import { checkExpectations, readFixtureDirectory } from '../src/rules/fixture-harness.js';
import { RULES } from '../src/rules/index.js';
import { generatedSecretRules } from '../src/rules/secrets/index.js';
import { loadRuleEntries, loadRules, RULE_INDEX } from '../src/rules/rule-index.js';
import { ruleIndexFiles } from '../scripts/rule-index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const rulesDir = path.join(here, '..', 'src', 'rules');
const docsDir = path.join(here, '..', 'docs', 'rules');
/** Secrets rules generated from detector definitions (src/secrets/catalogue.ts): their samples stand in for fixtures. */
const generatedIds = new Set(generatedSecretRules.map((rule) => rule.id));

function ruleFilesOnDisk(): Array<{ layer: string; id: string }> {
  return LAYERS.flatMap((layer) => {
    const directory = path.join(rulesDir, layer);
    if (!existsSync(directory)) return [];
    return readdirSync(directory)
      .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && name !== 'index.ts' && /^[a-z0-9-]+\.ts$/.test(name))
      .map((name) => ({ layer, id: name.slice(0, -3) }))
      .filter(({ layer: ruleLayer, id }) => readFileSync(path.join(rulesDir, ruleLayer, `${id}.ts`), 'utf8').includes('defineRule('));
  });
}

describe('rule catalogue', () => {
  it('lists every rule file exactly once, with ids equal to file names and layers equal to folders', () => {
    const listed = RULES.map((rule) => `${rule.layer}/${rule.id}`).sort();
    const onDisk = [...ruleFilesOnDisk(), ...generatedSecretRules].map(({ layer, id }) => `${layer}/${id}`).sort();
    expect(listed).toEqual(onDisk);
    expect(new Set(RULES.map((rule) => rule.id)).size).toBe(RULES.length);
  });

  for (const rule of RULES) {
    describe(rule.id, () => {
      it('has complete metadata', () => {
        expect(rule.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
        expect(rule.summary.length).toBeGreaterThan(10);
        expect(rule.rationale.length).toBeGreaterThan(40);
        expect(rule.remediation.length).toBeGreaterThan(20);
        expect(rule.references.length).toBeGreaterThan(0);
        expect(Object.keys(rule.messages).length).toBeGreaterThan(0);
        expect(rule.examples.bad.length).toBeGreaterThan(0);
        expect(rule.examples.good.length).toBeGreaterThan(0);
      });

      if (rule.integrationTest) {
        it('is exercised by its integration test against real git or a real registry', () => {
          const testFile = path.join(here, '..', rule.integrationTest ?? '');
          expect(existsSync(testFile), `missing ${rule.integrationTest}`).toBe(true);
          expect(readFileSync(testFile, 'utf8')).toContain(`'${rule.id}'`);
        });
      }

      // a rule with an integration test is exercised there (real git or a real registry), not here
      if (rule.integrationTest === undefined) it('fires on its bad examples exactly where marked, and stays quiet on its good ones', async () => {
        for (const example of [...rule.examples.bad, ...rule.examples.good]) {
          const config = example.config ? parseConfig(example.config, 'example') : DEFAULT_CONFIG;
          const result = await checkExpectations(rule, { [example.file]: example.code }, config);
          expect(result.actual, `${rule.id} example ${example.file}`).toEqual(result.expected);
        }
        const badFires = await Promise.all(rule.examples.bad.map((example) =>
          checkExpectations(rule, { [example.file]: example.code }, example.config ? parseConfig(example.config, 'example') : DEFAULT_CONFIG)));
        expect(badFires.every((result) => result.expected.length > 0)).toBe(true);
      });

      const fixtureDir = path.join(rulesDir, rule.layer, 'fixtures', rule.id);
      // generated secret rules have samples instead, and fixtures where code and scripts need whole files
      if (rule.integrationTest === undefined && !(generatedIds.has(rule.id) && !existsSync(fixtureDir))) it('has fixtures that fire and fixtures that stay quiet', async () => {
        expect(existsSync(fixtureDir), `missing ${path.relative(process.cwd(), fixtureDir)}`).toBe(true);
        const { texts, config } = readFixtureDirectory(fixtureDir);
        const result = await checkExpectations(rule, texts, config);
        expect(result.expected.length, 'fixtures mark no line with expect:').toBeGreaterThan(0);
        const quietLines = Object.values(texts).join('\n').split('\n').filter((line) => !line.includes('expect:') && line.trim() !== '').length;
        expect(quietLines, 'fixtures need content that must not fire').toBeGreaterThan(0);
        expect(result.actual).toEqual(result.expected);
      });

      it('has a current generated docs page', () => {
        const page = path.join(docsDir, `${rule.id}.md`);
        expect(existsSync(page), `run npm run docs`).toBe(true);
        expect(readFileSync(page, 'utf8'), 'docs are stale: run npm run docs').toBe(ruleMarkdown(rule));
      });
    });
  }
});

describe('rule index (src/rules/generated/): what a scan knows of the rules before it loads their check code', () => {
  const generatedDir = path.join(rulesDir, 'generated');

  it('is current: generated from the rule modules by npm run docs', async () => {
    const files = await ruleIndexFiles(rulesDir);
    expect(readdirSync(generatedDir).sort(), 'src/rules/generated/ is stale: run npm run docs').toEqual([...files.keys()].sort());
    for (const [name, text] of files) {
      expect(readFileSync(path.join(generatedDir, name), 'utf8'), `src/rules/generated/${name} is stale: run npm run docs`).toBe(text);
    }
  });

  it('holds each rule, in catalogue order, with the metadata of its module', async () => {
    expect(RULE_INDEX.map((entry) => entry.id)).toEqual(RULES.map((rule) => rule.id));
    const entries = await loadRuleEntries();
    RULES.forEach((rule, index) => {
      const { id, layer, severity, summary, fixable, requires, runsWith } = rule;
      expect(RULE_INDEX[index]).toEqual({ id, layer, requires, group: requires ? `${layer}-${requires}` : layer });
      expect(entries[index]).toEqual({ id, layer, severity, summary, fixable, requires, runsWith });
    });
  });

  it('loads the very rule objects of the catalogue, and only the groups asked for', async () => {
    const loaded = await loadRules(RULE_INDEX);
    expect(loaded.length).toBe(RULES.length);
    loaded.forEach((rule, index) => expect(rule).toBe(RULES[index]));
    const someOperators = RULE_INDEX.filter((entry) => entry.layer === 'operators' && !entry.requires).slice(0, 3);
    expect((await loadRules(someOperators)).map((rule) => rule.id)).toEqual(someOperators.map((entry) => entry.id));
  });
});
