import { isScalar } from 'yaml';
import type { Span } from '../../model/span.js';
import { seqItems, stringValue } from '../../model/yaml.js';
import { defineRule } from '../rule.js';
import { commandFileLines } from './shell-writes.js';
import { crossRunDownloadOf, normalisePath, type ArtifactDownload } from './workflow-artifacts.js';
import { expressionsOf, field, nodeSpan, usesAction, workflowsOf, type Workflow, type WorkflowJob, type WorkflowStep } from './workflow-model.js';
import { stepRunsTreeCode } from './workflow-runs-code.js';

/** Conditions that keep pull requests' runs out: only pushes, or only runs of this repository's own branches. */
const TRUSTED_UPSTREAM = /workflow_run\.event\s*==\s*['"](push|schedule|workflow_dispatch|release)['"]|workflow_run\.event\s*!=\s*['"]pull_request(_target)?['"]|workflow_run\.head_repository\.(full_name\s*==\s*github\.repository|fork\s*==\s*false)|github\.repository\s*==\s*github\.event\.workflow_run\.head_repository\.full_name/;
/** Reading a file's content into a command-file write: `cat f >> $GITHUB_ENV`, `echo "X=$(<f)"`, `jq … f`. */
const READS_FILE = /\bcat\s|\$\(<|<\s*["']?[\w./$]|\bjq\b|\bhead\s|\btail\s|\bawk\s|\bsed\s|\bxargs\b/;
const UNPACK = /\b(unzip|tar\s+(-\w*x|x)\w*|7z\s+x|gunzip|bsdtar\s+-?x)\b[^\n;&|]*/;
/** unpacking somewhere outside the workspace, where nothing later runs from */
const UNPACK_ELSEWHERE = /\s(-d|-C|--directory[= ])\s*["']?(\$\{?RUNNER_TEMP|\/tmp|\$\{\{\s*runner\.temp)/;

interface Sink {
  readonly at: Span;
  readonly what: string;
}

export default defineRule({
  id: 'workflow-artifact-poisoning',
  layer: 'repository',
  severity: 'critical',
  objectKinds: [],
  summary: 'A `workflow_run` workflow downloads artifacts of a run a pull request can start, then runs them, unpacks them where code runs, or writes them to `GITHUB_ENV`/`GITHUB_PATH`.',
  rationale:
    'A `workflow_run` workflow runs with the base repository\'s secrets and a token that can write, even when the run ' +
    'that triggered it was a fork\'s pull request. That run\'s artifacts were made by the pull request\'s code, so their ' +
    'content is the author\'s: downloaded into the workspace they replace `package.json`, `Makefile` or a script the ' +
    'next step runs; unpacked there they do the same; read into `$GITHUB_ENV` they set `NODE_OPTIONS`, `LD_PRELOAD` or ' +
    '`BASH_ENV` for every later step; read into a step output and expanded into a later script ' +
    '(`${{ steps.pr.outputs.number }}` in `run:` or `github-script`), they are code; executed, they simply run. Rampart looks at `actions/download-artifact` with ' +
    '`run-id`, `dawidd6/action-download-artifact` and the other cross-run downloaders, `github-script` calling ' +
    '`downloadArtifact`, `gh run download` and the artifacts REST API, and follows `unzip -d`/`tar -C` into their directory. A workflow is left alone when the workflows it follows are all in this repository and none runs ' +
    'on `pull_request`, or when its job checks that the upstream run was a push or came from this repository.',
  remediation:
    'Download artifacts into `${{ runner.temp }}` (never the workspace), treat them as data: validate what you read ' +
    '(a PR number with `[[ $n =~ ^[0-9]+$ ]]`), never execute or `source` them and never write them to `GITHUB_ENV` or ' +
    '`GITHUB_PATH`. Or restrict the job with `if: github.event.workflow_run.event == \'push\'`.',
  references: [
    'https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/',
    'https://docs.zizmor.sh/audits/#dangerous-triggers',
    'https://github.com/boostsecurityio/poutine/blob/main/docs/content/en/rules/untrusted_checkout_exec.md',
  ],
  messages: {
    poisoned: 'Job {job} ({trigger}) downloads artifacts of {upstream} ({how}, step {step}) and then {what}: the pull request\'s author runs code with this job\'s secrets and token.',
  },
  examples: {
    bad: [{
      file: '.github/workflows/comment.yml',
      code: 'on:\n  workflow_run:\n    workflows: [CI]\n    types: [completed]\njobs:\n  comment:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/download-artifact@v4\n        with:\n          name: pr\n          run-id: ${{ github.event.workflow_run.id }}\n          github-token: ${{ github.token }}\n      - run: cat pr.env >> "$GITHUB_ENV" # expect: workflow-artifact-poisoning\n',
    }],
    good: [{
      file: '.github/workflows/comment.yml',
      code: 'on:\n  workflow_run:\n    workflows: [CI]\n    types: [completed]\njobs:\n  comment:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/download-artifact@v4\n        with:\n          name: pr\n          path: ${{ runner.temp }}/pr\n          run-id: ${{ github.event.workflow_run.id }}\n          github-token: ${{ github.token }}\n      - run: |\n          n=$(cat "$RUNNER_TEMP/pr/number")\n          [[ $n =~ ^[0-9]+$ ]] && gh pr comment "$n" --body "Build passed"\n',
    }],
  },
  check(context) {
    const workflows = workflowsOf(context.workspace).filter((workflow) => !workflow.isAction);
    for (const workflow of workflows) {
      if (!workflow.triggers.has('workflow_run')) continue;
      const upstream = pullRequestUpstream(workflow, workflows);
      if (upstream === undefined) continue;
      if (TRUSTED_UPSTREAM.test(stringValue(field(workflow.document, workflow.document.root, 'if')) ?? '')) continue;
      for (const job of workflow.jobs) {
        if (TRUSTED_UPSTREAM.test(stringValue(field(workflow.document, job.node, 'if')) ?? '')) continue;
        const found = firstSink(workflow, job);
        if (!found) continue;
        const { download, sink } = found;
        context.report({
          messageId: 'poisoned', at: sink.at,
          data: { job: job.id, trigger: 'workflow_run', upstream, how: download.how, step: String(download.step.index + 1), what: sink.what },
          subject: `${job.id} ${download.how} ${sink.what}`,
        });
      }
    }
  },
});

/** The upstream workflows a pull request can start, described, or undefined when none can. */
function pullRequestUpstream(workflow: Workflow, all: readonly Workflow[]): string | undefined {
  const names = seqItems(field(workflow.document, workflow.triggers.get('workflow_run'), 'workflows')).map((node) => stringValue(node)).filter((name): name is string => name !== undefined);
  const single = stringValue(field(workflow.document, workflow.triggers.get('workflow_run'), 'workflows'));
  if (single !== undefined) names.push(single);
  if (names.length === 0) return 'the triggering run';
  const prRunners: string[] = [];
  for (const name of names) {
    const matches = all.filter((candidate) => (stringValue(field(candidate.document, candidate.document.root, 'name')) ?? fileName(candidate)) === name || fileName(candidate) === name);
    // a workflow not in this tree: its triggers are unknown
    if (matches.length === 0) prRunners.push(`"${name}"`);
    else if (matches.some((candidate) => candidate.triggers.has('pull_request') || candidate.triggers.has('pull_request_target'))) prRunners.push(`"${name}" (runs on pull requests)`);
  }
  return prRunners.length === 0 ? undefined : prRunners.join(', ');
}

function fileName(workflow: Workflow): string {
  return workflow.file.path.slice(workflow.file.path.lastIndexOf('/') + 1);
}

/** The first place after a cross-run download where its content is run, unpacked where code runs, or fed to a command file. */
function firstSink(workflow: Workflow, job: WorkflowJob): { download: ArtifactDownload; sink: Sink } | undefined {
  let download: ArtifactDownload | undefined;
  /** the artifact's files are in the workspace, where tree code runs */
  let inWorkspace = false;
  /** ids of steps that put the artifact's content in their outputs */
  const tainted = new Set<string>();
  /** workspace directories holding the artifact's files */
  const directories = new Set<string>();
  for (const step of job.steps) {
    const fetched = crossRunDownloadOf(workflow, step);
    if (fetched) {
      download = fetched;
      if (fetched.path === '.') inWorkspace = true;
      else if (!isOutsideWorkspace(fetched.path)) directories.add(fetched.path);
      // a script that downloads may unpack and run in the same breath
      if (!step.run) continue;
    }
    if (!download) continue;
    if (usesAction(step.uses, 'actions/checkout')) {
      // checkout cleans the workspace (git clean -ffdx) unless told not to, or checks out elsewhere
      const clean = stringValue(field(workflow.document, step.with, 'clean'));
      if (normalisePath(stringValue(field(workflow.document, step.with, 'path')) ?? '.') === '.' && !(clean && /^false$/i.test(clean.trim()))) inWorkspace = false;
      continue;
    }
    const expanded = outputExpansion(workflow, step, tainted);
    if (expanded) return { download, sink: expanded };
    const sink = scriptSink(workflow, step, directories, inWorkspace);
    if (sink) return { download, sink };
    const id = stringValue(field(workflow.document, step.node, 'id'));
    if (id !== undefined && writesFileToOutput(step)) tainted.add(id);
    if (inWorkspace && !step.run) {
      const runs = stepRunsTreeCode(workflow, step);
      if (runs && step.uses) return { download, sink: { at: nodeSpan(workflow.file, step.uses.node), what: `runs ${runs} from the workspace the artifact was put in` } };
    }
    for (const line of (stringValue(step.run) ?? '').split('\n')) {
      if (!UNPACK.test(line) || UNPACK_ELSEWHERE.test(line)) continue;
      const target = unpackTarget(line);
      if (target === undefined || target === '.') inWorkspace = true;
      else if (!isOutsideWorkspace(target)) directories.add(target);
    }
  }
  return undefined;
}

/** Whether a `run:` script writes a file's content to `$GITHUB_OUTPUT`. */
function writesFileToOutput(step: WorkflowStep): boolean {
  const script = stringValue(step.run);
  if (script === undefined) return false;
  const lines = script.split('\n');
  const written = commandFileLines(lines);
  return lines.some((line, index) => written.get(index) === 'OUTPUT' && READS_FILE.test(line.replace(/(^|\s)#.*$/, '')));
}

/** `${{ steps.<id>.outputs.* }}` of a tainted step written into a script: the artifact's text becomes code. */
function outputExpansion(workflow: Workflow, step: WorkflowStep, tainted: ReadonlySet<string>): Sink | undefined {
  if (tainted.size === 0) return undefined;
  const scripts = [step.run, usesAction(step.uses, 'actions/github-script') ? field(workflow.document, step.with, 'script') : undefined];
  for (const node of scripts) {
    for (const expression of expressionsOf(workflow.file, node)) {
      const reference = expression.references.find((candidate) => {
        const match = /^steps\.([\w-]+)\.outputs\./.exec(candidate.path);
        return match !== null && tainted.has(match[1]!) && candidate.reachesValue;
      });
      if (!reference) continue;
      const start = expression.bodyStart + reference.start;
      return { at: { path: workflow.file.path, start, end: expression.bodyStart + reference.end }, what: `writes its content into a script through \`${reference.path}\`` };
    }
  }
  return undefined;
}

/** Where an unzip/tar line extracts to (`-d DIR`, `-C DIR`), relative to the workspace; undefined for the current directory. */
function unpackTarget(line: string): string | undefined {
  const target = /\s(?:-d|-C|--directory[= ])\s*["']?([^\s"';&|]+)/.exec(line)?.[1];
  return target === undefined ? undefined : normalisePath(target);
}

function isOutsideWorkspace(directory: string): boolean {
  return /^(\/|~|\$\{?(RUNNER_TEMP|HOME|TMPDIR)|\$\{\{\s*runner\.temp)/.test(directory);
}

function scriptSink(workflow: Workflow, step: WorkflowStep, directories: ReadonlySet<string>, inWorkspace: boolean): Sink | undefined {
  if (!isScalar(step.run) || !step.run.range) return undefined;
  const [start, end] = step.run.range;
  const raw = workflow.file.text.slice(start, end);
  const lines = raw.split('\n');
  const written = commandFileLines(lines);
  const directory = directories.size === 0 ? undefined : `(?:${[...directories].map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`;
  const executes = directory ? new RegExp(String.raw`(?:^|[\s;&|(])(?:(?:bash|sh|zsh|source|\.|node|python3?|ruby|perl|pwsh)\s+["']?(?:\./)?${directory}/|["']?\./${directory}/|chmod\s+\+?[0-7x]+\s+["']?(?:\./)?${directory}/)`) : undefined;
  const runsTree = stepRunsTreeCode(workflow, step);
  let unpacked = inWorkspace;
  let offset = 0;
  for (const [index, line] of lines.entries()) {
    const lineStart = offset;
    offset += line.length + 1;
    const code = line.replace(/(^|\s)#.*$/, '');
    const span = (from: number, length: number): Span => ({ path: workflow.file.path, start: start + lineStart + from, end: start + lineStart + from + length });
    const commandFile = written.get(index);
    if ((commandFile === 'ENV' || commandFile === 'PATH') && READS_FILE.test(code)) {
      const text = code.trim();
      return { at: span(line.indexOf(text), text.length), what: `writes its content to GITHUB_${commandFile}` };
    }
    const executed = executes?.exec(code);
    if (executed) {
      const text = code.slice(executed.index).trim();
      return { at: span(line.indexOf(text), text.length), what: `runs a file from it (\`${text}\`)` };
    }
    // `sh cmd`, `. env.sh`: a file the artifact may have put in the workspace, whatever its name
    const sourced = unpacked ? /(?:^|[\s;&|(])(?:(?:ba|z|da)?sh|source|\.)\s+(?:\.\/)?[\w][\w./-]*/.exec(code) : null;
    if (sourced) {
      const text = sourced[0].trim();
      return { at: span(code.indexOf(text), text.length), what: `runs a file of the workspace the artifact was put in (\`${text}\`)` };
    }
    if (runsTree && unpacked) {
      const command = runsTree.replace(/^`|`$/g, '');
      const at = code.indexOf(command);
      if (at !== -1) return { at: span(at, command.length), what: `runs ${runsTree} in the workspace the artifact was put in` };
    }
    if (UNPACK.test(code) && !UNPACK_ELSEWHERE.test(code) && (unpackTarget(code) ?? '.') === '.') unpacked = true;
  }
  return undefined;
}
