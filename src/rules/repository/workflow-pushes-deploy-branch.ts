import { isScalar } from 'yaml';
import { deployBranches } from '../../forge/deploy-branches.js';
import { parseForgeTarget } from '../../forge/target.js';
import type { Workspace } from '../../model/workspace.js';
import { seqItems, stringValue } from '../../model/yaml.js';
import { defineRule } from '../rule.js';
import { field, nodeSpan, usesAction, workflowsOf, type Workflow, type WorkflowJob } from './workflow-model.js';

/** Actions that commit and push for the workflow, and the input naming the branch. */
const PUSH_ACTIONS: ReadonlyArray<{ readonly name: string; readonly branch: string; readonly token?: string }> = [
  { name: 'stefanzweifel/git-auto-commit-action', branch: 'branch' },
  { name: 'EndBug/add-and-commit', branch: 'push' },
  { name: 'ad-m/github-push-action', branch: 'branch', token: 'github_token' },
];

const SECRET = /\$\{\{\s*secrets\.([A-Za-z0-9_]+)\s*\}\}/;
const APP_TOKEN = /\$\{\{\s*steps\.[\w-]+\.outputs\.token\s*\}\}/;
export const GIT_PUSH = /\bgit\s+(?:-[cC]\s+\S+\s+)*push\b([^;&|\n]*)/g;

interface Credential {
  /** `a personal access token (secrets.BOT_PAT)`, `a deploy key (secrets.DEPLOY_KEY)`, `a GitHub App token` */
  readonly what: string;
}

