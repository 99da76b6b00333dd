import { isMap, type Node } from 'yaml';
import { mapEntries, stringValue } from '../../model/yaml.js';
import { defineRule } from '../rule.js';
import { crossRunDownloadOf } from './workflow-artifacts.js';
import { cacheUseOf, sharesKeySpace, type CacheUse } from './workflow-caches.js';
import { field, nodeSpan, workflowsOf, type Workflow, type WorkflowJob, type WorkflowStep } from './workflow-model.js';
import { checkoutOf } from './workflow-untrusted-checkout.js';

/**
 * Events whose runs belong to the base repository's default branch although an outsider starts them:
 * caches they save land in the default branch's scope, which every branch and tag restores from.
 * (`pull_request` caches are scoped to `refs/pull/N/merge` and never reach the base branch.)
 */
const DEFAULT_BRANCH_SCOPED_TRIGGERS = ['pull_request_target', 'issue_comment', 'workflow_run'];

interface Reader {
  readonly workflow: Workflow;
  readonly job: WorkflowJob;
  readonly cache: CacheUse;
  readonly why: string;
}

export default defineRule({
  id: 'workflow-cache-poisoning',
  layer: 'repository',
  severity: 'high',
  objectKinds: [],
  summary: 'A workflow that outsiders trigger (`pull_request_target`, `issue_comment`, `workflow_run`) saves a cache after taking in a pull request\'s code or artifacts, and a release or deploy workflow restores the same cache.',
  rationale:
    'GitHub Actions caches are shared by scope: runs of `pull_request_target`, `issue_comment` and `workflow_run` belong ' +
    'to the default branch, and every branch, tag and release run restores the default branch\'s entries. A job there ' +
    'that checks out a pull request\'s head (or unpacks its artifacts) and then saves a cache lets the pull request\'s ' +
    'author choose what is in it: a patched dependency in `node_modules`, a Go build cache, a BuildKit layer. The release ' +
    'workflow restores that entry, with its secrets, OIDC token or publish rights, and ships the planted code. Rampart ' +
    'pairs writers and readers by the action\'s own key family (`setup-node` with `cache: npm`, `setup-go`, Gradle, ' +
    '`type=gha` BuildKit scopes) or, for `actions/cache`, by overlapping key or `restore-keys` stems and equal paths. ' +
    'Caches saved by `pull_request` runs are not reported: they stay in the pull request\'s own scope. Since 2026 ' +
    'GitHub.com hands these events a read-only cache token when an outsider triggers them, and `cache-mode` declares the ' +
    'access: a job or workflow with `cache-mode: read` or `none` is not reported; `cache-mode: write` (or `write-only`) ' +
    'turns that protection off, so a job that takes in pull request code with it is reported at high, whether or not it ' +
    'has a cache step, since the pull request\'s code can save any entry itself. Without `cache-mode` the finding is ' +
    'medium: the default still lets a maintainer\'s comment or re-run save the pull request\'s content, and GitHub ' +
    'Enterprise Server without the feature saves it for anyone.',
  remediation:
    'Declare `cache-mode: read` (or `none`) on workflows that outsiders trigger, and never `write` where pull request ' +
    'code runs. Do not save caches in jobs that take in pull request code: use `actions/cache/restore` (or `lookup-only`, ' +
    '`cache: false`, `save-cache: false`) there. Build releases without caches, or with keys of their own that no ' +
    'untrusted workflow writes. Code running in such a job can still write any cache entry through the runner\'s token, ' +
    'so the safest release restores nothing.',
  references: [
    'https://adnanthekhan.com/2024/05/06/the-monsters-in-your-build-cache-github-actions-cache-poisoning/',
    'https://docs.github.com/en/actions/reference/workflows-and-actions/dependency-caching#restrictions-for-accessing-a-cache',
    'https://docs.zizmor.sh/audits/#cache-poisoning',
    'https://github.blog/changelog/2026-09-10-control-github-actions-cache-access-with-cache-mode',
  ],
  messages: {
    declaredWrite: 'Job {job} ({trigger}) takes in {input} with cache-mode: {mode}: code from the pull request can save any cache entry, and {reader} in {readerFile} restores caches ({why}).',
    poisoned: 'Job {job} ({trigger}) takes in {input} and saves a cache ({cache}); {reader} restores it in {readerFile} ({why}): the pull request\'s author decides what the release builds with.',
  },
  examples: {
    bad: [
      { file: '.github/workflows/build.yml', code: 'on:\n  pull_request_target:\n  release:\n    types: [published]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha || github.ref }}\n      - uses: actions/setup-node@v4 # expect: workflow-cache-poisoning\n        with:\n          cache: npm\n      - run: npm ci && npm run build\n      - if: github.event_name == \'release\'\n        run: npm publish\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}\n' },
    ],
    good: [
      { file: '.github/workflows/pr.yml', code: 'on: pull_request\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-node@v4\n        with:\n          cache: npm\n      - run: npm ci && npm test\n' },
    ],
  },
  check(context) {
    const workflows = workflowsOf(context.workspace).filter((workflow) => !workflow.isAction);
    const readers = workflows.flatMap(releaseReaders);
    if (readers.length === 0) return;
    for (const workflow of workflows) {
      const triggers = DEFAULT_BRANCH_SCOPED_TRIGGERS.filter((trigger) => workflow.triggers.has(trigger));
      if (triggers.length === 0) continue;
      for (const job of workflow.jobs) {
        const mode = cacheModeOf(workflow, job);
        const modeValue = stringValue(mode)?.trim().toLowerCase();
        // `read` and `none` forbid saves; so does GitHub.com's default for outsiders' events, which `write` overrides
        if (modeValue === 'read' || modeValue === 'none') continue;
        const declaredWrite = modeValue === 'write' || modeValue === 'write-only';
        if (declaredWrite) {
          const input = job.steps.map((step) => untrustedInput(workflow, job, step)).find((found) => found !== undefined);
          const reader = readers[0]!;
          if (input !== undefined) {
            context.report({
              messageId: 'declaredWrite', at: nodeSpan(workflow.file, mode),
              data: { job: job.id, trigger: triggers.join(', '), input, mode: modeValue, reader: `job ${reader.job.id}`, readerFile: `${reader.workflow.file.path}:${readerLineOf(reader)}`, why: reader.why },
              subject: `${job.id} cache-mode`,
            });
            continue;
          }
        }
        let input: string | undefined;
        for (const step of job.steps) {
          input ??= untrustedInput(workflow, job, step);
          const cache = cacheUseOf(workflow, job.id, step);
          if (!cache?.saves || !step.uses) continue;
          // actions/cache/save saves right away; the others save in a post step, when the job ends
          const savesAtEnd = cache.restores;
          const taken = input ?? (savesAtEnd ? laterInput(workflow, job, step.index) : undefined);
          if (taken === undefined) continue;
          const reader = readers.find((candidate) => sharesKeySpace(cache, candidate.cache));
          if (!reader) continue;
          context.report({
            messageId: 'poisoned',
            at: nodeSpan(workflow.file, step.uses.node),
            data: {
              job: job.id, trigger: triggers.join(', '), input: taken, cache: cache.what,
              reader: `job ${reader.job.id}`, readerFile: `${reader.workflow.file.path}:${readerLineOf(reader)}`, why: reader.why,
            },
            ...(declaredWrite ? {} : { severity: 'medium' as const }),
            subject: `${job.id} ${cache.what} ${reader.workflow.file.path} ${reader.job.id}`,
          });
        }
      }
    }
  },
});

