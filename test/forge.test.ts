import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from './helpers/cli.js';
import { BRANCH_NOT_PROTECTED, forbiddenFineGrained, githubBranch, rulesetRules, ruleset, startFakeForge, strongProtection, weakGitHubRoutes, weakGitLabRoutes, type FakeForge, type Route } from './helpers/forge-api.js';
import { loopbackCertificate } from './helpers/tls.js';

interface JsonFinding { ruleId: string; message: string; severity: string; location: { path: string } }
interface JsonReport { findings: JsonFinding[]; diagnostics: Array<{ message: string; kind: string }>; complete: boolean }

let tls: { key: string; cert: string };
let scratch: string;
let caFile: string;
const servers: FakeForge[] = [];

beforeAll(async () => {
  tls = await loopbackCertificate();
  scratch = await mkdtemp(path.join(tmpdir(), 'rampart-forge-'));
  caFile = path.join(scratch, 'ca.pem');
  await writeFile(caFile, tls.cert);
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await rm(scratch, { recursive: true, force: true });
});
beforeEach(() => {
  // no token or gh config of the machine running the tests may be read or sent
  for (const name of ['GH_TOKEN', 'GITHUB_TOKEN', 'GITHUB_API_URL', 'GITLAB_TOKEN', 'GITHUB_ENTERPRISE_TOKEN']) vi.stubEnv(name, '');
  vi.stubEnv('GH_CONFIG_DIR', path.join(scratch ?? tmpdir(), 'no-gh-config'));
  vi.stubEnv('GH_ENTERPRISE_TOKEN', 'test-token');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

async function github(routes: Record<string, Route>): Promise<FakeForge> {
  const server = await startFakeForge(routes, tls);
  servers.push(server);
  return server;
}

async function forge(server: FakeForge, ...extra: string[]): Promise<{ code: number; report: JsonReport; stderr: string }> {
  const { code, stdout, stderr } = await runCli(['forge', `${server.url}/acme/fleet`, '--forge-type', 'github', '--ca-file', caFile, '-f', 'json', '--rate-limit-wait', '5', ...extra]);
  return { code, report: JSON.parse(stdout) as JsonReport, stderr };
}

const ids = (report: JsonReport): string[] => [...new Set(report.findings.map((finding) => finding.ruleId))].sort();

describe('rampart forge on GitHub (GHES base URL /api/v3, over HTTPS on loopback)', () => {
  it('reports every weak setting, located at the setting\'s page', async () => {
    const server = await github(weakGitHubRoutes());
    const { code, report } = await forge(server);
    expect(report.complete, JSON.stringify(report.diagnostics)).toBe(true);
    expect(code).toBe(1);
    expect(ids(report)).toEqual([
      'actions-allowed-unrestricted',
      'actions-fork-approval-weak',
      'actions-token-write-default',
      'branch-deletion-allowed',
      'branch-force-push-allowed',
      'branch-protection-bypass',
      'branch-review-not-required',
      'branch-signatures-not-required',
      'branch-status-checks-not-required',
      'deploy-key-write-access',
      'outside-collaborator-access',
      'repository-admin-access',
      'secret-scanning-disabled',
      'tag-protection-missing',
      'webhook-ssl-verification-disabled',
    ]);
    expect(report.findings.filter((finding) => finding.ruleId === 'repository-admin-access').map((finding) => finding.message).sort()).toEqual([
      'team platform has the maintain role on the repository and can change its protection.',
      'user alice has the admin role on the repository and can change its protection.',
    ]);
    expect(report.findings.find((finding) => finding.ruleId === 'outside-collaborator-access')?.message).toBe('Outside collaborator contractor has write access.');
    const hook = report.findings.find((finding) => finding.ruleId === 'webhook-ssl-verification-disabled');
    // the webhook URL's path and query may hold a secret: only the host is shown
    expect(hook?.message).toBe('Webhook 1 to https://ci.example.com is delivered without certificate verification.');
    expect(hook?.location.path).toBe(`${server.url}/acme/fleet/settings/hooks/1`);
    expect(JSON.stringify(report)).not.toContain('s3cr3t');
    const review = report.findings.find((finding) => finding.ruleId === 'branch-review-not-required');
    expect(review?.location.path).toBe(`${server.url}/acme/fleet/settings/branches`);
    expect(review?.message).toContain('branch main (default branch)');
    const key = report.findings.filter((finding) => finding.ruleId === 'deploy-key-write-access');
    expect(key.map((finding) => finding.message)).toEqual(['Deploy key "image-updater" (id 2) has write access.']);
    expect(report.findings.find((finding) => finding.ruleId === 'actions-token-write-default')?.location.path).toBe(`${server.url}/acme/fleet/settings/actions`);
    // the token goes in the Authorization header of every request, and only to the API
    expect(server.requests.every((request) => request.authorization === 'Bearer test-token')).toBe(true);
  });

  it('writes findings at setting pages through the text, Markdown and SARIF reporters', async () => {
    const server = await github(weakGitHubRoutes());
    const page = `${server.url}/acme/fleet/settings/keys`;
    const base = ['forge', `${server.url}/acme/fleet`, '--forge-type', 'github', '--ca-file', caFile, '-r', 'deploy-key-write-access'];
    const text = await runCli([...base, '--no-color']);
    expect(text.stdout).toContain(`${page}\n           HIGH     Deploy key "image-updater" (id 2) has write access. deploy-key-write-access`);
    const markdown = await runCli([...base, '-f', 'markdown']);
    expect(markdown.stdout).toContain(`[${page}](${page})`);
    const sarif = JSON.parse((await runCli([...base, '-f', 'sarif'])).stdout) as { runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: Record<string, string> } }> }> }> };
    expect(sarif.runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation).toEqual({ uri: page });
    expect(text.code).toBe(1);
  });

  it('reports a branch with neither protection nor ruleset as unprotected, and stays quiet on a well-protected one', async () => {
    const routes = weakGitHubRoutes();
    routes['/api/v3/repos/acme/fleet/branches/main/protection'] = BRANCH_NOT_PROTECTED;
    routes['/api/v3/repos/acme/fleet/branches/main'] = { body: githubBranch('main', false) };
    const bare = await forge(await github(routes));
    expect(ids(bare.report).filter((id) => id.startsWith('branch-'))).toEqual(['branch-protection-missing']);

    const strong = weakGitHubRoutes();
    strong['/api/v3/repos/acme/fleet/branches/main/protection'] = { body: strongProtection('main') };
    const guarded = await forge(await github(strong));
    expect(ids(guarded.report).filter((id) => id.startsWith('branch-'))).toEqual([]);
  });

  it('reports approvals kept after new commits and no code-owner review when pull requests are required', async () => {
    const routes = weakGitHubRoutes();
    routes['/api/v3/repos/acme/fleet/branches/main/protection'] = BRANCH_NOT_PROTECTED;
    routes['/api/v3/repos/acme/fleet/rules/branches/main'] = { body: rulesetRules(42, ['non_fast_forward', { type: 'pull_request', parameters: { required_approving_review_count: 1, dismiss_stale_reviews_on_push: false, require_code_owner_review: false, require_last_push_approval: false, required_review_thread_resolution: false } }]) };
    routes['/api/v3/repos/acme/fleet/rulesets/42'] = { body: ruleset(42, 'production', 'branch', [{ actor_id: 1234, actor_type: 'Integration', bypass_mode: 'always' }]) };
    routes['/api/v3/repos/acme/fleet/rulesets'] = { body: [ruleset(43, 'releases', 'tag')] };
    const { report } = await forge(await github(routes));
    expect(ids(report).filter((id) => id.startsWith('branch-') || id.startsWith('tag-'))).toEqual([
      'branch-code-owner-review-not-required',
      'branch-deletion-allowed',
      'branch-protection-bypass',
      'branch-signatures-not-required',
      'branch-stale-approval-kept',
      'branch-status-checks-not-required',
    ]);
    expect(report.findings.find((finding) => finding.ruleId === 'branch-protection-bypass')?.message).toContain('Integration 1234 (always, ruleset "production")');
  });

  it('merges rulesets with branch protection: a ruleset that blocks force pushes and requires signatures wins', async () => {
    const routes = weakGitHubRoutes();
    routes['/api/v3/repos/acme/fleet/rules/branches/main'] = { body: rulesetRules(42, ['non_fast_forward', 'deletion', 'required_signatures', { type: 'pull_request', parameters: { required_approving_review_count: 1, dismiss_stale_reviews_on_push: true, require_code_owner_review: false, require_last_push_approval: false, required_review_thread_resolution: false } }]) };
    routes['/api/v3/repos/acme/fleet/rulesets/42'] = { body: ruleset(42, 'production', 'branch') };
    const { report } = await forge(await github(routes));
    expect(ids(report)).not.toContain('branch-force-push-allowed');
    expect(ids(report)).not.toContain('branch-signatures-not-required');
    expect(ids(report)).not.toContain('branch-review-not-required');
  });

  it('leaves a setting the token may not read unchecked, naming the fine-grained permission, and exits 2', async () => {
    const routes = weakGitHubRoutes();
    routes['/api/v3/repos/acme/fleet/branches/main/protection'] = forbiddenFineGrained('administration=read');
    const { code, report, stderr } = await forge(await github(routes));
    expect(code).toBe(2);
    expect(report.complete).toBe(false);
    expect(ids(report)).not.toContain('branch-protection-missing');
    expect(stderr).toContain('"Administration: read"');
    expect(stderr).toContain('branch protection of main');
  });

  it('says which classic scope a token lacks (X-Accepted-OAuth-Scopes)', async () => {
    const routes = weakGitHubRoutes();
    routes['/api/v3/repos/acme/fleet/hooks'] = { status: 404, headers: { 'x-oauth-scopes': 'public_repo', 'x-accepted-oauth-scopes': 'admin:repo_hook, read:repo_hook, repo, write:repo_hook' }, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/repos/webhooks#list-repository-webhooks', status: '404' } };
    const { code, stderr } = await forge(await github(routes));
    expect(code).toBe(2);
    expect(stderr).toContain('lacks the scope admin:repo_hook or read:repo_hook or repo or write:repo_hook (it has public_repo');
  });

  it('follows Link pagination: a writable key on the second page is found', async () => {
    const routes = weakGitHubRoutes();
    const first = Array.from({ length: 100 }, (_, index) => ({ id: index + 10, key: 'ssh-ed25519 AAAA', url: '', title: `reader-${index}`, verified: true, created_at: '2024-01-01T00:00:00Z', read_only: true, added_by: null, last_used: null, enabled: true }));
    let base = '';
    routes['/api/v3/repos/acme/fleet/keys'] = (url) => url.searchParams.get('page') === '2'
      ? { body: [{ ...first[0], id: 500, title: 'pusher', read_only: false }], headers: { link: `<${base}/api/v3/repos/acme/fleet/keys?per_page=100&page=1>; rel="prev", <${base}/api/v3/repos/acme/fleet/keys?per_page=100&page=1>; rel="first"` } }
      : { body: first, headers: { link: `<${base}/api/v3/repos/acme/fleet/keys?per_page=100&page=2>; rel="next", <${base}/api/v3/repos/acme/fleet/keys?per_page=100&page=2>; rel="last"` } };
    const server = await github(routes);
    base = server.url;
    const { report } = await forge(server);
    expect(report.findings.filter((finding) => finding.ruleId === 'deploy-key-write-access').map((finding) => finding.message)).toEqual(['Deploy key "image-updater" (id 2) has write access.'.replace('image-updater', 'pusher').replace('id 2', 'id 500')]);
  });

  it('waits out a rate limit (Retry-After, X-RateLimit-Reset) within bounds and leaves a longer one unchecked', async () => {
    const routes = weakGitHubRoutes();
    routes['/api/v3/repos/acme/fleet/keys'] = (_url, _request, hits) => hits === 1
      ? { status: 429, headers: { 'retry-after': '1' }, body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits', status: '429' } }
      : { body: [{ id: 7, key: 'ssh-ed25519 AAAA', url: '', title: 'pusher', verified: true, created_at: '2024-01-01T00:00:00Z', read_only: false, added_by: null, last_used: null, enabled: true }] };
    routes['/api/v3/repos/acme/fleet/teams'] = (_url, _request, hits) => hits === 1
      ? { status: 403, headers: { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '5000', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000)) }, body: { message: 'API rate limit exceeded for user ID 1.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api', status: '403' } }
      : { body: [] };
    routes['/api/v3/repos/acme/fleet/hooks'] = { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600) }, body: { message: 'API rate limit exceeded for user ID 1.', status: '403' } };
    const started = Date.now();
    const { code, report, stderr } = await forge(await github(routes));
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(report.findings.some((finding) => finding.message.includes('"pusher"'))).toBe(true);
    expect(code).toBe(2);
    expect(stderr).toMatch(/webhooks .*rate limited by 127\.0\.0\.1:\d+: the limit resets in \d+ s/);
  });

  it('falls back to branch protection alone on a GHES without rulesets (404), and reads the older tag protection', async () => {
    const routes = weakGitHubRoutes();
    delete routes['/api/v3/repos/acme/fleet/rules/branches/main'];
    delete routes['/api/v3/repos/acme/fleet/rulesets'];
    routes['/api/v3/repos/acme/fleet/tags/protection'] = { body: [{ id: 2, pattern: 'v1.*', created_at: '2011-01-26T19:01:12Z', updated_at: '2011-01-26T19:01:12Z', enabled: true }] };
    const { report } = await forge(await github(routes));
    expect(report.complete, JSON.stringify(report.diagnostics)).toBe(true);
    expect(ids(report)).toContain('branch-force-push-allowed');
  });

  it('says plainly when there is no token, and checks nothing', async () => {
    vi.stubEnv('GH_ENTERPRISE_TOKEN', '');
    const server = await github(weakGitHubRoutes());
    const { code, stderr } = await forge(server);
    expect(code).toBe(2);
    expect(stderr).toContain('no token for 127.0.0.1');
    expect(server.requests).toEqual([]);
  });
});

