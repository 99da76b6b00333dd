import type { Node } from 'yaml';
import { isPullRequestHeadContext } from '../../model/actions-contexts.js';
import type { Span } from '../../model/span.js';
import { stringValue } from '../../model/yaml.js';
import { defineRule } from '../rule.js';
import { stepRunsTreeCode } from './workflow-runs-code.js';
import { expressionsOf, field, nodeSpan, outsiderPrivilegedTriggers, usesAction, workflowsOf, type Workflow, type WorkflowStep } from './workflow-model.js';

/** `refs/pull/N/head`, `pull/N/merge`: a pull request's code however it is named. */
const PULL_REF = /(^|[\s:/'"])(refs\/)?pull\/[^\s/]+\/(head|merge)\b/;
/** Shell commands that fetch or switch to a pull request's code. */
const CHECKOUT_COMMAND = /\bgh\s+pr\s+checkout\b|\bgit\s+(fetch|pull|checkout|switch)\b[^\n]*(refs\/pull\/|\bpull\/)/;

/** Git commands that put fetched commits into the working tree (a bare `git fetch` only downloads them). */
const TREE_SWITCH = /\bgit\s+(?:-C\s+\S+\s+)?(?:checkout|switch|merge|reset|rebase|pull|restore|cherry-pick|am|worktree\s+add)\b|\bgh\s+pr\s+checkout\b/;

interface Checkout {
  readonly at: Span;
  readonly how: string;
}

/**
 * The place where `step` checks out the pull request's head, if it does. A `git fetch` of it counts
 * only when this script or one of the `later` steps then switches the tree (`git checkout FETCH_HEAD`,
 * a merge, a reset): fetched alone, the head is data in `.git`, read by `git diff`.
 */
export function checkoutOf(workflow: Workflow, step: WorkflowStep, later: readonly WorkflowStep[]): Checkout | undefined {
  const file = workflow.file;
  const headReference = (node: Node | undefined): Span | undefined => {
    for (const expression of expressionsOf(file, node)) {
      const reference = expression.references.find((candidate) => isPullRequestHeadContext(candidate.path));
      if (reference) return { path: file.path, start: expression.bodyStart + reference.start, end: expression.bodyStart + reference.end };
    }
    const text = stringValue(node)?.replace(/\$\{\{[^}]*\}\}/g, 'N');
    return text !== undefined && node && PULL_REF.test(text) ? nodeSpan(file, node) : undefined;
  };
  if (usesAction(step.uses, 'actions/checkout')) {
    for (const key of ['ref', 'repository']) {
      const node = field(workflow.document, step.with, key);
      const at = headReference(node);
      if (at) return { at, how: `actions/checkout with ${key}: ${stringValue(node)?.trim() ?? ''}` };
    }
    return undefined;
  }
  const script = stringValue(step.run);
  if (step.run && script !== undefined) {
    const match = CHECKOUT_COMMAND.exec(script.replace(/\$\{\{[^}]*\}\}/g, 'N'));
    const viaContext = /\bgit\s+(fetch|pull|checkout|switch)\b/.test(script) ? headReference(step.run) : undefined;
    const fetchOnly = !/\bgh\s+pr\s+checkout\b|\bgit\s+(?:pull|checkout|switch)\b[^\n]*(?:refs\/pull\/|\bpull\/)/.test(script) && !TREE_SWITCH.test(script)
      && !later.some((next) => TREE_SWITCH.test(stringValue(next.run) ?? ''));
    if ((match || viaContext) && !fetchOnly) {
      const at = viaContext ?? nodeSpan(file, step.run);
      return { at, how: match ? `\`${match[0].trim()}\`` : 'git with the pull request\'s head' };
    }
  }
  return undefined;
}

/**
 * What makes a person look before the job runs: an `if:` on a label, an author association or a
 * named actor, or a deployment environment (which can require reviewers). Still racy: a commit
 * pushed after the approval runs too.
 */