export default defineRule({
  id: 'workflow-pushes-deploy-branch',
  layer: 'repository',
  severity: 'high',
  objectKinds: [],
  summary: 'A workflow pushes to a branch Argo CD or Flux deploys from with a personal access token, a deploy key or an App token.',
  rationale:
    'A push from CI straight to the deploy branch is a deployment no one reviewed. With the default `GITHUB_TOKEN`, ' +
    'branch protection still applies; a personal access token of an administrator, a deploy key or a GitHub App on the ' +
    'ruleset\'s bypass list gets through, so whoever can change the workflow, a step it runs or an action it uses, ' +
    'deploys anything. Rampart reads the deploy branches from the repository\'s own Applications, ApplicationSets, ' +
    'GitRepositories and FluxInstances (else `main` and `master`), and the pushed branch from `git push` refspecs, ' +
    'the push actions\' `branch` input, `actions/checkout` `ref:` or the `push` trigger\'s branches. Reported at high when ' +
    'a manifest names the branch, medium when only its name (`main`, `master`) suggests it.',
  remediation:
    'Have the workflow open a pull request (`peter-evans/create-pull-request`, `gh pr create`) into the deploy branch and ' +
    'let review and required checks decide; use the default `GITHUB_TOKEN` with `contents: write` only for branches that ' +
    'deploy nothing. If a bot must push, give it its own branch that a reviewed pull request promotes.',
  references: [
    'https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication',
    'https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-rulesets/creating-rulesets-for-a-repository#granting-bypass-permissions-for-your-branch-or-tag-ruleset',
  ],
  messages: {
    push: 'Job {job} pushes to {branch} ({deployed}) with {credential}: the change skips review.',
  },
  examples: {
    bad: [{ file: '.github/workflows/bump.yml', code: 'on:\n  push:\n    branches: [main]\njobs:\n  bump:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          token: ${{ secrets.BOT_PAT }}\n      - run: ./bump-images.sh\n      - run: git commit -am "bump" && git push # expect: workflow-pushes-deploy-branch\n' }],
    good: [{ file: '.github/workflows/bump.yml', code: 'on:\n  push:\n    branches: [main]\njobs:\n  bump:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          token: ${{ secrets.BOT_PAT }}\n      - run: ./bump-images.sh\n      - uses: peter-evans/create-pull-request@v7\n        with:\n          token: ${{ secrets.BOT_PAT }}\n          branch: bot/bump-images\n' }],
  },
  check(context) {
    const deploy = deployedBranchNames(context.workspace, context.settings.repository?.remotes ?? []);
    for (const workflow of workflowsOf(context.workspace)) {
      if (workflow.isAction) continue;
      for (const job of workflow.jobs) {
        let credential: Credential | undefined;
        let checkedOut: string | undefined;
        for (const step of job.steps) {
          if (usesAction(step.uses, 'actions/checkout')) {
            credential = checkoutCredential(workflow, step.with) ?? credential;
            checkedOut = branchName(stringValue(field(workflow.document, step.with, 'ref'))) ?? checkedOut;
            continue;
          }
          if (usesAction(step.uses, 'webfactory/ssh-agent')) {
            const key = SECRET.exec(stringValue(field(workflow.document, step.with, 'ssh-private-key')) ?? '');
            if (key) credential = { what: `a deploy key (secrets.${key[1]})` };
            continue;
          }
          const action = PUSH_ACTIONS.find((candidate) => usesAction(step.uses, candidate.name));
          if (action && step.uses) {
            const token = action.token ? tokenCredential(stringValue(field(workflow.document, step.with, action.token)) ?? '') : undefined;
            const used = token ?? credential;
            const input = stringValue(field(workflow.document, step.with, action.branch));
            // add-and-commit's `push` is true/false or git push arguments
            const branch = action.name === 'EndBug/add-and-commit' ? (input === undefined || /^true$/i.test(input) ? undefined : pushedBranch(input)) : branchName(input);
            for (const target of branch ? [branch] : currentBranches(workflow, checkedOut)) {
              if (!used || !deploy.names.has(target)) continue;
              context.report({ messageId: 'push', at: nodeSpan(workflow.file, step.uses.node), data: { job: job.id, branch: target, deployed: deploy.why(target), credential: used.what }, subject: `${job.id} ${target} ${step.uses.value}`, ...(deploy.guessed ? { severity: 'medium' as const } : {}) });
            }
            continue;
          }
          if (!isScalar(step.run) || !step.run.range) continue;
          const [start, end] = step.run.range;
          const script = workflow.file.text.slice(start, end);
          const inline = /https:\/\/[^@\s"']*\$\{\{\s*secrets\.([A-Za-z0-9_]+)\s*\}\}[^@\s"']*@/.exec(script);
          if (inline) credential = { what: `a personal access token (secrets.${inline[1]}) in the remote URL` };
          for (const push of script.matchAll(GIT_PUSH)) {
            if (!credential) continue;
            const args = (push[1] ?? '').replace(/(^|\s)#.*$/, '');
            if (/--tags\b|--delete\b|\s-d\b|refs\/tags\//.test(args)) continue;
            const explicit = pushedBranch(args);
            for (const target of explicit ? [explicit] : currentBranches(workflow, checkedOut)) {
              if (!deploy.names.has(target)) continue;
              const at = start + push.index!;
              context.report({ messageId: 'push', at: { path: workflow.file.path, start: at, end: at + push[0].trimEnd().length }, data: { job: job.id, branch: target, deployed: deploy.why(target), credential: credential.what }, subject: `${job.id} ${target} git push`, ...(deploy.guessed ? { severity: 'medium' as const } : {}) });
            }
          }
        }
      }
    }
  },
});

function checkoutCredential(workflow: Workflow, withNode: WorkflowJob['node']): Credential | undefined {
  const key = SECRET.exec(stringValue(field(workflow.document, withNode, 'ssh-key')) ?? '');
  if (key) return { what: `a deploy key (secrets.${key[1]})` };
  return tokenCredential(stringValue(field(workflow.document, withNode, 'token')) ?? '');
}

/** A token that is not the workflow's own GITHUB_TOKEN: a secret (a PAT) or an App token minted by an earlier step. */
function tokenCredential(value: string): Credential | undefined {
  const secret = SECRET.exec(value);
  if (secret && secret[1] !== 'GITHUB_TOKEN') return { what: `a personal access token (secrets.${secret[1]})` };
  if (APP_TOKEN.test(value)) return { what: 'a GitHub App token' };
  return undefined;
}

/** Variables that hold the branch the run is on: pushing to them is pushing the checked-out branch. */
const CURRENT_REF_VARIABLE = /^\$\{?(GITHUB_REF_NAME|GITHUB_REF)\b/;

/**
 * The branch a `git push` argument list names: the last refspec's destination (`HEAD:main`, `+main`,
 * `refs/heads/main`); undefined when there is no refspec (the current branch is pushed). A branch held
 * in another variable (`git push origin "$BRANCH"`) is returned as written: which branch it is, nothing here says.
 */
export function pushedBranch(args: string): string | undefined {
  const words = args.trim().split(/\s+/).filter((word) => word !== '' && !word.startsWith('-'));
  if (words.length < 2) return undefined;
  const refspec = words[words.length - 1]!.replace(/^\+/, '').replace(/["']/g, '');
  const destination = refspec.includes(':') ? refspec.slice(refspec.indexOf(':') + 1) : refspec;
  if (destination.startsWith('$')) return CURRENT_REF_VARIABLE.test(destination) ? undefined : destination;
  return branchName(destination);
}

function branchName(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  const name = ref.trim().replace(/^refs\/heads\//, '');
  if (name === '' || name === 'HEAD' || name.includes('${{') || name.startsWith('refs/')) return undefined;
  return name;
}

/** No branch named: the checked-out one, which is `ref:` or, on `push`, one of the trigger's branches. */
function currentBranches(workflow: Workflow, checkedOut: string | undefined): string[] {
  if (checkedOut) return [checkedOut];
  const push = workflow.triggers.get('push');
  const branches = seqItems(field(workflow.document, push, 'branches')).map((node) => stringValue(node)).filter((name): name is string => name !== undefined && !/[*?[\]!]/.test(name));
  return branches;
}

/** The branches deployed from this repository, with why; `main` and `master` when no manifest says. */
export function deployedBranchNames(workspace: Workspace, remotes: readonly string[]): { names: Set<string>; why(branch: string): string; guessed: boolean } {
  const reasons = new Map<string, string>();
  for (const remote of remotes) {
    let target;
    try {
      // GitLab's kind accepts any depth of path; only host and path matter for matching
      target = parseForgeTarget(`https://${remote}`, { kind: 'gitlab' });
    } catch {
      continue;
    }
    for (const branch of deployBranches(workspace, target)) {
      for (const name of branch.name === 'HEAD' ? ['main', 'master'] : [branch.name]) reasons.set(name, branch.reason);
    }
  }
  const found = reasons.size > 0;
  if (!found) for (const name of ['main', 'master']) reasons.set(name, 'no manifest here names the deploy branch; the usual default branch');
  return { names: new Set(reasons.keys()), why: (branch) => reasons.get(branch) ?? 'deployed', guessed: !found };
}
