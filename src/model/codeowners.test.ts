import { describe, expect, it } from 'vitest';
import { ownershipOf, parseCodeowners, patternMatcher } from './codeowners.js';
import { SourceFile } from './source-file.js';
import { cpuGrowth, describeGrowth } from '../../test/helpers/growth.js';

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

describe('CODEOWNERS patterns a pull request writes to cost time', () => {
  it('are matched in time linear in the pattern: `*a*a*a…b` over a path of a’s does not backtrack', async () => {
    const path = `apps/${'a'.repeat(20)}`;
    const stars = (count: number): string => `${'*a'.repeat(count)}b`;
    expect(matches(stars(10), path)).toBe(false);
    expect(matches(stars(3), `apps/${'a'.repeat(10)}b`)).toBe(true);
    // as a regular expression, 10 stars took C(20, 10) steps (140 ms a path), 2 stars 20: the automaton's work grows with the pattern
    const small = patternMatcher(stars(2))!;
    const large = patternMatcher(stars(10))!;
    const growth = await cpuGrowth(() => { for (let run = 0; run < 20; run += 1) small(path); }, () => { for (let run = 0; run < 20; run += 1) large(path); }, { floorMs: 5 });
    expect(growth.ratio, describeGrowth(growth)).toBeLessThan(20);
  });

  it('a run of `**` segments over a deep path is matched in linear time', () => {
    const deep = `${Array.from({ length: 40 }, () => 'a').join('/')}/x.yaml`;
    expect(matches(`${'**/a/'.repeat(6)}b`, deep)).toBe(false);
    expect(matches(`${'**/a/'.repeat(6)}x.yaml`, deep)).toBe(true);
  });

  it('keeps CODEOWNERS meanings the automaton must not change: no ranges, escapes, stars within a segment', () => {
    expect(matches('[ab].yaml', '[ab].yaml')).toBe(true);
    expect(matches('[ab].yaml', 'a.yaml')).toBe(false);
    expect(matches('docs/***', 'docs/a.md')).toBe(true);
    expect(matches('docs/***', 'docs/a/b.md')).toBe(false);
    expect(matches('a?c', 'x/abc')).toBe(true);
    expect(matches('a\\*c', 'a*c')).toBe(true);
    expect(matches('a\\*c', 'abc')).toBe(false);
  });
});
