import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POD_WITH, rampart, STACK_FRAME, type CliResult } from './cli-run.js';

/**
 * Each case is a tree holding one bad input next to a good manifest with a known finding: the bad
 * input gets a clear line naming it, the good file is still scanned, and the exit code is 2 only
 * when a file that should have been checked could not be.
 */
let scratch: string;
let outside: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'rampart-bad-input-'));
  outside = path.join(scratch, 'outside-secret.yaml');
  await writeFile(outside, POD_WITH('outside/never-read:1'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function treeWith(name: string, add: (root: string) => Promise<void>): Promise<string> {
  const root = path.join(scratch, name);
  await mkdir(root, { recursive: true });
  await writeFile(path.join(root, 'good.yaml'), POD_WITH('nginx:1.27'));
  await add(root);
  return root;
}

const scanText = (root: string): Promise<CliResult> => rampart(['scan', root, '--rule', 'image-not-pinned', '--fail-on', 'none']);

function expectGoodFileScanned(result: CliResult): void {
  expect(result.stdout).toMatch(/good\.yaml\n\s+7:14\s+HIGH\s+Image nginx:1\.27 is not pinned/);
  expect(result.stderr).not.toMatch(STACK_FRAME);
}

describe('bad input', () => {
  it('invalid YAML: an error with line and column, the rest scanned, exit 2', async () => {
    const root = await treeWith('invalid-yaml', (dir) => writeFile(path.join(dir, 'broken.yaml'), 'kind: Pod\nmetadata:\n  name: [unclosed\n'));
    const result = await scanText(root);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^error broken\.yaml:\d+:\d+: invalid YAML: .+$/m);
    expect(result.stdout).toContain('scan incomplete');
    expectGoodFileScanned(result);

    const json = await rampart(['scan', root, '-f', 'json', '--fail-on', 'none']);
    expect(json.code).toBe(2);
    expect(json.stderr).toMatch(/^rampart: broken\.yaml:\d+:\d+: invalid YAML/m);
    expect(json.stderr).toContain('scan incomplete: 1 file could not be checked');
    const diagnostics = (JSON.parse(json.stdout) as { diagnostics: Array<{ path: string; line?: number; column?: number; kind: string }> }).diagnostics;
    expect(diagnostics).toContainEqual(expect.objectContaining({ path: 'broken.yaml', kind: 'incomplete', line: expect.any(Number), column: expect.any(Number) }));
  }, 180_000);

  it('a non-UTF-8 file: a note naming it, and it is still scanned', async () => {
    const root = await treeWith('latin1', (dir) => writeFile(path.join(dir, 'latin1.yaml'), Buffer.concat([
      Buffer.from(POD_WITH('redis:7.2')), Buffer.from('# owner: caf'), Buffer.from([0xe9]), Buffer.from(' (Latin-1)\n'),
    ])));
    const result = await scanText(root);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^note latin1\.yaml: not valid UTF-8/m);
    expect(result.stdout).toMatch(/latin1\.yaml\n\s+7:14\s+HIGH\s+Image redis:7\.2/);
    expectGoodFileScanned(result);
  });

  it('a binary .yaml: skipped with a line naming it, exit 0', async () => {
    const root = await treeWith('binary', (dir) => writeFile(path.join(dir, 'blob.yaml'), Buffer.from([0x00, 0x01, 0x02, 0xff, 0x00])));
    const result = await scanText(root);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^skipped blob\.yaml: binary file; skipped$/m);
    expectGoodFileScanned(result);
  });

  it('a 50 MB file: skipped without being read, exit 0', async () => {
    const root = await treeWith('huge', async (dir) => {
      const file = path.join(dir, 'huge.yaml');
      await writeFile(file, '');
      await truncate(file, 50 * 1024 * 1024);
    });
    const result = await scanText(root);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^skipped huge\.yaml: file is 50\.0 MB, over the 10\.0 MB limit; skipped$/m);
    expectGoodFileScanned(result);
  });

  it('symbolic link loops: skipped with a line naming them, exit 0', async () => {
    const root = await treeWith('loops', async (dir) => {
      await symlink('self.yaml', path.join(dir, 'self.yaml'));
      await mkdir(path.join(dir, 'nested'));
      await symlink('..', path.join(dir, 'nested', 'up'));
    });
    const result = await scanText(root);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^skipped self\.yaml: symbolic link loop; skipped$/m);
    expect(result.stdout).toMatch(/^skipped nested\/up: symbolic link loop/m);
    expectGoodFileScanned(result);
  });

  it('a symbolic link leaving the tree: not followed, exit 0', async () => {
    const root = await treeWith('escape', (dir) => symlink(outside, path.join(dir, 'linked.yaml')));
    const result = await scanText(root);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^skipped linked\.yaml: symbolic link leads outside the scanned tree; not followed$/m);
    expect(result.stdout).not.toContain('never-read');
    expectGoodFileScanned(result);
  });

  it('an invalid .rampart.yaml: one error naming the file and the line, exit 2', async () => {
    const badValue = await treeWith('config-value', (dir) => writeFile(path.join(dir, '.rampart.yaml'), 'failOn: severe\n'));
    const value = await rampart(['scan', badValue]);
    expect(value.code).toBe(2);
    expect(value.stderr).toMatch(/\.rampart\.yaml: invalid configuration:\n\s+- line 1: failOn/);
    expect(value.stderr).not.toMatch(STACK_FRAME);

    const badSyntax = await treeWith('config-syntax', (dir) => writeFile(path.join(dir, '.rampart.yaml'), 'rules: [\n'));
    const syntax = await rampart(['scan', badSyntax]);
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toMatch(/\.rampart\.yaml:\d+:\d+: invalid YAML/);
    expect(syntax.stdout).toBe('');
  }, 180_000);

  it('malformed option values: a usage error naming the option and what is wrong, exit 2, nothing scanned', async () => {
    const root = await treeWith('option-values', async (dir) => {
      const git = (...args: string[]): void => void execFileSync('git', args, { cwd: dir, env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
      git('init', '-q');
      git('add', '.');
      git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'one');
    });
    const cases: Array<[string[], RegExp]> = [
      [['--since=-n'], /^rampart: --since: "-n" is not a revision \(it starts with "-", as options do\)/],
      [['--since='], /^rampart: --since: no revision given/],
      [['--since=no-such-branch'], /^rampart: --since: unknown revision: no-such-branch/],
      [['--range=a..b..c'], /^rampart: --range expects A\.\.B or A\.\.\.B/],
      [['--range=-x..HEAD'], /^rampart: --range: "-x" is not a revision/],
      // refused with or without --resolve; 1e9 s would overflow Node's timer and fail every request at once
      [['--registry-timeout=abc'], /^rampart: --registry-timeout expects a number of seconds above 0 and at most 2147483, not "abc"/],
      [['--registry-timeout=1e9'], /^rampart: --registry-timeout expects a number of seconds .* not "1e9"/],
    ];
    for (const [flags, message] of cases) {
      const result = await rampart(['scan', root, '--rule', 'image-not-pinned', ...flags]);
      expect({ flags, code: result.code, stdout: result.stdout }).toEqual({ flags, code: 2, stdout: '' });
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(STACK_FRAME);
    }
  }, 180_000);
});
