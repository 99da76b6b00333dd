import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../config/schema.js';
import { runRules } from '../../engine/run.js';
import { Workspace } from '../../model/workspace.js';
import rule from './gitlab-pushes-deploy-branch.js';

const pipeline = 'include:\n  - local: ci/bot.yml\nbump:\n  extends: .bot\n  rules:\n    - if: $CI_COMMIT_BRANCH == "production"\n  script:\n    - git push origin HEAD:$CI_COMMIT_BRANCH\n    - git push origin HEAD:main\n';
const included = '.bot:\n  before_script:\n    - git remote set-url origin "https://oauth2:${BOT_TOKEN}@gitlab.example.com/acme/fleet.git"\n';
const repository = 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: fleet, namespace: flux-system}\nspec:\n  url: https://gitlab.example.com/acme/fleet.git\n  ref: {branch: production}\n';

describe('gitlab-pushes-deploy-branch', () => {
  it('takes the deploy branch from the manifests, the credential from an included template, and reports at high', async () => {
    const workspace = Workspace.fromTexts({ '.gitlab-ci.yml': pipeline, 'ci/bot.yml': included, 'clusters/fleet.yaml': repository });
    const result = await runRules(workspace, DEFAULT_CONFIG, [rule], { settings: { repository: { remotes: ['gitlab.example.com/acme/fleet'] } } });
    expect(result.findings.map((finding) => [finding.location.path, finding.location.line, finding.severity, finding.message])).toEqual([
      ['.gitlab-ci.yml', 8, 'high', 'Job bump pushes to production (deployed by GitRepository/fleet spec.ref (clusters/fleet.yaml)) with a token ($BOT_TOKEN) in the remote URL: the change skips review.'],
    ]);
  });

  it('falls back to main and master at medium when no manifest deploys this repository', async () => {
    const workspace = Workspace.fromTexts({ '.gitlab-ci.yml': pipeline, 'ci/bot.yml': included });
    const result = await runRules(workspace, DEFAULT_CONFIG, [rule], { settings: { repository: { remotes: ['gitlab.example.com/acme/fleet'] } } });
    expect(result.findings.map((finding) => [finding.location.line, finding.severity])).toEqual([[9, 'medium']]);
  });

  it('does not take a push of a branch held in a variable (rebasing other branches from a job on main) for a push to the job\'s branch', async () => {
    const rebase = [
      'rebase on main:',
      '  rules:',
      '    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH',
      '  script:',
      '    - |',
      '      git remote add push-remote https://oauth2:${REPO_REBASE_PUSH_TOKEN}@${CI_SERVER_HOST}/${CI_PROJECT_PATH}.git',
      '      for BRANCH in $(echo "$REPO_REBASE_BRANCHES" | tr , " "); do',
      '        git checkout $BRANCH && git rebase $CI_DEFAULT_BRANCH',
      '        git push push-remote $BRANCH --force',
      '      done',
      '      git push push-remote HEAD:$CI_DEFAULT_BRANCH',
      '',
    ].join('\n');
    const workspace = Workspace.fromTexts({ '.gitlab-ci.yml': rebase });
    const result = await runRules(workspace, DEFAULT_CONFIG, [rule], { settings: { repository: { remotes: ['gitlab.example.com/acme/fleet'] } } });
    expect(result.findings.map((finding) => finding.location.line)).toEqual([11]);
  });
});
