import { stringValue } from '../../model/yaml.js';
import { defineRule } from '../rule.js';
import { field, nodeSpan, workflowsOf } from './workflow-model.js';

/** The owners (`host/owner`) of the scanned repository's remotes. */
function ownOwners(remotes: readonly string[]): Set<string> {
  return new Set(remotes.map((remote) => remote.split('/').slice(0, 2).join('/').toLowerCase()));
}

export default defineRule({
  id: 'workflow-secrets-inherit',
  layer: 'repository',
  severity: 'high',
  objectKinds: [],
  summary: 'A job hands every secret of the repository to a reusable workflow of another repository (`secrets: inherit`).',
  rationale:
    '`secrets: inherit` passes all of the caller\'s secrets (deploy keys, cloud credentials, registry tokens) to the ' +
    'called workflow, not only the ones it uses. When that workflow lives in another repository, whoever can push ' +
    'to it (or move the ref the caller names) reads them all. Reported at high for another owner, medium for another ' +
    'repository of the same owner (a push there is still outside this repository\'s review); local reusable ' +
    'workflows (`./.github/workflows/…`) are not reported.',
  remediation:
    'Pass only the secrets the workflow declares: `secrets: { registry-token: ${{ secrets.REGISTRY_TOKEN }} }`, and ' +
    'pin the reusable workflow to a commit SHA (`action-not-pinned`).',
  references: [
    'https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idsecretsinherit',
    'https://docs.zizmor.sh/audits/#secrets-inherit',
  ],
  messages: {
    inherit: 'Job {job} passes every secret of this repository to {workflow}, which {owner} controls: pass only the secrets it needs.',
  },
  examples: {
    bad: [{ file: '.github/workflows/deploy.yml', code: 'on: push\njobs:\n  deploy:\n    uses: someone/pipelines/.github/workflows/deploy.yml@v1\n    secrets: inherit # expect: workflow-secrets-inherit\n' }],
    good: [{ file: '.github/workflows/deploy.yml', code: 'on: push\njobs:\n  local:\n    uses: ./.github/workflows/deploy.yml\n    secrets: inherit\n  remote:\n    uses: someone/pipelines/.github/workflows/deploy.yml@v1\n    secrets:\n      token: ${{ secrets.DEPLOY_TOKEN }}\n' }],
  },
  check(context) {
    const owners = ownOwners(context.settings.repository?.remotes ?? []);
    for (const workflow of workflowsOf(context.workspace)) {
      for (const job of workflow.jobs) {
        const secrets = field(workflow.document, job.node, 'secrets');
        if (stringValue(secrets)?.trim() !== 'inherit') continue;
        const called = job.uses?.parsed;
        if (called?.kind !== 'remote') continue;
        const owner = `${called.owner}`;
        const sameOwner = owners.has(`github.com/${owner.toLowerCase()}`);
        context.report({
          messageId: 'inherit',
          at: nodeSpan(workflow.file, secrets),
          data: { job: job.id, workflow: job.uses?.value ?? '', owner: sameOwner ? `${owner} (this repository's owner, another repository)` : owner },
          subject: `${job.id} ${job.uses?.value ?? ''}`,
          ...(sameOwner ? { severity: 'medium' as const } : {}),
          properties: { job: job.id, workflow: job.uses?.value ?? '' },
        });
      }
    }
  },
});
