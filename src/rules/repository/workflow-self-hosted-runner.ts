import { isMap, isSeq } from 'yaml';
import { stringValue } from '../../model/yaml.js';
import { defineRule } from '../rule.js';
import { field, nodeSpan, workflowsOf, type Workflow } from './workflow-model.js';

/** Events that run code a fork's pull request controls, on the runner the job names. */
const FORK_REACHABLE = ['pull_request', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment', 'issue_comment', 'workflow_run'];

/** The `self-hosted` label in `runs-on` (a string, a list, or `labels:` of the group form). */
function selfHostedLabel(workflow: Workflow, runsOn: unknown): unknown {
  const { document } = workflow;
  const candidates = isMap(runsOn) ? [field(document, runsOn, 'labels')] : [runsOn];
  for (const candidate of candidates) {
    if (stringValue(candidate)?.trim().toLowerCase() === 'self-hosted') return candidate;
    if (isSeq(candidate)) {
      const label = candidate.items.find((item) => stringValue(item)?.trim().toLowerCase() === 'self-hosted');
      if (label) return label;
    }
  }
  return undefined;
}

export default defineRule({
  id: 'workflow-self-hosted-runner',
  layer: 'repository',
  severity: 'high',
  objectKinds: [],
  summary: 'A job triggered by pull requests runs on a self-hosted runner.',
  rationale:
    'In a public repository, a fork\'s pull request runs its own workflow code on the runner the job names. A ' +
    'self-hosted runner is a machine of yours that usually outlives the job: code from the pull request can persist ' +
    'on it, read the next job\'s secrets and reach the networks it sits in (clusters, registries, the deploy path). ' +
    'GitHub recommends self-hosted runners only for private repositories. Reported at high for `pull_request` ' +
    '(fork code runs directly) and medium for the other triggers outsiders can start.',
  remediation:
    'Run pull request jobs on GitHub-hosted runners; keep self-hosted runners for trusted events (`push` to ' +
    'protected branches, releases), in a runner group limited to those workflows, ephemeral (`--ephemeral`, or ' +
    'Actions Runner Controller), and require approval for all outside contributors\' workflow runs.',
  references: [
    'https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#hardening-for-self-hosted-runners',
    'https://docs.zizmor.sh/audits/#self-hosted-runner',
  ],
  messages: {
    selfHosted: 'Job {job} runs on a self-hosted runner and the workflow runs on {triggers}: in a public repository, a fork\'s code can run on that machine.',
    outsiders: 'Job {job} runs on a self-hosted runner and the workflow runs on {triggers}, which outsiders can start: whatever of theirs it runs (a checkout of their branch, an injected script) runs on that machine.',
  },
  examples: {
    bad: [{ file: '.github/workflows/ci.yml', code: 'on: pull_request\njobs:\n  test:\n    runs-on: [self-hosted, linux] # expect: workflow-self-hosted-runner\n    steps:\n      - run: make test\n' }],
    good: [{ file: '.github/workflows/ci.yml', code: 'on:\n  push:\n    branches: [main]\njobs:\n  deploy:\n    runs-on: [self-hosted, linux]\n    steps:\n      - run: make deploy\n' }],
  },
  check(context) {
    for (const workflow of workflowsOf(context.workspace)) {
      const triggers = FORK_REACHABLE.filter((trigger) => workflow.triggers.has(trigger));
      if (triggers.length === 0) continue;
      for (const job of workflow.jobs) {
        const label = selfHostedLabel(workflow, field(workflow.document, job.node, 'runs-on'));
        if (label === undefined) continue;
        context.report({
          messageId: triggers.includes('pull_request') ? 'selfHosted' : 'outsiders',
          at: nodeSpan(workflow.file, label),
          data: { job: job.id, triggers: triggers.join(', ') },
          subject: job.id,
          ...(triggers.includes('pull_request') ? {} : { severity: 'medium' as const }),
          properties: { job: job.id, triggers: triggers.join(',') },
        });
      }
    }
  },
});
