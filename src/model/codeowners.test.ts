import { describe, expect, it } from 'vitest';
import { ownershipOf, parseCodeowners, patternMatcher } from './codeowners.js';
import { SourceFile } from './source-file.js';

const matches = (pattern: string, path: string): boolean => patternMatcher(pattern)?.(path) ?? false;

describe('CODEOWNERS patterns (the examples of GitHub\'s documentation)', () => {
  it.each([
    ['*', 'a/b/c.yaml', true],
    ['*.js', 'src/deep/app.js', true],
    ['*.js', 'src/app.jsx', false],
    ['/build/logs/', 'build/logs/2024/run.log', true],
    ['/build/logs/', 'x/build/logs/run.log', false],
    ['docs/*', 'docs/getting-started.md', true],
    ['docs/*', 'docs/build-app/troubleshooting.md', false],
    ['apps/', 'apps/x/deploy.yaml', true],
    ['apps/', 'nested/apps/deploy.yaml', true],
    ['/docs/', 'docs/a/b.md', true],
    ['/docs/', 'src/docs/a.md', false],
    ['/scripts/', 'scripts/x.sh', true],
    ['**/logs', 'deep/down/logs/x.log', true],
    ['**/logs', 'logs/x.log', true],
    ['/apps/github', 'apps/github', true],
    ['/apps/github', 'apps/github/x.yaml', true],
    ['/apps/github', 'apps/githubber.yaml', false],
    ['apps/**/values.yaml', 'apps/a/b/values.yaml', true],
    ['apps/**/values.yaml', 'apps/values.yaml', true],
    ['/clusters/**', 'clusters/prod/kustomization.yaml', true],
    ['deploy.yaml', 'apps/a/deploy.yaml', true],
    ['my\\ file.yaml', 'my file.yaml', true],
    ['/', 'anything.yaml', true],
  ])('%s on %s → %s', (pattern, path, expected) => {
    expect(matches(pattern, path)).toBe(expected);
  });

  it('has no negation', () => {
    expect(patternMatcher('!apps/')).toBeUndefined();
  });
});

describe('ownership', () => {
  it('takes the last matching line, where a line without owners takes them away', () => {
    const sections = parseCodeowners(new SourceFile('CODEOWNERS', '* @acme/all\n/apps/ @acme/apps # inline comment\n/apps/legacy/\n/bad/ not-an-owner\n'));
    expect(ownershipOf(sections, 'apps/web/a.yaml').owners).toEqual(['@acme/apps']);
    expect(ownershipOf(sections, 'apps/legacy/a.yaml')).toMatchObject({ owners: [], rule: { pattern: '/apps/legacy/', line: 3 } });
    // a line with a malformed owner is skipped whole, as GitHub skips it
    expect(ownershipOf(sections, 'bad/a.yaml').owners).toEqual(['@acme/all']);
  });

  it('reads GitLab sections with their default owners, each section with its own last match', () => {
    const text = '[Platform] @acme/platform\n/clusters/\n/clusters/sandbox/ @alice\n\n^[Docs][2] @acme/writers\n/docs/\n[Empty]\n/apps/\n';
    const sections = parseCodeowners(new SourceFile('CODEOWNERS', text));
    expect(ownershipOf(sections, 'clusters/prod/a.yaml').owners).toEqual(['@acme/platform']);
    expect(ownershipOf(sections, 'clusters/sandbox/a.yaml').owners).toEqual(['@alice']);
    expect(ownershipOf(sections, 'docs/x.md').owners).toEqual(['@acme/writers']);
    expect(ownershipOf(sections, 'apps/a.yaml')).toMatchObject({ owners: [], rule: { pattern: '/apps/' } });
    expect(ownershipOf(sections, 'other.yaml')).toEqual({ owners: [], rule: undefined });
  });

  it('accepts e-mail owners and GitLab roles', () => {
    const sections = parseCodeowners(new SourceFile('CODEOWNERS', '* ops@acme.test @@maintainer\n'));
    expect(ownershipOf(sections, 'a.yaml').owners).toEqual(['ops@acme.test', '@@maintainer']);
  });
});
