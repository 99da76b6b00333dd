import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../config/schema.js';
import { runRules } from '../../engine/run.js';
import { Workspace } from '../../model/workspace.js';
import rule from './workflow-pushes-deploy-branch.js';

const workflow = 'on:\n  push:\n    branches: [main, prod]\njobs:\n  bump:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          token: ${{ secrets.BOT_PAT }}\n      - run: git push origin HEAD:prod\n      - run: git push origin HEAD:main\n';
const application = 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: web, namespace: argocd}\nspec:\n  source:\n    repoURL: git@github.com:acme/fleet.git\n    path: apps/web\n    targetRevision: prod\n';

describe('workflow-pushes-deploy-branch', () => {
  it('takes the deploy branch from the manifests that deploy this repository, and reports at high', async () => {
    const workspace = Workspace.fromTexts({ '.github/workflows/bump.yml': workflow, 'apps/web.yaml': application });
    const result = await runRules(workspace, DEFAULT_CONFIG, [rule], { settings: { repository: { remotes: ['github.com/acme/fleet'] } } });
    expect(result.findings.map((finding) => [finding.location.line, finding.severity, finding.message])).toEqual([
      [11, 'high', 'Job bump pushes to prod (deployed by Application/web source targetRevision prod (apps/web.yaml)) with a personal access token (secrets.BOT_PAT): the change skips review.'],
    ]);
  });

  it('falls back to main and master at medium when no manifest deploys this repository', async () => {
    const workspace = Workspace.fromTexts({ '.github/workflows/bump.yml': workflow, 'apps/web.yaml': application });
    const result = await runRules(workspace, DEFAULT_CONFIG, [rule], { settings: { repository: { remotes: ['github.com/acme/other'] } } });
    expect(result.findings.map((finding) => [finding.location.line, finding.severity])).toEqual([[12, 'medium']]);
  });
});
