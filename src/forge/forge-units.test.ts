import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Workspace } from '../model/workspace.js';
import { deployBranches, resolveWanted } from './deploy-branches.js';
import { nextPage } from './http.js';
import { parseForgeTarget, sameRepository } from './target.js';
import { findToken } from './token.js';

describe('parseForgeTarget', () => {
  it('knows github.com and gitlab.com, and the API base of GHES and self-managed GitLab', () => {
    expect(parseForgeTarget('git@github.com:Acme/Fleet.git')).toMatchObject({ kind: 'github', host: 'github.com', path: 'Acme/Fleet', apiBase: 'https://api.github.com', webUrl: 'https://github.com/Acme/Fleet' });
    expect(parseForgeTarget('https://ghe.example.com/acme/fleet', { kind: 'github' }).apiBase).toBe('https://ghe.example.com/api/v3');
    expect(parseForgeTarget('https://gitlab.com/group/sub/project/-/tree/main')).toMatchObject({ kind: 'gitlab', path: 'group/sub/project', apiBase: 'https://gitlab.com/api/v4' });
    expect(parseForgeTarget('ssh://git@gitlab.example.com:2222/group/project.git')).toMatchObject({ host: 'gitlab.example.com', webUrl: 'https://gitlab.example.com/group/project' });
    expect(parseForgeTarget('https://git.example.com/a/b', { kind: 'gitlab', apiUrl: 'https://git.example.com/gitlab/api/v4/' }).apiBase).toBe('https://git.example.com/gitlab/api/v4');
  });

  it('refuses what it cannot place, saying why', () => {
    expect(() => parseForgeTarget('https://git.example.com/a/b')).toThrow(/--forge-type/);
    expect(() => parseForgeTarget('https://github.com/acme')).toThrow(/OWNER\/NAME/);
    expect(() => parseForgeTarget('https://github.com/a/b/c')).toThrow(/OWNER\/NAME/);
    expect(() => parseForgeTarget('not a url at all')).toThrow(/not a repository URL/);
  });

  it('matches manifest URLs of the same repository in any of their spellings', () => {
    const target = parseForgeTarget('https://github.com/acme/fleet');
    for (const url of ['https://github.com/acme/fleet.git', 'git@github.com:Acme/fleet.git', 'ssh://git@github.com/acme/fleet', 'https://github.com/acme/fleet/']) expect(sameRepository(target, url), url).toBe(true);
    for (const url of ['https://github.com/acme/fleet-other', 'https://gitlab.com/acme/fleet', 'https://github.com/acme']) expect(sameRepository(target, url), url).toBe(false);
  });
});

