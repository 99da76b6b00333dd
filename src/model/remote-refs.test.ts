import { describe, expect, it } from 'vitest';
import { normaliseGitUrl, parseGitUrl, parseKustomizeRemote } from './remote-refs.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';

function refText(text: string): string | undefined {
  const remote = parseKustomizeRemote(text);
  return remote?.refRange ? text.slice(remote.refRange.start, remote.refRange.end) : undefined;
}

describe('parseKustomizeRemote', () => {
  it.each([
    ['github.com/org/repo//path/to?ref=v1.2.3', 'github.com/org/repo', 'path/to', 'v1.2.3', 'ref'],
    ['https://github.com/org/repo.git//path?ref=main', 'github.com/org/repo', 'path', 'main', 'ref'],
    ['git::https://gitlab.com/org/sub/repo.git//deploy?ref=release/2.1', 'gitlab.com/org/sub/repo', 'deploy', 'release/2.1', 'ref'],
    [`ssh://git@github.com/org/repo.git//base?ref=${SHA}`, 'github.com/org/repo', 'base', SHA, 'ref'],
    ['git@github.com:org/repo.git//rbac', 'github.com/org/repo', 'rbac', undefined, undefined],
    ['git@github.com:org/repo', 'github.com/org/repo', undefined, undefined, undefined],
    ['github.com/org/repo//x?version=v2&timeout=90', 'github.com/org/repo', 'x', 'v2', 'version'],
    ['https://github.com/argoproj/argo-workflows/manifests/quick-start/base/minio', 'github.com/argoproj/argo-workflows', 'manifests/quick-start/base/minio', undefined, undefined],
    ['https://dev.azure.com/org/project/_git/repo//deploy?ref=abc1234', 'dev.azure.com/org/project/_git/repo', 'deploy', 'abc1234', 'ref'],
    ['https://user@bitbucket.org:443/team/repo//k8s?ref=main', 'bitbucket.org/team/repo', 'k8s', 'main', 'ref'],
  ])('%s is a git remote', (text, repository, subPath, ref, refSource) => {
    const remote = parseKustomizeRemote(text);
    expect(remote).toMatchObject({ kind: 'git', repository });
    expect(remote?.subPath).toBe(subPath);
    expect(remote?.ref).toBe(ref);
    expect(remote?.refSource).toBe(refSource);
    if (ref !== undefined) expect(refText(text)).toBe(ref);
  });

  it.each([
    ['https://raw.githubusercontent.com/org/repo/master/crds/x.yaml', 'github.com/org/repo', 'master', 'crds/x.yaml'],
    ['https://raw.githubusercontent.com/org/repo/refs/heads/main/x.yaml', 'github.com/org/repo', 'refs/heads/main', 'x.yaml'],
    ['https://github.com/org/repo/releases/download/v1.14.2/cert-manager.yaml', 'github.com/org/repo', 'v1.14.2', 'cert-manager.yaml'],
    [`https://github.com/org/repo/raw/${SHA}/deploy/all.yaml`, 'github.com/org/repo', SHA, 'deploy/all.yaml'],
    ['https://gitlab.com/group/repo/-/raw/v1.0/install.yaml', 'gitlab.com/group/repo', 'v1.0', 'install.yaml'],
  ])('%s is a file with its revision in the path', (text, repository, ref, subPath) => {
    const remote = parseKustomizeRemote(text);
    expect(remote).toMatchObject({ kind: 'file', repository, ref, subPath, refSource: 'path' });
    expect(refText(text)).toBe(ref);
  });

  it("reads a GitHub release asset under releases/latest as the newest release's file, not as a path in the repository", () => {
    const remote = parseKustomizeRemote('https://github.com/argoproj/argo-rollouts/releases/latest/download/install.yaml');
    expect(remote).toMatchObject({ kind: 'file', repository: 'github.com/argoproj/argo-rollouts', subPath: 'install.yaml', latestRelease: true });
    expect(remote?.ref).toBeUndefined();
  });

  it('reads other HTTP URLs as unversioned files', () => {
    expect(parseKustomizeRemote('https://example.com/manifests/install.yaml')).toMatchObject({ kind: 'file', host: 'example.com' });
    expect(parseKustomizeRemote('https://example.com/manifests/install.yaml')?.ref).toBeUndefined();
  });

  it.each(['../base', './x', 'deployment.yaml', '/abs/path', 'base/overlay', 'file:///srv/repo.git', '', '~/x'])('%s is local', (text) => {
    expect(parseKustomizeRemote(text)).toBeUndefined();
  });

  it('says where a ref would go when there is none', () => {
    expect(parseKustomizeRemote('github.com/org/repo//x')).toMatchObject({ insertAt: 'github.com/org/repo//x'.length, insertSeparator: '?' });
    expect(parseKustomizeRemote('github.com/org/repo//x?timeout=9')).toMatchObject({ insertSeparator: '&' });
  });
});

describe('parseGitUrl offsets', () => {
  it('points into the original text when it starts inside a larger string', () => {
    const text = 'git::https://github.com/org/repo.git?ref=v1';
    const remote = parseGitUrl(text);
    expect(remote?.refRange && text.slice(remote.refRange.start, remote.refRange.end)).toBe('v1');
  });
});

describe('normaliseGitUrl', () => {
  it('gives one identity for every spelling of a repository', () => {
    const forms = [
      'git@github.com:Acme/Fleet.git',
      'https://github.com/acme/fleet',
      'https://github.com/acme/fleet.git/',
      'ssh://git@github.com/acme/fleet.git',
      'ssh://git@github.com:22/acme/fleet',
      'https://token@github.com/acme/fleet.git',
      'git::https://github.com/acme/fleet.git',
    ];
    expect(new Set(forms.map(normaliseGitUrl))).toEqual(new Set(['github.com/acme/fleet']));
  });

  it('returns undefined for things that are not URLs', () => {
    expect(normaliseGitUrl('not a url')).toBeUndefined();
    expect(normaliseGitUrl('https://github.com/')).toBeUndefined();
  });
});

describe('parseKustomizeRemote on local look-alikes', () => {
  it.each(['config.d/extra.yaml', 'crds.yaml/x.yaml', 'v1.2/manifests.yaml', 'base', 'app.v2/kustomization.yaml'])('%s is local', (text) => {
    expect(parseKustomizeRemote(text)).toBeUndefined();
  });

  it.each(['github.com/org/repo', 'gitlab.example.com:8443/group/repo//x', 'example.io/team/repo.git'])('%s is a scheme-less remote', (text) => {
    expect(parseKustomizeRemote(text)?.kind).toBe('git');
  });
});
