import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { commitFiles, packChart, startChartRepository, startGitDaemon, writeTree, type ChartRepository, type GitServer } from './helpers/deps-servers.js';

let work: string;
let charts: ChartRepository;
let git: GitServer;
let cache: string;
let gitBase: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'rampart-deps-verify-'));
  cache = path.join(work, 'cache');
  gitBase = path.join(work, 'git');
  await mkdir(gitBase, { recursive: true });
  charts = await startChartRepository();
  charts.publish('web', '1.0.0', packChart('web', '1.0.0', { 'values.yaml': 'replicas: 1\n' }));
  await commitFiles(gitBase, 'bases', { 'app/kustomization.yaml': 'resources: []\n' }, 'v1');
  git = await startGitDaemon(gitBase);
});

afterAll(async () => {
  await charts?.close();
  await git?.stop();
  await rm(work, { recursive: true, force: true });
});

const repository = (name: string, files: Record<string, string>): Promise<string> => writeTree(path.join(work, name), files);

const chartFile = (url: string): string => `apiVersion: v2\nname: umbrella\nversion: 0.1.0\ndependencies:\n  - name: web\n    version: 1.0.0\n    repository: ${url}\n`;

describe('rampart deps verify', () => {
  it('passes on an unchanged lock, then reports a republished chart version and a force-moved tag as dependency-content-changed', async () => {
    const root = await repository('republish', {
      'umbrella/Chart.yaml': chartFile(charts.url),
      'kustomization.yaml': `resources:\n  - git::${git.url}/bases.git//app?ref=v1\n`,
    });
    const locked = await runCli(['deps', 'lock', root, '--cache-dir', cache, '-q']);
    expect(locked.stderr).toBe('');
    expect(locked.code).toBe(0);

    const clean = await runCli(['deps', 'verify', root, '--cache-dir', cache, '-q', '-f', 'json']);
    expect(JSON.parse(clean.stdout).findings).toEqual([]);
    expect(clean.code).toBe(0);

    charts.publish('web', '1.0.0', packChart('web', '1.0.0', { 'values.yaml': 'replicas: 1\nimage: evil.example/miner:latest\n' }));
    await commitFiles(gitBase, 'bases', { 'app/extra.yaml': 'kind: ClusterRoleBinding\n' }, 'v1', { force: true });

    const changed = await runCli(['deps', 'verify', root, '--cache-dir', cache, '-q', '-f', 'json']);
    const findings = JSON.parse(changed.stdout).findings as Array<{ ruleId: string; severity: string; message: string; location: { path: string; line: number } }>;
    expect(findings.map((finding) => [finding.ruleId, finding.location.path, finding.location.line])).toEqual([
      ['dependency-content-changed', 'kustomization.yaml', 2],
      ['dependency-content-changed', 'umbrella/Chart.yaml', 6],
    ]);
    expect(findings[0]?.severity).toBe('critical');
    expect(findings[0]?.message).toMatch(/locked at commit [0-9a-f]{40} and now resolves to [0-9a-f]{40}/);
    expect(findings[1]?.message).toMatch(/chart web 1\.0\.0 was locked at sha256 sha256:/);
    expect(changed.code).toBe(1);
  });

  it('reports dependency-not-locked for a dependency the lock does not have, and for a missing lock', async () => {
    const root = await repository('unlocked', { 'umbrella/Chart.yaml': chartFile(charts.url) });
    const noLock = await runCli(['scan', root, '--deps', '--locked', '--cache-dir', cache, '-q', '-f', 'json', '-r', 'dependency-not-locked']);
    const first = JSON.parse(noLock.stdout).findings as Array<{ ruleId: string; message: string }>;
    expect(first.map((finding) => finding.ruleId)).toEqual(['dependency-not-locked']);
    expect(first[0]?.message).toContain('there is no rampart.lock');
    await runCli(['deps', 'lock', root, '--cache-dir', cache, '-q']);
    await writeFile(path.join(root, 'kustomization.yaml'), `resources:\n  - git::${git.url}/bases.git//app?ref=v1\n`);
    const added = await runCli(['scan', root, '--deps', '--locked', '--cache-dir', cache, '-q', '-f', 'json', '-r', 'dependency-not-locked,dependency-content-changed']);
    const second = JSON.parse(added.stdout).findings as Array<{ ruleId: string; message: string; location: { path: string } }>;
    expect(second.map((finding) => [finding.ruleId, finding.location.path])).toEqual([['dependency-not-locked', 'kustomization.yaml']]);
    expect(second[0]?.message).toContain('is not in rampart.lock');
  });

  it('reports dependency-lock-stale for a lock entry nothing references any more, at its line in rampart.lock', async () => {
    const root = await repository('stale', {
      'umbrella/Chart.yaml': chartFile(charts.url),
      'kustomization.yaml': `resources:\n  - git::${git.url}/bases.git//app?ref=v1\n`,
    });
    expect((await runCli(['deps', 'lock', root, '--cache-dir', cache, '-q'])).code).toBe(0);
    await writeFile(path.join(root, 'kustomization.yaml'), 'resources: []\n');
    const verified = await runCli(['deps', 'verify', root, '--cache-dir', cache, '-q', '-f', 'json']);
    const findings = JSON.parse(verified.stdout).findings as Array<{ ruleId: string; severity: string; message: string; location: { path: string; line: number } }>;
    expect(findings.map((finding) => [finding.ruleId, finding.severity, finding.location.path, finding.location.line])).toEqual([['dependency-lock-stale', 'low', 'rampart.lock', 5]]);
    expect(findings[0]?.message).toBe(`rampart.lock locks git ${git.url}/bases.git//app v1, which nothing references any more (it was last referenced by kustomization.yaml:2). Run \`rampart deps lock\`.`);
  });

  it('does not call lock entries stale when their references were left out of the scan on purpose or could not be reached', async () => {
    const outer = await startChartRepository();
    outer.publish('outer', '1.0.0', packChart('outer', '1.0.0', { 'Chart.yaml': `apiVersion: v2\nname: outer\nversion: 1.0.0\ndependencies:\n  - name: api\n    version: 2.0.0\n    repository: ${charts.url}\n` }));
    charts.publish('api', '2.0.0', packChart('api', '2.0.0'));
    const root = await repository('left-out', {
      'umbrella/Chart.yaml': chartFile(charts.url),
      'legacy/kustomization.yaml': `resources:\n  - git::${git.url}/bases.git//app?ref=v1\n`,
      'nested/Chart.yaml': `apiVersion: v2\nname: nested\nversion: 0.1.0\ndependencies:\n  - name: outer\n    version: 1.0.0\n    repository: ${outer.url}\n`,
    });
    await promisify(execFile)('git', ['init', '-q', root]); // a file is scanned as its repository sees it
    expect((await runCli(['deps', 'lock', root, '--cache-dir', cache, '-q'])).code).toBe(0);
    const stale = async (...args: string[]): Promise<string[]> => {
      const verified = await runCli(['scan', ...args, '--deps', '--locked', '--cache-dir', cache, '-q', '-f', 'json', '-r', 'dependency-lock-stale', '--fail-on', 'none']);
      return (JSON.parse(verified.stdout).findings as Array<{ message: string }>).map((finding) => finding.message);
    };
    expect(await stale(root)).toEqual([]);
    // one file scanned: the rest of the repository was not read, so its lock entries are not judged
    expect(await stale(path.join(root, 'umbrella/Chart.yaml'))).toEqual([]);
    await writeFile(path.join(root, '.rampart.yaml'), 'ignore:\n  - nothing/**\n');
    expect(await stale(path.join(root, 'umbrella/Chart.yaml'))).toEqual([]);
    // a path the config ignores
    await writeFile(path.join(root, '.rampart.yaml'), 'ignore:\n  - legacy/**\n');
    expect(await stale(root)).toEqual([]);
    // a chart that cannot be fetched now: its own dependencies were not seen, not dropped
    await outer.close();
    expect(await stale(root)).toEqual([]);
    // a file that is gone is still stale
    await rm(path.join(root, 'legacy'), { recursive: true });
    await writeFile(path.join(root, '.rampart.yaml'), '');
    expect(await stale(root)).toEqual([expect.stringContaining(`locks git ${git.url}/bases.git//app v1`)]);
  });
});