function gateOf(workflow: Workflow, jobNode: unknown): string | undefined {
  const condition = stringValue(field(workflow.document, jobNode, 'if')) ?? '';
  if (/labels|label\.name|author_association|github\.actor|triggering_actor|sender\.login|user\.login/.test(condition)) return 'a label or author check';
  const environment = field(workflow.document, jobNode, 'environment');
  const name = stringValue(environment) ?? stringValue(field(workflow.document, environment, 'name'));
  return name !== undefined ? `the environment ${name} (if it requires reviewers)` : undefined;
}

export default defineRule({
  id: 'workflow-untrusted-checkout',
  layer: 'repository',
  severity: 'critical',
  objectKinds: [],
  summary: 'A privileged workflow (`pull_request_target`, `workflow_run`, `issue_comment`) checks out a pull request\'s code, and runs it.',
  rationale:
    '`pull_request_target`, `workflow_run` and `issue_comment` runs get the base repository\'s secrets and a token ' +
    'that can write to it, even when a fork triggered them. Checking out the pull request\'s head there hands that ' +
    'trust to its author: `npm install`, `make`, a test run or a local action executes their code, which can read the ' +
    'secrets and the token `actions/checkout` leaves in `.git/config`, and push to the deploy branch (a "pwn request"). ' +
    'Critical when a later step of the job runs code from the tree; medium when none is seen (actions that read ' +
    'configuration from the tree may still execute it); high when the job waits for a label, an author check or a ' +
    'deployment environment, since a push after the approval still runs. A `git fetch` of the head that nothing ' +
    'switches the tree to (only `git diff` reads it) is no checkout.',
  remediation:
    'Build and test pull requests in a `pull_request` workflow (no secrets for forks); keep `pull_request_target` ' +
    'for steps that never check out the head (labels, comments). If a privileged step needs the result, pass it ' +
    'through an artifact and treat it as data, not code.',
  references: [
    'https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/',
    'https://docs.github.com/en/actions/reference/workflows-and-actions/events-that-trigger-workflows#pull_request_target',
    'https://github.com/boostsecurityio/poutine/blob/main/docs/content/en/rules/untrusted_checkout_exec.md',
  ],
  messages: {
    runs: 'Job {job} ({trigger}) checks out the pull request\'s code ({how}) and then runs it ({runs}): its author gets the job\'s secrets and write token.',
    gated: 'Job {job} ({trigger}) checks out the pull request\'s code ({how}) and then runs it ({runs}); the job waits for {gate}, but commits pushed after the approval still run.',
    checkoutOnly: 'Job {job} ({trigger}) checks out the pull request\'s code ({how}) with the base repository\'s secrets and token; no later step is seen running it, but tools reading the tree can.',
  },
  examples: {
    bad: [{
      file: '.github/workflows/pr.yml',
      code: 'on: pull_request_target\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }} # expect: workflow-untrusted-checkout\n      - run: npm ci && npm test\n',
    }],
    good: [{
      file: '.github/workflows/pr.yml',
      code: 'on: pull_request\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n      - run: npm ci && npm test\n',
    }],
  },
  check(context) {
    for (const workflow of workflowsOf(context.workspace)) {
      const triggers = outsiderPrivilegedTriggers(workflow).filter((trigger) => trigger !== 'issues' && !trigger.startsWith('discussion'));
      if (triggers.length === 0) continue;
      for (const job of workflow.jobs) {
        for (const step of job.steps) {
          const checkout = checkoutOf(workflow, step, job.steps.slice(step.index + 1));
          if (!checkout) continue;
          const runs = job.steps.slice(step.index + 1).map((later) => stepRunsTreeCode(workflow, later)).find((found) => found !== undefined)
            ?? (step.run ? stepRunsTreeCode(workflow, step) : undefined);
          const gate = gateOf(workflow, job.node);
          const data = { job: job.id, trigger: triggers.join(', '), how: checkout.how, runs: runs ?? '', gate: gate ?? '' };
          const properties = { job: job.id, trigger: triggers.join(',') };
          const subject = `${job.id} ${checkout.how}`;
          if (!runs) context.report({ messageId: 'checkoutOnly', at: checkout.at, data, subject, severity: 'medium', properties });
          else if (gate) context.report({ messageId: 'gated', at: checkout.at, data, subject, severity: 'high', properties });
          else context.report({ messageId: 'runs', at: checkout.at, data, subject, properties });
          break;
        }
      }
    }
  },
});
