import { describe, expect, it } from 'vitest';
import { isAttackerControlledContext, isPullRequestHeadContext } from './actions-contexts.js';
import { contextReferences, findExpressions } from './actions-expression.js';

const reached = (body: string): string[] => contextReferences(body).filter((reference) => reference.reachesValue).map((reference) => reference.path);
const decided = (body: string): string[] => contextReferences(body).filter((reference) => !reference.reachesValue).map((reference) => reference.path);

describe('findExpressions', () => {
  it('finds every ${{ }} with offsets, and `}}` inside a string does not end one', () => {
    const text = "a ${{ x }} b ${{ format('}}{0}', y) }}";
    const found = findExpressions(text);
    expect(found.map((expression) => text.slice(expression.start, expression.end))).toEqual(['${{ x }}', "${{ format('}}{0}', y) }}"]);
    expect(found[1]?.body).toBe(" format('}}{0}', y) ");
  });

  it('ignores an unterminated expression', () => {
    expect(findExpressions('echo ${{ github.sha')).toEqual([]);
  });
});

describe('contextReferences', () => {
  it('normalises index syntax and case', () => {
    expect(reached("github['event']['Issue'].title")).toEqual(['github.event.issue.title']);
    expect(reached('github.event.commits[0].message')).toEqual(['github.event.commits.*.message']);
    expect(reached('join(github.event.commits.*.author.email)')).toEqual(['github.event.commits.*.author.email']);
  });

  it('tells values from conditions', () => {
    expect(decided("contains(github.event.issue.title, 'x')")).toEqual(['github.event.issue.title']);
    expect(decided("github.head_ref == 'main'")).toEqual(['github.head_ref']);
    expect(decided('!github.event.pull_request.body')).toEqual(['github.event.pull_request.body']);
    expect(decided("github.event.pull_request.title && 'a' || 'b'")).toEqual(['github.event.pull_request.title']);
    expect(reached("github.event.pull_request.title || 'none'")).toEqual(['github.event.pull_request.title']);
    expect(reached("format('{0}', github.head_ref)")).toEqual(['github.head_ref']);
    expect(reached("'literal' && github.event.issue.body")).toEqual(['github.event.issue.body']);
  });

  it('does not take function names, literals or keywords for contexts', () => {
    expect(contextReferences("toJSON(true) == null && fromJSON('[1]')").map((reference) => reference.path)).toEqual([]);
  });
});

describe('attacker-controlled contexts', () => {
  it.each([
    'github.event.issue.title', 'github.event.pull_request.body', 'github.event.comment.body', 'github.head_ref',
    'github.event.pull_request.head.ref', 'github.event.workflow_run.head_branch', 'github.event.head_commit.message',
    'github.event.commits.*.author.email', 'github.event.pages.*.page_name', 'github.event', 'github',
    'github.event.workflow_run.pull_requests.*.head.ref', 'github.event.pull_request.head.repo.description',
  ])('%s is attacker-controlled', (path) => expect(isAttackerControlledContext(path)).toBe(true));

  it.each([
    'github.event.issue.number', 'github.event.pull_request.head.sha', 'github.event.pull_request.user.login',
    'github.sha', 'github.ref_name', 'github.event.repository.description', 'github.event.release.body',
    'github.event.inputs.title', 'github.event.pull_request.base.ref', 'inputs.title', 'steps.x.outputs.title',
  ])('%s is not', (path) => expect(isAttackerControlledContext(path)).toBe(false));

  it('knows the contexts naming a pull request head', () => {
    expect(isPullRequestHeadContext('github.event.pull_request.head.sha')).toBe(true);
    expect(isPullRequestHeadContext('github.event.workflow_run.head_sha')).toBe(true);
    expect(isPullRequestHeadContext('github.event.pull_request.base.sha')).toBe(false);
    expect(isPullRequestHeadContext('github.sha')).toBe(false);
  });
});
