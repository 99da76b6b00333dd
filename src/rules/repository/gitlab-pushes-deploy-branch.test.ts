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
});
