import { isBooleanTrue } from '../../model/yaml-resolved.js';
import { stringValue } from '../../model/yaml.js';
import { defineRule } from '../rule.js';
import { field, nodeSpan, usesAction, workflowsOf, type WorkflowStep } from './workflow-model.js';

/** Paths that take the whole checkout, `.git/config` with the token included. */
const WHOLE_TREE = /^(\.\/?|\*\*?|\$\{\{\s*github\.workspace\s*\}\}\/?|\$GITHUB_WORKSPACE\/?|\.\/\*\*?)$/;

export default defineRule({
  id: 'workflow-persist-credentials-artifact',
  layer: 'repository',
  severity: 'high',
  objectKinds: [],
  summary: '`actions/checkout` keeps the token in `.git/config` (`persist-credentials` is true by default) and a later step uploads the checkout, hidden files included, as an artifact.',
  rationale:
    '`actions/checkout` writes the job\'s `GITHUB_TOKEN` (or the PAT it was given) into `.git/config` unless ' +
    '`persist-credentials: false`. Uploading the checkout directory as an artifact ships that file: anyone who can ' +
    'download the run\'s artifacts (everyone, for a public repository) gets a token that can push while the job runs, ' +
    'and a PAT that works until it is revoked. `actions/upload-artifact` before v4.4.0, or with `include-hidden-files: true`, uploads `.git`.',
  remediation:
    'Set `persist-credentials: false` on `actions/checkout`, upload only the build output (`path: dist/`), and keep ' +
    '`actions/upload-artifact` at v4.4.0 or later without `include-hidden-files: true`.',
  references: [
    'https://unit42.paloaltonetworks.com/github-repo-artifacts-leak-tokens/',
    'https://github.com/actions/upload-artifact/releases/tag/v4.4.0',
    'https://github.com/actions/checkout#usage',
  ],
  messages: {
    leak: 'job {job} uploads {path} as an artifact{hidden}, and its checkout (step {checkout}) keeps the token in .git/config.',
  },
  examples: {
    bad: [{ file: '.github/workflows/build.yml', code: 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: make\n      - uses: actions/upload-artifact@v4\n        with:\n          name: tree\n          path: .\n          include-hidden-files: true # expect: workflow-persist-credentials-artifact\n' }],
    good: [{ file: '.github/workflows/build.yml', code: 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with: {persist-credentials: false}\n      - run: make\n      - uses: actions/upload-artifact@v4\n        with: {name: tree, path: ., include-hidden-files: true}\n' }],
  },
  check(context) {
    for (const workflow of workflowsOf(context.workspace)) {
      for (const job of workflow.jobs) {
        const checkouts: Array<{ step: WorkflowStep; path: string }> = [];
        for (const step of job.steps) {
          if (usesAction(step.uses, 'actions/checkout')) {
            const persist = stringValue(field(workflow.document, step.with, 'persist-credentials'));
            if (persist !== undefined && /^false$/i.test(persist.trim())) continue;
            checkouts.push({ step, path: normalise(stringValue(field(workflow.document, step.with, 'path')) ?? '.') });
            continue;
          }
          if (checkouts.length === 0 || !usesAction(step.uses, 'actions/upload-artifact')) continue;
          const hiddenNode = field(workflow.document, step.with, 'include-hidden-files');
          const hiddenIncluded = isBooleanTrue(hiddenNode);
          if (!hiddenIncluded && !uploadsHiddenByDefault(step.uses?.parsed && 'ref' in step.uses.parsed ? step.uses.parsed.ref : undefined)) continue;
          const pathNode = field(workflow.document, step.with, 'path');
          const lines = (stringValue(pathNode) ?? '').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('!'));
          const uploaded = lines.find((line) => WHOLE_TREE.test(line) || checkouts.some(({ path }) => path !== '.' && normalise(line) === path));
          if (uploaded === undefined) continue;
          const checkout = checkouts.find(({ path }) => WHOLE_TREE.test(uploaded) || normalise(uploaded) === path) ?? checkouts[0]!;
          context.report({
            messageId: 'leak', at: nodeSpan(workflow.file, hiddenIncluded ? hiddenNode : pathNode),
            data: { job: job.id, path: JSON.stringify(uploaded), hidden: hiddenIncluded ? ' with include-hidden-files: true' : ` with ${step.uses?.value ?? 'upload-artifact'} (before v4.4.0, hidden files are included)`, checkout: String(checkout.step.index + 1) },
            subject: `${job.id} step ${step.index + 1}`,
          });
        }
      }
    }
  },
});

/** upload-artifact before v4.4.0 uploads hidden files; a SHA or branch ref cannot be told apart, so stays quiet. */
function uploadsHiddenByDefault(ref: string | undefined): boolean {
  const version = /^v(\d+)(?:\.(\d+))?/.exec(ref ?? '');
  if (version === null) return false;
  const major = Number(version[1]);
  const minor = Number(version[2] ?? 0);
  // a bare `v4` tag moves to the newest v4, which excludes hidden files
  if (major === 4 && version[2] === undefined) return false;
  return major < 4 || (major === 4 && minor < 4);
}

function normalise(path: string): string {
  return path.trim().replace(/^\.\//, '').replace(/\/+$/, '') || '.';
}
