import { describe, expect, it } from 'vitest';
import { classifyGitRef, classifyVersion, isFullCommitSha, isTemplatedValue } from './git-ref.js';

describe('classifyGitRef', () => {
  it.each([
    ['0123456789abcdef0123456789abcdef01234567', 'commit'],
    ['0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef', 'commit'],
    ['1d0ff46', 'short-commit'],
    ['v1.2.3', 'tag'],
    ['1.14.4', 'tag'],
    ['v4', 'tag'],
    ['v4.1', 'tag'],
    ['v1.0.0-rc.1', 'tag'],
    ['kustomize/v5.4.1', 'tag'],
    ['helm-chart-1.2.3', 'tag'],
    ['refs/tags/anything', 'tag'],
    ['HEAD', 'head'],
    ['main', 'branch'],
    ['master', 'branch'],
    ['develop', 'branch'],
    ['release/2.1', 'branch'],
    ['release-1.20', 'branch'],
    ['release/3.x', 'branch'],
    ['refs/heads/x', 'branch'],
    ['^1.2', 'range'],
    ['~1', 'range'],
    ['>=1.0.0', 'range'],
    ['1.x', 'range'],
    ['*', 'range'],
    ['my-feature', 'name'],
    ['latest', 'name'],
    ['deadbeef', 'name'],
    [undefined, 'missing'],
    ['', 'missing'],
  ])('%s is %s', (ref, kind) => {
    expect(classifyGitRef(ref)).toBe(kind);
  });

  it('accepts only full SHA-1 and SHA-256 commits', () => {
    expect(isFullCommitSha('0123456789abcdef0123456789abcdef01234567')).toBe(true);
    expect(isFullCommitSha('0123456789abcdef0123456789abcdef0123456')).toBe(false);
    expect(isFullCommitSha('g123456789abcdef0123456789abcdef01234567')).toBe(false);
  });
});

describe('classifyVersion', () => {
  it.each([
    ['1.2.3', 'exact'], ['v1.2.3', 'exact'], ['= 1.2.3', 'exact'], ['1.2.3-rc.1+build.5', 'exact'],
    ['1.2', 'partial'], ['1', 'partial'],
    ['^1.2', 'range'], ['~> 5.0', 'range'], ['>= 1.0, < 2.0', 'range'], ['1.x', 'range'], ['*', 'range'], ['latest', 'range'],
    [undefined, 'missing'], ['  ', 'missing'],
  ])('%s is %s', (version, kind) => {
    expect(classifyVersion(version)).toBe(kind);
  });
});

describe('isTemplatedValue', () => {
  it.each(['{{ .Values.x }}', '${VERSION}', '$(REV)', '<PLACEHOLDER>', '$CI_COMMIT_REF_NAME', '$CI_SERVER_FQDN/acme/components/lint'])('%s is templated', (value) => expect(isTemplatedValue(value)).toBe(true));
  it.each(['main', 'v1.2.3', 'https://x/y'])('%s is not', (value) => expect(isTemplatedValue(value)).toBe(false));
});
