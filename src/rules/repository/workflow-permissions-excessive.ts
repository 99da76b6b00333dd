import { isMap } from 'yaml';
import { stringValue } from '../../model/yaml.js';
import { defineRule } from '../rule.js';
import { field, membersOnly, nodeSpan, outsiderPrivilegedTriggers, workflowsOf } from './workflow-model.js';

export default defineRule({
  id: 'workflow-permissions-excessive',
  layer: 'repository',
  severity: 'high',
  objectKinds: [],
  summary: 'A workflow grants its token every write permission (`write-all`), or runs on outsiders\' events without saying which permissions it needs.',
  rationale:
    'Every job gets a `GITHUB_TOKEN`. `permissions: write-all` lets it push to every branch the token may push to, ' +
    'create releases, change workflows\' packages and approve pull requests: one compromised step (an action, a ' +
    'dependency, an injected script) can change production. Without a `permissions:` block the token gets the ' +
    'repository\'s default, which is read/write in repositories created before February 2023 and in many ' +
    'organisations; in workflows an outsider can start (`pull_request_target`, `issue_comment`, `issues`, ' +
    '`workflow_run`, discussions) that default is the usual way a bug becomes a push.',
  remediation:
    'Declare `permissions: {}` (or `contents: read`) at the top of the workflow and grant each job only the scopes ' +
    'it uses (`pull-requests: write` to comment, `contents: write` only in the release job). Set the repository and ' +
    'organisation default to read-only (Settings → Actions → Workflow permissions).',
  references: [
    'https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#permissions',
    'https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication#modifying-the-permissions-for-the-github_token',
    'https://docs.zizmor.sh/audits/#excessive-permissions',
  ],
  messages: {
    writeAll: '{where} grants the token write-all: every step can push, release and change repository settings the token reaches.',
    missing: 'This workflow runs on {triggers}, which outsiders can start, and declares no permissions for {jobs}: they get the repository\'s default token, read/write unless the default was changed.',
  },
  examples: {
    bad: [{ file: '.github/workflows/greet.yml', code: 'on: pull_request_target # expect: workflow-permissions-excessive\njobs:\n  greet:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n' }],
    good: [{ file: '.github/workflows/greet.yml', code: 'on: pull_request_target\npermissions: {}\njobs:\n  greet:\n    runs-on: ubuntu-latest\n    permissions:\n      pull-requests: write\n    steps:\n      - run: echo hi\n' }],
  },
  check(context) {
    for (const workflow of workflowsOf(context.workspace)) {
      if (workflow.isAction) continue;
      const { document, file } = workflow;
      const topLevel = field(document, document.root, 'permissions');
      const reportWriteAll = (node: unknown, where: string, subject: string): void => {
        if (stringValue(node)?.trim().toLowerCase() !== 'write-all') return;
        context.report({ messageId: 'writeAll', at: nodeSpan(file, node), data: { where }, subject });
      };
      reportWriteAll(topLevel, 'The workflow', 'workflow');
      for (const job of workflow.jobs) reportWriteAll(field(document, job.node, 'permissions'), `Job ${job.id}`, `job ${job.id}`);

      const triggers = outsiderPrivilegedTriggers(workflow);
      if (topLevel !== undefined || triggers.length === 0) continue;
      // reusable-workflow calls get their permissions from the caller's job, like other jobs; a job
      // that runs only for members' comments or events is none an outsider starts
      const bare = workflow.jobs.filter((job) => isMap(job.node) && field(document, job.node, 'permissions') === undefined && !membersOnly(workflow, job.node));
      if (bare.length === 0) continue;
      const on = workflow.triggersNode;
      const jobs = bare.length === 1 ? `job ${bare[0]?.id ?? ''}` : `jobs ${bare.map((job) => job.id).join(', ')}`;
      context.report({
        messageId: 'missing',
        at: nodeSpan(file, on),
        data: { triggers: triggers.join(', '), jobs },
        subject: `missing ${triggers.join(',')}`,
        severity: 'medium',
        properties: { jobs: bare.map((job) => job.id).join(',') },
      });
    }
  },
});
