import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretHash } from '../src/secrets/redact.js';
import { runCli } from './helpers/cli.js';
import { labelledSet, PLACEMENTS, scanLabelledTree, score, type LabelledSet } from './helpers/labelled-secrets.js';

const set = labelledSet();

describe('recall and precision on the labelled set (every single-line format × 18 placements)', () => {
  it('holds every single-line detector of the catalogue', () => {
    expect(new Set(set.planted.map((plant) => plant.detector)).size).toBeGreaterThanOrEqual(200);
  });

  it('in the tree: recall ≥ 0.95 overall and ≥ 0.9 in each placement, precision ≥ 0.98', () => {
    const result = scanLabelledTree(set);
    expect(result.recall).toBeGreaterThanOrEqual(0.95);
    expect(result.precision).toBeGreaterThanOrEqual(0.98);
    for (const [placement] of PLACEMENTS) {
      const plants = set.planted.filter((plant) => plant.placement === placement).length;
      const missed = result.missed.filter((plant) => plant.placement === placement).length;
      expect((plants - missed) / plants, placement).toBeGreaterThanOrEqual(0.9);
    }
  });
});

function git(cwd: string, ...args: string[]): void {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@acme.test', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@acme.test' } });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
}

function writeSet(repo: string, labelled: LabelledSet): void {
  for (const file of labelled.files) {
    mkdirSync(path.dirname(path.join(repo, file.path)), { recursive: true });
    writeFileSync(path.join(repo, file.path), file.text);
  }
}

describe('recall and precision on the labelled set in removed history and on an unmerged branch', () => {
  let root = '';
  let repo = '';
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'rampart-recall-'));
    repo = path.join(root, 'repo');
    mkdirSync(repo);
    git(repo, 'init', '-q', '-b', 'main');
    writeFileSync(path.join(repo, 'README.md'), '# service\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'start');
    // the set is committed on a branch that is never merged, then deleted there: only history holds it
    git(repo, 'checkout', '-q', '-b', 'leak');
    writeSet(repo, set);
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'add configuration');
    git(repo, 'rm', '-q', '-r', '--', ...new Set(set.files.map((file) => file.path.split('/')[0]!)));
    git(repo, 'commit', '-q', '-m', 'remove configuration');
    git(repo, 'checkout', '-q', 'main');
  }, 60_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('scan --history --layer secrets: recall ≥ 0.95, precision ≥ 0.98', async () => {
    const report = path.join(root, 'report.json');
    const { code } = await runCli(['scan', repo, '--history', '--layer', 'secrets', '-f', 'json', '-o', report, '--fail-on', 'none', '-q']);
    expect(code).toBe(0);
    const findings = (JSON.parse(readFileSync(report, 'utf8')) as { findings: Array<{ ruleId: string; location?: { path?: string }; properties?: { secretHash?: string } }> }).findings;
    // findings carry the secret's hash, never the secret: score by hash
    const byHash = new Map(set.planted.map((plant) => [secretHash(plant.secret), plant.secret]));
    const found = findings.map((finding) => ({
      path: finding.location?.path ?? '',
      secret: byHash.get(finding.properties?.secretHash ?? '') ?? `unplanted:${finding.properties?.secretHash ?? ''}`,
      detector: finding.ruleId,
    }));
    const result = score(set, found, true);
    expect(result.recall).toBeGreaterThanOrEqual(0.95);
    expect(result.precision).toBeGreaterThanOrEqual(0.98);
  }, 120_000);
});