describe('rampart forge on GitLab (API v4 over HTTP on loopback)', () => {
  it('reads protected branches, approvals, push rules and deploy keys across X-Next-Page pages, and names a missing scope', async () => {
    vi.stubEnv('GITLAB_TOKEN', 'test-token');
    let base = '';
    const server = await startFakeForge(weakGitLabRoutes(() => base));
    servers.push(server);
    base = server.url;
    const { code, stdout, stderr } = await runCli(['forge', `${server.url}/platform/fleet`, '--forge-type', 'gitlab', '-f', 'json']);
    const report = JSON.parse(stdout) as JsonReport;
    // code-owner review is not reported where pushes skip merge requests altogether
    expect(ids(report)).toEqual([
      'branch-force-push-allowed',
      'branch-protection-bypass',
      'branch-review-not-required',
      'branch-signatures-not-required',
      'branch-status-checks-not-required',
      'deploy-key-write-access',
      'repository-admin-access',
      'secret-scanning-disabled',
      'tag-protection-missing',
    ]);
    expect(report.findings.find((finding) => finding.ruleId === 'branch-review-not-required')?.message).toBe('The branch main (default branch) can be pushed to directly by Developers + Maintainers (protected branch main): no merge request or review is needed.');
    expect(report.findings.find((finding) => finding.ruleId === 'deploy-key-write-access')?.message).toBe('Deploy key "image-updater" (id 8) has write access.');
    expect(report.findings.find((finding) => finding.ruleId === 'branch-signatures-not-required')?.location.path).toBe(`${server.url}/platform/fleet/-/settings/repository#js-push-rules`);
    expect(server.requests.every((request) => request.url.startsWith('/api/v4/projects/platform%2Ffleet'))).toBe(true);
    expect(code).toBe(2);
    expect(stderr).toContain('lacks the scope api or read_api (GitLab: insufficient_scope)');
  });

  it('checks a branch a wildcard protects, with the stale-approval setting it shares', async () => {
    vi.stubEnv('GITLAB_TOKEN', 'test-token');
    let base = '';
    const routes = weakGitLabRoutes(() => base);
    delete routes['/api/v4/projects/platform/fleet/hooks'];
    routes['/api/v4/projects/platform/fleet/hooks'] = { body: [{ id: 4, url: 'http://10.0.0.5/hook', push_events: true, enable_ssl_verification: false }] };
    const server = await startFakeForge(routes);
    servers.push(server);
    base = server.url;
    const { code, stdout } = await runCli(['forge', `${server.url}/platform/fleet`, '--forge-type', 'gitlab', '-f', 'json', '-b', 'release/2.0']);
    const report = JSON.parse(stdout) as JsonReport;
    expect(code).toBe(1);
    expect(ids(report).filter((id) => id.startsWith('branch-'))).toEqual(['branch-protection-bypass', 'branch-signatures-not-required', 'branch-stale-approval-kept', 'branch-status-checks-not-required']);
    expect(ids(report)).toContain('webhook-ssl-verification-disabled');
  });
});

