import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, POD_WITH, PROJECT, rampart, STACK_FRAME } from './cli-run.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'rampart-e2e-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function tree(name: string, files: Record<string, string>): Promise<string> {
  const root = path.join(scratch, name);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  return root;
}

describe('rampart scan: formats', () => {
  it('text: findings grouped by file and a summary table', async () => {
    const result = await rampart(['scan', DEMO, '--fail-on', 'none']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\d+ findings? in \d+ files/);
    expect(result.stdout).toContain('dependencies');
    expect(result.stdout).not.toMatch(/\x1b\[/);
  });

  it('text groups a rule found 10 or more times under one folder; --no-group and JSON list every finding', async () => {
    const grouped = await rampart(['scan', DEMO, '--fail-on', 'none']);
    expect(grouped.stdout).toMatch(/^\.\/ \(13 × image-not-pinned in 9 files\)$/m);
    expect(grouped.stdout.match(/is not pinned to a digest/g)).toHaveLength(1);
    const listed = await rampart(['scan', DEMO, '--fail-on', 'none', '--no-group']);
    expect(listed.stdout.match(/is not pinned to a digest/g)).toHaveLength(13);
    const json = JSON.parse((await rampart(['scan', DEMO, '-f', 'json', '--fail-on', 'none'])).stdout) as { findings: Array<{ ruleId: string }> };
    expect(json.findings.filter((finding) => finding.ruleId === 'image-not-pinned')).toHaveLength(13);
  });

  it('json: the documented schema', async () => {
    const result = await rampart(['scan', DEMO, '-f', 'json', '--fail-on', 'none']);
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as { schemaVersion: number; findings: unknown[]; summary: { findings: number } };
    expect(output.schemaVersion).toBe(1);
    expect(output.summary.findings).toBe(output.findings.length);
  });

  it('sarif: a 2.1.0 log with one run', async () => {
    const result = await rampart(['scan', DEMO, '--format', 'sarif', '--fail-on', 'none']);
    const log = JSON.parse(result.stdout) as { version: string; runs: unknown[] };
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
  });

  it('html: one self-contained page', async () => {
    const result = await rampart(['scan', DEMO, '-f', 'html', '--fail-on', 'none']);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith('<!doctype html>')).toBe(true);
    expect(result.stdout.trimEnd().endsWith('</html>')).toBe(true);
  });

  it('markdown: links to GitHub lines when the Actions variables are set (relative links are unit-tested)', async () => {
    const env = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/gitops', GITHUB_SHA: 'deadbeef' };
    const result = await rampart(['scan', 'examples/demo', '-f', 'markdown', '--fail-on', 'none'], { env });
    expect(result.stdout).toMatch(/^## .* Rampart: /);
    expect(result.stdout).toContain('](https://github.com/acme/gitops/blob/deadbeef/examples/demo/');
  });

  it('--output writes the report atomically and says where; --quiet says nothing', async () => {
    const file = path.join(scratch, 'report.sarif');
    const result = await rampart(['scan', DEMO, '-f', 'sarif', '-o', file, '--fail-on', 'none']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`\\d+ findings written to ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    expect(JSON.parse(await readFile(file, 'utf8'))).toHaveProperty('version', '2.1.0');
    const quiet = await rampart(['scan', DEMO, '-f', 'html', '-o', path.join(scratch, 'r.html'), '-q', '--fail-on', 'none']);
    expect(quiet.stderr).toBe('');
  });
});

describe('rampart scan: exit codes', () => {
  it('0 on a clean tree', async () => {
    const clean = await tree('clean', { 'README.md': '# nothing to see\n' });
    expect((await rampart(['scan', clean])).code).toBe(0);
  });

  it('1 at or above --fail-on (default high), 0 below it or with none', async () => {
    const unpinned = await tree('unpinned', { 'pod.yaml': POD_WITH('nginx:1.27') });
    const only = ['--rule', 'image-not-pinned'];
    const [byDefault, critical, none] = await Promise.all([
      rampart(['scan', unpinned, ...only]),
      rampart(['scan', unpinned, ...only, '--fail-on', 'critical']),
      rampart(['scan', unpinned, ...only, '--fail-on', 'none']),
    ]);
    expect(byDefault.code).toBe(1);
    expect(critical.code).toBe(0);
    expect(none.code).toBe(0);
  });

  const usageErrors: Array<[string, () => string[], RegExp]> = [
    ['an unknown format', () => ['scan', DEMO, '--format', 'pdf'], /argument 'pdf' is invalid/],
    ['an unknown option', () => ['scan', DEMO, '--no-such-flag'], /unknown option '--no-such-flag'/],
    ['an unknown command', () => ['frobnicate'], /unknown command 'frobnicate'/],
    ['a missing path', () => ['scan', path.join(scratch, 'does-not-exist')], /cannot scan .*does-not-exist: no such file or directory/],
    ['an unknown rule id', () => ['scan', DEMO, '--rule', 'no-such-rule'], /unknown rule id: no-such-rule/],
    ['an unknown layer', () => ['scan', DEMO, '--layer', 'network'], /argument 'network' is invalid.*repository, artifacts, secrets, operators, dependencies/],
    ['rules outside the layers given', () => ['scan', DEMO, '--layer', 'secrets', '-r', 'image-not-pinned'], /none of the rules given with -r is in the layers secrets/],
    ['a missing baseline', () => ['scan', DEMO, '--baseline', path.join(scratch, 'missing.json')], /cannot read baseline .*missing\.json: no such file/],
    ['a missing config file', () => ['scan', DEMO, '--config', path.join(scratch, 'missing.yaml')], /missing\.yaml/],
    ['a missing argument', () => ['explain'], /missing required argument 'rule-id'/],
  ];
  for (const [what, args, message] of usageErrors) {
    it(`2 for ${what}, with one clear line and no stack trace`, async () => {
      const result = await rampart(args());
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(STACK_FRAME);
    });
  }

  it('--layer runs only the rules of those layers, -r narrows them further', async () => {
    const layers = async (...args: string[]) => {
      const result = await rampart(['scan', DEMO, '-f', 'json', '--fail-on', 'none', ...args]);
      const report = JSON.parse(result.stdout) as { findings: Array<{ layer: string; ruleId: string }> };
      return { layers: [...new Set(report.findings.map((finding) => finding.layer))].sort(), rules: new Set(report.findings.map((finding) => finding.ruleId)) };
    };
    const all = await layers();
    expect(all.layers.length).toBeGreaterThan(2);
    expect((await layers('--layer', 'secrets')).layers).toEqual(['secrets']);
    expect((await layers('--layer', 'artifacts,operators')).layers).toEqual(['artifacts', 'operators']);
    expect((await layers('-l', 'artifacts', '-l', 'operators')).layers).toEqual(['artifacts', 'operators']);
    const narrowed = await layers('--layer', 'artifacts', '-r', 'image-not-pinned,k8s-secret-plaintext');
    expect([...narrowed.rules]).toEqual(['image-not-pinned']);
  });

  it('takes the path after list options: they never swallow it', async () => {
    const result = await rampart(['scan', '-f', 'json', '--fail-on', 'none', '--layer', 'secrets', '-r', 'k8s-secret-plaintext', DEMO]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { findings: Array<{ ruleId: string; location: { path: string } }> };
    expect(report.findings.length).toBeGreaterThan(0);
    expect(new Set(report.findings.map((finding) => finding.ruleId))).toEqual(new Set(['k8s-secret-plaintext']));
  });

  it('--debug adds the stack trace of a runtime error', async () => {
    const result = await rampart(['scan', path.join(scratch, 'does-not-exist'), '--debug']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(STACK_FRAME);
  });
});

describe('rampart baseline', () => {
  it('records findings, then scan --baseline reports only new ones and what disappeared', async () => {
    const root = await tree('baseline', { 'a.yaml': POD_WITH('nginx:1.27'), 'b.yaml': POD_WITH('redis:7.2') });
    const recorded = await rampart(['baseline', root]);
    expect(recorded.code).toBe(0);
    expect(recorded.stderr).toMatch(/wrote \d+ baseline entr(y|ies) to .*\.rampart-baseline\.json/);
    const file = path.join(root, '.rampart-baseline.json');
    const baseline = JSON.parse(await readFile(file, 'utf8')) as { entries: Array<{ path: string }> };
    expect(baseline.entries.length).toBeGreaterThanOrEqual(2);
    expect(await readFile(file, 'utf8')).not.toContain('image:');

    const unchanged = await rampart(['scan', root, '--baseline', file]);
    expect(unchanged.code).toBe(0);
    expect(unchanged.stdout).toMatch(/No findings .*\d+ in baseline, 0 baseline entries no longer occur/);

    await writeFile(path.join(root, 'a.yaml'), `# moved down\n\n${POD_WITH('nginx:1.27')}`);
    await writeFile(path.join(root, 'b.yaml'), POD_WITH('memcached:1.6'));
    const changed = await rampart(['scan', root, '--baseline', file, '-f', 'json']);
    expect(changed.code).toBe(1);
    const output = JSON.parse(changed.stdout) as { findings: Array<{ location: { path: string }; snippet: string }>; summary: { baseline: { absent: number; matched: number } } };
    expect(output.findings.length).toBeGreaterThan(0);
    expect(output.findings.every((finding) => finding.snippet.includes('memcached'))).toBe(true);
    expect(output.summary.baseline.absent).toBeGreaterThan(0);
    expect(output.summary.baseline.matched).toBeGreaterThan(0);
  }, 180_000);

  it('rejects a file that is not a baseline, naming it', async () => {
    const bogus = path.join(scratch, 'bogus.json');
    await writeFile(bogus, '{"hello": 1}');
    const result = await rampart(['scan', DEMO, '--baseline', bogus]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`baseline ${bogus} is not a Rampart baseline`);
  });
});

describe('rampart rules and explain', () => {
  it('lists the catalogue with a header, filters by layer, and prints JSON', async () => {
    const table = await rampart(['rules']);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^RULE\s+LAYER\s+SEVERITY\s+SUMMARY$/);
    expect(table.stdout).toMatch(/^image-not-pinned\s+artifacts\s+high\s+.+\[fixable\]$/m);
    const artifacts = await rampart(['rules', '--layer', 'artifacts', '--json']);
    const rows = JSON.parse(artifacts.stdout) as Array<{ id: string; layer: string }>;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.layer === 'artifacts')).toBe(true);
    expect((await rampart(['rules', '--layer', 'nope'])).code).toBe(2);
  });

  it("explain prints a rule's documentation as plain text when piped, its Markdown with --markdown, and suggests ids for typos", async () => {
    const known = await rampart(['explain', 'image-not-pinned']);
    expect(known.code).toBe(0);
    expect(known.stdout).toMatch(/^image-not-pinned\n={16}\n\nLayer: artifacts · Default severity: high/);
    expect(known.stdout).toMatch(/\nHow to fix\n-{10}\n/);
    expect(known.stdout).toMatch(/\n {4} +image: nginx:1\.27\n/);
    expect(known.stdout).not.toMatch(/\*\*|```|^#+ [A-Z]|^# image|\x1b\[/m);
    expect(known.stdout.split('\n').filter((line) => !line.startsWith('    ') && !line.includes('<http') && line.length > 80)).toEqual([]);
    const markdown = await rampart(['explain', 'image-not-pinned', '--markdown']);
    expect(markdown.stdout).toBe(await readFile(path.join(PROJECT, 'docs', 'rules', 'image-not-pinned.md'), 'utf8'));
    // on a terminal (a pseudo-terminal from util-linux `script`): styled, no Markdown markup
    const bin = path.join(PROJECT, 'bin', 'rampart.js');
    const tty = spawnSync('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} explain image-not-pinned`, '/dev/null'], {
      encoding: 'utf8', env: { ...process.env, NO_COLOR: '', TERM: 'xterm', COLUMNS: '100' },
    });
    expect(tty.stdout).toContain('\x1b[1m\x1b[4mimage-not-pinned');
    expect(tty.stdout).not.toMatch(/\*\*Layer|^## /m);
    const typo = await rampart(['explain', 'image-not-pined']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unknown rule image-not-pined; did you mean image-not-pinned');
  });
});
