import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../src/config/schema.js';
import { runRules } from '../src/engine/run.js';
import { SourceFile } from '../src/model/source-file.js';
import { Workspace } from '../src/model/workspace.js';
import { parseYamlFile } from '../src/model/yaml.js';
import { RULES } from '../src/rules/index.js';
import { cpuGrowth, describeGrowth } from './helpers/growth.js';

/**
 * YAML shapes a pull request can write to make every rule's reading of a file cost more than its
 * size: each is read by all rules at two sizes, and the larger may cost no more than about its
 * share (8× the input, at most 20× the time, which leaves room for a busy machine; quadratic work
 * is 64×, exponential work does not finish).
 */
const LIMIT = 20;

async function allRules(texts: Record<string, string>): Promise<string[]> {
  const result = await runRules(Workspace.fromTexts(texts), DEFAULT_CONFIG, RULES);
  return result.findings.map((finding) => `${finding.ruleId} ${finding.location.path}:${finding.location.line}`);
}

/** A Deployment whose first container is written once, and `copies` aliases to it in a list beside. */
function manyAliases(copies: number): string {
  return [
    'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: web}', 'spec:', '  template:', '    spec:', '      containers:',
    '        - &app {name: app, image: "nginx:1.27"}', `      initContainers:`, ...Array.from({ length: copies }, () => '        - *app'), '',
  ].join('\n');
}

/** Anchors `a1…aN`, each merging the one before nine times (`<<: [*a0, *a0, …]`), merged into every map of a Deployment. */
function mergeBomb(levels: number): string {
  const lines = ['a0: &a0 {k0: v}'];
  for (let level = 1; level <= levels; level += 1) lines.push(`a${level}: &a${level}`, `  <<: [${Array.from({ length: 9 }, () => `*a${level - 1}`).join(', ')}]`);
  const top = `*a${levels}`;
  lines.push(
    'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', `  <<: ${top}`, '  name: web', 'spec:', `  <<: ${top}`, '  template:', `    <<: ${top}`,
    '    spec:', `      <<: ${top}`, '      containers:', `        - <<: ${top}`, '          name: app', '          image: nginx:1.27', '',
  );
  return lines.join('\n');
}

describe('hostile YAML: anchors, aliases and merge keys', { timeout: 120_000 }, () => {
  it('aliases cost time in proportion to their number (each one used to walk the whole document)', async () => {
    const findings = await allRules({ 'deploy.yaml': manyAliases(3) });
    expect(findings.filter((finding) => finding.startsWith('image-not-pinned'))).toEqual(['image-not-pinned deploy.yaml:8']);
    const growth = await cpuGrowth(() => allRules({ 'deploy.yaml': manyAliases(2_000) }), () => allRules({ 'deploy.yaml': manyAliases(16_000) }));
    expect(growth.ratio, describeGrowth(growth)).toBeLessThan(LIMIT);
  });

  it('merge keys that merge the same anchors level after level are searched once per map, not once per path', async () => {
    // a key that no merged map sets was looked for through every merge: 9^7 paths at 7 levels (sizes
    // kept small so that a regression fails in seconds rather than hanging the run)
    const findings = await allRules({ 'deploy.yaml': mergeBomb(7) });
    expect(findings.filter((finding) => finding.startsWith('image-not-pinned'))).toEqual([`image-not-pinned deploy.yaml:${2 * 7 + 16}`]);
    const growth = await cpuGrowth(() => allRules({ 'deploy.yaml': mergeBomb(3) }), () => allRules({ 'deploy.yaml': mergeBomb(7) }));
    expect(growth.ratio, describeGrowth(growth)).toBeLessThan(LIMIT);
  });
});

/** `count` ConfigMaps in one file, as a generated bundle writes them. */
function manyConfigMaps(count: number): string {
  return Array.from({ length: count }, (_, index) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${index}\ndata:\n  a: b\n`).join('---\n');
}

describe('hostile YAML: many documents in one file', { timeout: 180_000 }, () => {
  it('each document costs its own size, not the whole file\'s (a search of the file\'s text per document was n x size)', async () => {
    const growth = await cpuGrowth(() => allRules({ 'bundle.yaml': manyConfigMaps(1_000) }), () => allRules({ 'bundle.yaml': manyConfigMaps(8_000) }));
    expect(growth.ratio, describeGrowth(growth)).toBeLessThan(LIMIT);
  });

  it('a stream of more than 50,000 documents is not parsed (2.5 million empty ones, 10 MB, took 99 s and 3 GB), and says so', () => {
    for (const [marker, lineEnd] of [['---', '\n'], ['...', '\n'], ['--- # c', '\r']] as const) {
      const refused = parseYamlFile(new SourceFile('bundle.yaml', `${marker}${lineEnd}`.repeat(60_000)));
      expect(refused.documents).toEqual([]);
      expect(refused.diagnostics).toEqual([{ path: 'bundle.yaml', message: 'skipped: more than 50,000 YAML documents; not parsed, its text is still searched for secrets', kind: 'incomplete' }]);
    }
    const read = parseYamlFile(new SourceFile('bundle.yaml', manyConfigMaps(2_000)));
    expect(read.documents).toHaveLength(2_000);
    expect(read.diagnostics).toEqual([]);
  });
});

/** A GitLab pipeline of `count` jobs, each extending one of ten templates. */
function manyGitlabJobs(count: number): string {
  const templates = Array.from({ length: 10 }, (_, index) => `.base${index}:\n  tags: [t${index}]\n`).join('');
  return `image: alpine:3\n${templates}${Array.from({ length: count }, (_, index) => `j${index}:\n  extends: [.base${index % 10}]\n  script: [echo ${index}]\n`).join('')}`;
}

describe('hostile YAML: many GitLab jobs', { timeout: 180_000 }, () => {
  it('each job costs its own size (the top-level before_script was looked up once per job, a scan of every job each)', async () => {
    const growth = await cpuGrowth(() => allRules({ '.gitlab-ci.yml': manyGitlabJobs(1_000) }), () => allRules({ '.gitlab-ci.yml': manyGitlabJobs(8_000) }));
    expect(growth.ratio, describeGrowth(growth)).toBeLessThan(LIMIT);
  });
});