describe('findToken', () => {
  it('gives a github.com token only to github.com, or to the host GITHUB_API_URL names', async () => {
    const dotcom = parseForgeTarget('https://github.com/acme/fleet');
    const ghes = parseForgeTarget('https://ghe.example.com/acme/fleet', { kind: 'github' });
    const env = { GITHUB_TOKEN: 'dotcom', GH_CONFIG_DIR: '/nonexistent' };
    expect(await findToken(dotcom, env)).toEqual({ value: 'dotcom', source: 'GITHUB_TOKEN' });
    expect(await findToken(ghes, env)).toBeUndefined();
    expect(await findToken(ghes, { ...env, GH_ENTERPRISE_TOKEN: 'ghes' })).toEqual({ value: 'ghes', source: 'GH_ENTERPRISE_TOKEN' });
    expect(await findToken(ghes, { ...env, GITHUB_API_URL: 'https://ghe.example.com/api/v3' })).toEqual({ value: 'dotcom', source: 'GITHUB_TOKEN' });
    expect(await findToken(parseForgeTarget('https://gitlab.com/a/b'), { ...env, GITLAB_TOKEN: 'gl' })).toEqual({ value: 'gl', source: 'GITLAB_TOKEN' });
  });

  it('reads the gh CLI\'s hosts.yml, in its older flat shape and its newer per-user shape', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'rampart-gh-'));
    try {
      await writeFile(path.join(directory, 'hosts.yml'), 'github.com:\n    oauth_token: gho_flat\n    user: alice\n    git_protocol: https\nghe.example.com:\n    users:\n        bob:\n            oauth_token: gho_nested\n    user: bob\n');
      const env = { GH_CONFIG_DIR: directory };
      expect((await findToken(parseForgeTarget('https://github.com/a/b'), env))?.value).toBe('gho_flat');
      expect((await findToken(parseForgeTarget('https://ghe.example.com/a/b', { kind: 'github' }), env))?.value).toBe('gho_nested');
      expect(await findToken(parseForgeTarget('https://other.example.com/a/b', { kind: 'github' }), env)).toBeUndefined();
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe('nextPage', () => {
  const answer = (headers: Record<string, string>) => ({ status: 200, headers, body: [], url: '' });
  it('follows Link rel="next" on the same origin only, else X-Next-Page', () => {
    const current = 'https://127.0.0.1:1/api/v4/projects/1/deploy_keys?per_page=100';
    expect(nextPage(answer({ link: '<https://127.0.0.1:1/x?page=2>; rel="next", <https://127.0.0.1:1/x?page=9>; rel="last"' }), current)).toBe('https://127.0.0.1:1/x?page=2');
    expect(nextPage(answer({ link: '<https://elsewhere.example/x?page=2>; rel="next"' }), current)).toBeUndefined();
    expect(nextPage(answer({ link: '<https://127.0.0.1:1/x?page=1>; rel="prev"' }), current)).toBeUndefined();
    expect(nextPage(answer({ 'x-next-page': '3' }), current)).toBe('https://127.0.0.1:1/api/v4/projects/1/deploy_keys?per_page=100&page=3');
    expect(nextPage(answer({ 'x-next-page': '' }), current)).toBeUndefined();
  });
});

describe('deployBranches', () => {
  const target = parseForgeTarget('https://github.com/acme/fleet');
  it('reads branches from Applications, ApplicationSet templates and git generators, GitRepositories and FluxInstances of this repository', () => {
    const workspace = Workspace.fromTexts({
      'apps.yaml': [
        'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\nspec:\n  sources:\n    - repoURL: https://github.com/acme/fleet\n      targetRevision: prod\n    - repoURL: https://charts.example.com\n      chart: x\n      targetRevision: 1.0.0\n',
        'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: b}\nspec:\n  source:\n    repoURL: git@github.com:acme/fleet.git\n',
        'apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: c}\nspec:\n  generators:\n    - git:\n        repoURL: https://github.com/acme/fleet\n        revision: clusters\n  template:\n    spec:\n      source:\n        repoURL: https://github.com/acme/fleet\n        targetRevision: \'{{branch}}\'\n',
        'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: d}\nspec:\n  source:\n    repoURL: https://github.com/acme/fleet\n    targetRevision: 0123456789abcdef0123456789abcdef01234567\n',
        'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: e}\nspec:\n  url: https://github.com/acme/fleet\n  ref:\n    name: refs/heads/flux\n',
        'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: f}\nspec:\n  url: https://github.com/acme/fleet\n  ref:\n    semver: ">=1.0.0"\n',
        'apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata: {name: flux}\nspec:\n  distribution: {version: 2.x}\n  sync:\n    kind: GitRepository\n    url: https://github.com/acme/fleet.git\n    ref: refs/heads/operator\n',
        'apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata: {name: pinned}\nspec:\n  sync:\n    kind: GitRepository\n    url: https://github.com/acme/fleet.git\n    ref: refs/heads/main@sha1:0123456789abcdef0123456789abcdef01234567\n',
      ].join('---\n'),
    });
    expect(deployBranches(workspace, target).map((branch) => branch.name).sort()).toEqual(['HEAD', 'clusters', 'flux', 'operator', 'prod']);
    expect(resolveWanted(deployBranches(workspace, target), 'main').map((branch) => branch.name).sort()).toEqual(['clusters', 'flux', 'main', 'operator', 'prod']);
    expect(resolveWanted([], 'main')).toEqual([{ name: 'main', reason: 'default branch' }]);
  });
});