describe('rampart scan --forge', () => {
  it('checks the branches the checkout\'s Applications and GitRepositories deploy from this repository', async () => {
    const server = await github(weakGitHubRoutes());
    for (const name of ['release', 'staging']) {
      server.routes.set(`/api/v3/repos/acme/fleet/branches/${name}`, { body: githubBranch(name, false) });
      server.routes.set(`/api/v3/repos/acme/fleet/branches/${name}/protection`, BRANCH_NOT_PROTECTED);
      server.routes.set(`/api/v3/repos/acme/fleet/rules/branches/${name}`, { body: [] });
    }
    const checkout = await mkdtemp(path.join(scratch, 'checkout-'));
    await writeFile(path.join(checkout, 'apps.yaml'), [
      'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: web, namespace: argocd}\nspec:\n  project: web\n  source:\n    repoURL: ' + `${server.url}/acme/fleet.git` + '\n    path: apps/web\n    targetRevision: release\n',
      'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: tagged, namespace: argocd}\nspec:\n  project: web\n  source:\n    repoURL: ' + `${server.url}/acme/fleet` + '\n    path: apps/web\n    targetRevision: v1.2.3\n',
      'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: other, namespace: argocd}\nspec:\n  project: web\n  source:\n    repoURL: https://github.com/someone/else\n    path: x\n    targetRevision: develop\n',
      'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: flux-system, namespace: flux-system}\nspec:\n  url: ssh://git@127.0.0.1/acme/fleet\n  ref:\n    branch: staging\n',
    ].join('---\n'));
    const { code, stdout } = await runCli(['scan', checkout, '--forge', `${server.url}/acme/fleet`, '--forge-type', 'github', '--ca-file', caFile, '-f', 'json', '-r', 'branch-protection-missing']);
    const report = JSON.parse(stdout) as JsonReport;
    expect(code).toBe(1);
    expect(report.findings.map((finding) => finding.message).sort()).toEqual([
      'The branch release (deployed by Application/web source targetRevision release (apps.yaml)) has no protection: anyone with write access can push, force-push or delete it.',
      'The branch staging (deployed by GitRepository/flux-system spec.ref (apps.yaml)) has no protection: anyone with write access can push, force-push or delete it.',
    ]);
    expect(server.requests.some((request) => request.url.includes('/branches/develop'))).toBe(false);
    expect(server.requests.some((request) => request.url.includes('/branches/main'))).toBe(false);
  });
});