/** Untrusted input a step after `index` brings in (the cache is saved when the job ends). */
function laterInput(workflow: Workflow, job: WorkflowJob, index: number): string | undefined {
  return job.steps.slice(index + 1).map((step) => untrustedInput(workflow, job, step)).find((found) => found !== undefined);
}

function untrustedInput(workflow: Workflow, job: WorkflowJob, step: WorkflowStep): string | undefined {
  const checkout = checkoutOf(workflow, step, job.steps.slice(step.index + 1));
  if (checkout) return `the pull request's code (${checkout.how})`;
  const download = workflow.triggers.has('workflow_run') ? crossRunDownloadOf(workflow, step) : undefined;
  return download ? `another run's artifacts (${download.how})` : undefined;
}

/** `cache-mode:` of the job, else of the workflow. */
function cacheModeOf(workflow: Workflow, job: WorkflowJob): Node | undefined {
  return field(workflow.document, job.node, 'cache-mode') ?? field(workflow.document, workflow.document.root, 'cache-mode');
}

function readerLineOf(reader: Reader): number {
  return reader.workflow.file.position(nodeSpan(reader.workflow.file, reader.cache.step.uses?.node).start).line;
}

/** Jobs of release and deploy workflows that restore caches, with what makes them worth poisoning. */
function releaseReaders(workflow: Workflow): Reader[] {
  const readers: Reader[] = [];
  for (const job of workflow.jobs) {
    const why = releaseReason(workflow, job);
    if (why === undefined) continue;
    const mode = stringValue(cacheModeOf(workflow, job))?.trim().toLowerCase();
    if (mode === 'none' || mode === 'write-only') continue;
    for (const step of job.steps) {
      const cache = cacheUseOf(workflow, job.id, step);
      if (cache?.restores) readers.push({ workflow, job, cache, why });
    }
  }
  return readers;
}

function releaseReason(workflow: Workflow, job: WorkflowJob): string | undefined {
  if (workflow.triggers.has('release')) return 'on release';
  const push = workflow.triggers.get('push');
  if (workflow.triggers.has('push') && field(workflow.document, push, 'tags') !== undefined) return 'on tag pushes';
  const trusted = ['push', 'workflow_dispatch', 'schedule', 'merge_group'].filter((trigger) => workflow.triggers.has(trigger));
  if (trusted.length === 0) return undefined;
  const privilege = privilegeOf(workflow, job);
  return privilege === undefined ? undefined : `on ${trusted.join(', ')}, with ${privilege}`;
}

/** What the job can do that a release has and a test run should not: OIDC, write scopes, secrets. */
function privilegeOf(workflow: Workflow, job: WorkflowJob): string | undefined {
  for (const permissions of [field(workflow.document, job.node, 'permissions'), field(workflow.document, workflow.document.root, 'permissions')]) {
    if (permissions === undefined) continue;
    if (stringValue(permissions)?.trim() === 'write-all') return 'permissions: write-all';
    const writes = isMap(permissions) ? mapEntries(permissions).filter(({ key, value }) => stringValue(value as Node)?.trim() === 'write' && ['id-token', 'contents', 'packages', 'deployments', 'attestations'].includes(key)).map(({ key }) => `${key}: write`) : [];
    if (writes.length > 0) return writes.join(', ');
    break;
  }
  const range = (job.node as Node | undefined)?.range;
  const text = range ? workflow.file.text.slice(range[0], range[1]) : '';
  const secret = /\$\{\{\s*secrets\.(?!GITHUB_TOKEN\b)([A-Za-z0-9_]+)/.exec(text);
  return secret ? `secrets.${secret[1]}` : undefined;
}
