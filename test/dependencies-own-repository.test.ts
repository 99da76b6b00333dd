import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../src/scan.js';
import { readGitRemotes, remoteUrls } from '../src/sources/git-remotes.js';

const APPS = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: root}
spec:
  source:
    repoURL: https://github.com/acme/fleet.git
    path: apps
    targetRevision: HEAD
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: vendor}
spec:
  source:
    repoURL: https://github.com/vendor/charts
    path: stable
    targetRevision: HEAD
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: flux-system}
spec:
  url: ssh://git@github.com/Acme/Fleet
  ref: {branch: main}
`;

/** The app-of-apps nuance against a repository made by real `git`: its own remotes lower the severity. */
describe('own repository (real git)', () => {
  let dir = '';
  let repo = '';
  const git = (args: string[], cwd = repo): string => execFileSync('git', args, { cwd, env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } }).toString();

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'rampart-own-repo-'));
    repo = path.join(dir, 'fleet');
    mkdirSync(path.join(repo, 'clusters', 'prod'), { recursive: true });
    git(['init', '-q', repo], dir);
    git(['remote', 'add', 'origin', 'git@github.com:acme/fleet.git']);
    git(['remote', 'add', 'upstream', 'https://gitlab.example.com/platform/fleet-upstream']);
    writeFileSync(path.join(repo, 'clusters', 'prod', 'apps.yaml'), APPS);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the remotes from .git/config, also from a sub-directory and a linked worktree', async () => {
    const expected = ['github.com/acme/fleet', 'gitlab.example.com/platform/fleet-upstream'];
    expect(await readGitRemotes(repo)).toEqual(expected);
    expect(await readGitRemotes(path.join(repo, 'clusters', 'prod'))).toEqual(expected);
    writeFileSync(path.join(repo, 'README.md'), 'fleet\n');
    git(['add', 'README.md']);
    git(['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'init']);
    git(['worktree', 'add', '-q', path.join(dir, 'worktree')]);
    expect(await readGitRemotes(path.join(dir, 'worktree'))).toEqual(expected);
    expect(await readGitRemotes(tmpdir())).toEqual([]);
  });

  it('reports an app-of-apps on its own repository at low severity and says why', async () => {
    const { report } = await scan(repo, { only: ['argocd-app-unpinned-revision', 'flux-source-unpinned'] });
    const summary = report.findings.map((finding) => [finding.ruleId, finding.severity, finding.location.line, finding.message.includes('this repository itself')]);
    expect(summary).toEqual([
      ['argocd-app-unpinned-revision', 'low', 8, true],
      ['argocd-app-unpinned-revision', 'medium', 17, false],
      ['flux-source-unpinned', 'low', 24, true],
    ]);
  });

  it('treats every application as foreign when the tree is not a git repository', async () => {
    const plain = path.join(dir, 'plain');
    mkdirSync(plain);
    writeFileSync(path.join(plain, 'apps.yaml'), APPS);
    const { report } = await scan(plain, { only: ['argocd-app-unpinned-revision'] });
    expect(report.findings.map((finding) => finding.severity)).toEqual(['medium', 'medium']);
  });
});

describe('remoteUrls', () => {
  it('reads url and pushurl of remote sections only, quoted or not', () => {
    const config = '[core]\n\turl = nope\n[remote "origin"]\n\turl = git@github.com:a/b.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n[remote "mirror"]\n  pushurl = "https://example.com/a/b"\n[branch "main"]\n\tremote = origin\n';
    expect(remoteUrls(config)).toEqual(['git@github.com:a/b.git', 'https://example.com/a/b']);
  });
});
