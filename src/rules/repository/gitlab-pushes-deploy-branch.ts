import { defineRule } from '../rule.js';
import { gitlabJobs, jobBranches } from './gitlab-model.js';
import { deployedBranchNames, GIT_PUSH, pushedBranch } from './workflow-pushes-deploy-branch.js';

/** A credential in a remote URL: `https://oauth2:${PROJECT_TOKEN}@gitlab.com/…`, `https://bot:$TOKEN@…`. */
const URL_CREDENTIAL = /https?:\/\/[^\s@"']*\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?[^\s@"']*@/;
/** An SSH key loaded from a variable: `ssh-add` of it, or written to `~/.ssh/id_*`. */
const SSH_KEY = /\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?[^\n]*(\|\s*(tr[^|]*\|\s*)?ssh-add|>\s*["']?(~|\$HOME|\$\{HOME\})\/\.ssh\/id_)|ssh-add\s+<\(\s*echo\s+["']?\$\{?([A-Za-z_][A-Za-z0-9_]*)/;
const DEFAULT_BRANCH = /^\$\{?CI_DEFAULT_BRANCH\}?$/;
const CURRENT_BRANCH = /^\$\{?CI_COMMIT_(BRANCH|REF_NAME)\}?$/;

export default defineRule({
  id: 'gitlab-pushes-deploy-branch',
  layer: 'repository',
  severity: 'high',
  objectKinds: [],
  summary: 'A GitLab CI job pushes to a branch Argo CD or Flux deploys from with a project or personal access token or a deploy key.',
  rationale:
    'A push from CI straight to the deploy branch is a deployment no one reviewed. `CI_JOB_TOKEN` pushes act as the ' +
    'pipeline\'s user and protected-branch rules still apply; a project or group access token, a personal access token ' +
    'or a deploy key that is allowed to push to the protected branch gets through, so whoever can change the pipeline, ' +
    'an included file or a script it runs deploys anything. The deploy branches come from the repository\'s own ' +
    'Applications, ApplicationSets, GitRepositories and FluxInstances (else `main` and `master`, at medium); the pushed ' +
    'branch from the `git push` refspec (`HEAD:main`, `HEAD:$CI_DEFAULT_BRANCH`) or, without one, the branches the ' +
    'job\'s `rules:`/`only:` run it on. `.gitlab-ci.yml`, `*.gitlab-ci.yml`, `.gitlab/ci/**` and files they `include: local:` are read.',
  remediation:
    'Push to a branch of the bot\'s own and open a merge request (`git push -o merge_request.create -o ' +
    'merge_request.target=main`), so approval rules decide; do not let tokens or deploy keys bypass the protected deploy branch.',
  references: [
    'https://docs.gitlab.com/user/project/repository/branches/protected/',
    'https://docs.gitlab.com/user/project/settings/project_access_tokens/',
    'https://docs.gitlab.com/topics/git/commit/#push-options-for-merge-requests',
  ],
  messages: {
    push: 'Job {job} pushes to {branch} ({deployed}) with {credential}: the change skips review.',
  },
  examples: {
    bad: [{ file: '.gitlab-ci.yml', code: 'bump:\n  rules:\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n  script:\n    - ./bump-images.sh\n    - git remote set-url origin "https://oauth2:${BOT_TOKEN}@gitlab.com/acme/deploy.git"\n    - git commit -am "bump images" && git push origin HEAD:main # expect: gitlab-pushes-deploy-branch\n' }],
    good: [{ file: '.gitlab-ci.yml', code: 'bump:\n  rules:\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n  script:\n    - ./bump-images.sh\n    - git remote set-url origin "https://oauth2:${BOT_TOKEN}@gitlab.com/acme/deploy.git"\n    - git commit -am "bump images"\n    - git push -o merge_request.create -o merge_request.target=main origin HEAD:bot/bump-images\n' }],
  },
  check(context) {
    const deploy = deployedBranchNames(context.workspace, context.settings.repository?.remotes ?? []);
    for (const job of gitlabJobs(context.workspace)) {
      let credential: string | undefined;
      for (const line of job.effectiveScripts) {
        const code = line.text.replace(/(^|\s)#.*$/, '');
        const url = URL_CREDENTIAL.exec(code);
        if (url && url[1] !== 'CI_JOB_TOKEN') credential = `a token ($${url[1]}) in the remote URL`;
        else if (url) credential = undefined;
        const key = SSH_KEY.exec(code);
        if (key) credential = `a deploy key ($${key[1] ?? key[5]})`;
        for (const push of code.matchAll(GIT_PUSH)) {
          if (!credential) continue;
          const args = (push[1] ?? '').replace(/\s(-o|--push-option)(\s+|=)\S+/g, ' ');
          if (/--tags\b|--delete\b|\s-d\b|refs\/tags\/|merge_request\.create/.test(push[1] ?? '')) continue;
          const named = pushedBranch(args);
          const targets = named === undefined || CURRENT_BRANCH.test(named) ? jobBranches(job) : [named];
          // one finding per push: the first deployed branch it can reach
          const target = targets.flatMap((branch) => (DEFAULT_BRANCH.test(branch) ? ['main', 'master'] : [branch])).find((branch) => deploy.names.has(branch));
          if (target !== undefined) {
            const at = line.start + push.index!;
            context.report({
              messageId: 'push', at: { path: line.path, start: at, end: at + push[0].trimEnd().length },
              data: { job: job.name, branch: target, deployed: deploy.why(target), credential },
              subject: `${job.name} ${target} git push`, ...(deploy.guessed ? { severity: 'medium' as const } : {}),
            });
          }
        }
      }
    }
  },
});
