import { isScalar, type Node } from 'yaml';
import { isAttackerControlledContext } from '../../model/actions-contexts.js';
import { mapEntries } from '../../model/yaml.js';
import { defineRule } from '../rule.js';
import { commandFileLines, taintThroughScript } from './shell-writes.js';
import { expressionsOf, field, outsiderPrivilegedTriggers, workflowsOf, type Workflow } from './workflow-model.js';

export default defineRule({
  id: 'workflow-env-injection',
  layer: 'repository',
  severity: 'high',
  objectKinds: [],
  summary: 'A workflow outsiders can start writes text they control to `GITHUB_ENV`, `GITHUB_PATH` or `GITHUB_OUTPUT`.',
  rationale:
    'Lines written to `$GITHUB_ENV` become environment variables of every later step, `$GITHUB_PATH` entries come first ' +
    'in `PATH`, and `$GITHUB_OUTPUT` feeds other steps\' inputs. An issue title, pull request body or branch name with a ' +
    'newline in it adds its own lines: `LD_PRELOAD`, `NODE_OPTIONS=--require …`, `BASH_ENV` or a directory of its own ' +
    'on `PATH`, and the next step runs the outsider\'s code with the repository\'s token and secrets (`pull_request_target`, ' +
    '`issue_comment`, `workflow_run`). The text is followed through the script: shell variables assigned from it ' +
    '(`ref="${HEAD#refs/heads/}"`, `t=$(echo "$TITLE" | sed …)`) carry it until reassigned, passed through `tr -dc` or cut to one line (`head -n1`), and ' +
    'writes include `{ …; } >> "$GITHUB_ENV"` groups and unquoted heredocs (`cat <<EOF >> "$GITHUB_OUTPUT"`).',
  remediation:
    'Do not write outsider text to these files. If a later step needs it, pass it again through `env:` from the event, or ' +
    'validate it first (e.g. `[[ "$TITLE" =~ ^[A-Za-z0-9._-]+$ ]]`) and write it with a random heredoc delimiter ' +
    '(`NAME<<EOF_$(openssl rand -hex 8)`), never as `NAME=$VALUE`.',
  references: [
    'https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#understanding-the-risk-of-script-injections',
    'https://securitylab.github.com/resources/github-actions-untrusted-input/',
  ],
  messages: {
    env: '{variable} holds {context} (outsider text) and is written to GITHUB_{file} in job {job}, which runs on {triggers}.',
  },
  examples: {
    bad: [{ file: '.github/workflows/label.yml', code: 'on: pull_request_target\njobs:\n  label:\n    runs-on: ubuntu-latest\n    steps:\n      - env:\n          TITLE: ${{ github.event.pull_request.title }}\n        run: echo "PR_TITLE=$TITLE" >> "$GITHUB_ENV" # expect: workflow-env-injection\n' }],
    good: [{ file: '.github/workflows/label.yml', code: 'on: pull_request_target\njobs:\n  label:\n    runs-on: ubuntu-latest\n    steps:\n      - env:\n          NUMBER: ${{ github.event.pull_request.number }}\n        run: echo "PR_NUMBER=$NUMBER" >> "$GITHUB_ENV"\n' }],
  },
  check(context) {
    for (const workflow of workflowsOf(context.workspace)) {
      const triggers = outsiderPrivilegedTriggers(workflow);
      if (triggers.length === 0) continue;
      const workflowEnv = taintedEnv(workflow, field(workflow.document, workflow.document.root, 'env'));
      for (const job of workflow.jobs) {
        const jobEnv = new Map([...workflowEnv, ...taintedEnv(workflow, field(workflow.document, job.node, 'env'))]);
        for (const step of job.steps) {
          if (!isScalar(step.run) || !step.run.range) continue;
          const env = new Map([...jobEnv, ...taintedEnv(workflow, field(workflow.document, step.node, 'env'))]);
          const [start, end] = step.run.range;
          const raw = workflow.file.text.slice(start, end);
          const lines = raw.split('\n');
          const written = commandFileLines(lines);
          if (written.size === 0) continue;
          const taint = taintThroughScript(lines, env);
          let offset = 0;
          lines.forEach((line, index) => {
            const lineStart = offset;
            offset += line.length + 1;
            const file = written.get(index);
            const tainted = taint[index];
            if (file === undefined || !tainted || tainted.size === 0) return;
            for (const reference of line.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g)) {
              const variable = reference[1]!;
              const source = tainted.get(variable);
              if (source === undefined) continue;
              const at = start + lineStart + reference.index!;
              context.report({
                messageId: 'env', at: { path: workflow.file.path, start: at, end: at + reference[0].length },
                data: { variable: `$${variable}`, context: source, file, job: job.id, triggers: triggers.join(', ') },
                subject: `${job.id} ${variable} GITHUB_${file}`,
              });
            }
          });
        }
      }
    }
  },
});

/** Environment variables whose value includes outsider text: name → the context it comes from. */
function taintedEnv(workflow: Workflow, envNode: Node | undefined): Map<string, string> {
  const tainted = new Map<string, string>();
  for (const { key: name, value } of mapEntries(envNode)) {
    for (const expression of expressionsOf(workflow.file, value)) {
      const reference = expression.references.find((candidate) => candidate.reachesValue && isAttackerControlledContext(candidate.path));
      if (reference !== undefined) tainted.set(name, reference.path);
    }
  }
  return tainted;
}
