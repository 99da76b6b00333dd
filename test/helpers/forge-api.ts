/**
 * Loopback stand-ins for the GitHub and GitLab REST APIs. Every body is written in the shape the
 * forges publish: GitHub's OpenAPI description (github/rest-api-description: `full-repository`,
 * `short-branch`, `protected-branch`, `repository-rule-detailed`, `repository-ruleset`,
 * `deploy-key`, `collaborator`, `team`, `actions-repository-permissions`,
 * `actions-get-default-workflow-permissions`, `hook`, `basic-error`) and GitLab's API docs
 * (projects, protected_branches, approval_rules, approvals, push_rule, deploy_keys, members,
 * hooks, protected_tags). Routes answer by path; a route may be a function of the request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startServer, type TestServer } from './http-servers.js';

export interface Reply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

export type Route = Reply | ((url: URL, request: IncomingMessage, hits: number) => Reply);

export interface FakeForge extends TestServer {
  readonly routes: Map<string, Route>;
}

/** A forge API on 127.0.0.1: `routes` maps a path (no query) to its reply; anything else is a 404 `Not Found`. */
export async function startFakeForge(routes: Record<string, Route>, tls?: { key: string; cert: string }, token = 'test-token'): Promise<FakeForge> {
  const table = new Map(Object.entries(routes));
  const hits = new Map<string, number>();
  const server = await startServer((request: IncomingMessage, response: ServerResponse, self) => {
    const url = new URL(request.url ?? '/', self.url);
    const authorised = request.headers.authorization === `Bearer ${token}` || request.headers['private-token'] === token;
    const key = decodeURIComponent(url.pathname);
    const count = (hits.get(key) ?? 0) + 1;
    hits.set(key, count);
    const route = table.get(key);
    const reply: Reply = !authorised ? { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' } }
      : route === undefined ? { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' } }
      : typeof route === 'function' ? route(url, request, count) : route;
    response.statusCode = reply.status ?? 200;
    response.setHeader('content-type', 'application/json; charset=utf-8');
    for (const [name, value] of Object.entries(reply.headers ?? {})) response.setHeader(name, value);
    response.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
  }, tls);
  return Object.assign(server, { routes: table });
}

const api = 'https://api.github.com/repos/acme/fleet';

/** `full-repository`: the fields Rampart reads, with `security_and_analysis` as GitHub shows it to admins. */
export function githubRepository(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 1296269, node_id: 'MDEwOlJlcG9zaXRvcnkxMjk2MjY5', name: 'fleet', full_name: 'acme/fleet', private: false,
    owner: { login: 'acme', id: 1, type: 'Organization' }, html_url: 'https://github.com/acme/fleet', url: api,
    default_branch: 'main', visibility: 'public',
    permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
    security_and_analysis: {
      advanced_security: { status: 'enabled' },
      secret_scanning: { status: 'enabled' },
      secret_scanning_push_protection: { status: 'disabled' },
    },
    ...overrides,
  };
}

/** `branch-with-protection` */
export function githubBranch(name: string, isProtected: boolean): Record<string, unknown> {
  return {
    name,
    commit: { sha: '7fd1a60b01f91b314f59955a4e4d4e80d8edf11d', url: `${api}/commits/7fd1a60b01f91b314f59955a4e4d4e80d8edf11d` },
    _links: { html: `https://github.com/acme/fleet/tree/${name}`, self: `${api}/branches/${name}` },
    protected: isProtected,
    protection: { enabled: isProtected, required_status_checks: { enforcement_level: 'off', contexts: [] } },
    protection_url: `${api}/branches/${name}/protection`,
  };
}

/** `protected-branch`: a weak protection (no pull requests, admins exempt, force pushes allowed). */
export function weakProtection(branch: string): Record<string, unknown> {
  const url = `${api}/branches/${branch}/protection`;
  return {
    url,
    required_status_checks: { url: `${url}/required_status_checks`, strict: false, contexts: [], contexts_url: `${url}/required_status_checks/contexts`, checks: [] },
    required_signatures: { url: `${url}/required_signatures`, enabled: false },
    enforce_admins: { url: `${url}/enforce_admins`, enabled: false },
    required_linear_history: { enabled: false },
    allow_force_pushes: { enabled: true },
    allow_deletions: { enabled: true },
    block_creations: { enabled: false },
    required_conversation_resolution: { enabled: false },
    lock_branch: { enabled: false },
    allow_fork_syncing: { enabled: false },
  };
}

/** `protected-branch`: everything a deploy branch should have. */
export function strongProtection(branch: string): Record<string, unknown> {
  const url = `${api}/branches/${branch}/protection`;
  return {
    url,
    required_status_checks: { url: `${url}/required_status_checks`, strict: true, contexts: ['ci/test'], contexts_url: `${url}/required_status_checks/contexts`, checks: [{ context: 'ci/test', app_id: null }] },
    required_pull_request_reviews: {
      url: `${url}/required_pull_request_reviews`,
      dismissal_restrictions: { url: `${url}/dismissal_restrictions`, users_url: `${url}/dismissal_restrictions/users`, teams_url: `${url}/dismissal_restrictions/teams`, users: [], teams: [], apps: [] },
      dismiss_stale_reviews: true,
      require_code_owner_reviews: true,
      required_approving_review_count: 2,
      require_last_push_approval: true,
    },
    required_signatures: { url: `${url}/required_signatures`, enabled: true },
    enforce_admins: { url: `${url}/enforce_admins`, enabled: true },
    required_linear_history: { enabled: true },
    allow_force_pushes: { enabled: false },
    allow_deletions: { enabled: false },
    block_creations: { enabled: false },
    required_conversation_resolution: { enabled: true },
    lock_branch: { enabled: false },
    allow_fork_syncing: { enabled: false },
  };
}

export const BRANCH_NOT_PROTECTED: Reply = { status: 404, body: { message: 'Branch not protected', documentation_url: 'https://docs.github.com/rest/branches/branch-protection#get-branch-protection', status: '404' } };

/** `repository-rule-detailed` items of one active repository ruleset. */
export function rulesetRules(id: number, types: ReadonlyArray<string | { type: string; parameters: Record<string, unknown> }>): Record<string, unknown>[] {
  return types.map((rule) => ({
    ...(typeof rule === 'string' ? { type: rule } : rule),
    ruleset_source_type: 'Repository',
    ruleset_source: 'acme/fleet',
    ruleset_id: id,
  }));
}

/** `repository-ruleset` */
export function ruleset(id: number, name: string, target: 'branch' | 'tag', bypassActors: Record<string, unknown>[] = []): Record<string, unknown> {
  return {
    id, name, target, source_type: 'Repository', source: 'acme/fleet', enforcement: 'active',
    bypass_actors: bypassActors,
    current_user_can_bypass: 'never',
    node_id: 'RRS_lACqUmVwb3NpdG9yec4AAAAB',
    _links: { self: { href: `${api}/rulesets/${id}` }, html: { href: `https://github.com/acme/fleet/rules/${id}` } },
    conditions: { ref_name: { include: target === 'tag' ? ['refs/tags/v*'] : ['~DEFAULT_BRANCH'], exclude: [] } },
    rules: [],
    created_at: '2024-01-01T00:00:00.000Z', updated_at: '2024-01-01T00:00:00.000Z',
  };
}

/** `deploy-key` */
export function deployKey(id: number, title: string, readOnly: boolean): Record<string, unknown> {
  return { id, key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKfB2Y7h', url: `${api}/keys/${id}`, title, verified: true, created_at: '2024-01-01T00:00:00Z', read_only: readOnly, added_by: 'octocat', last_used: null, enabled: true };
}

/** `collaborator` */
export function collaborator(login: string, roleName: string): Record<string, unknown> {
  return {
    login, id: login.length, node_id: 'MDQ6VXNlcjE=', type: 'User', site_admin: false, url: `https://api.github.com/users/${login}`,
    permissions: { pull: true, triage: roleName !== 'read', push: ['write', 'maintain', 'admin'].includes(roleName), maintain: ['maintain', 'admin'].includes(roleName), admin: roleName === 'admin' },
    role_name: roleName,
  };
}

/** `team` (as listed by /repos/{owner}/{repo}/teams) */
export function team(slug: string, permission: string): Record<string, unknown> {
  return { id: slug.length, node_id: 'MDQ6VGVhbTE=', url: `https://api.github.com/teams/${slug.length}`, name: slug, slug, description: null, privacy: 'closed', notification_setting: 'notifications_enabled', permission, members_url: '', repositories_url: '', parent: null };
}

/** `hook` */
export function hook(id: number, url: string, insecureSsl: '0' | '1'): Record<string, unknown> {
  return {
    type: 'Repository', id, name: 'web', active: true, events: ['push', 'pull_request'],
    config: { content_type: 'json', insecure_ssl: insecureSsl, url },
    updated_at: '2024-01-01T00:00:00Z', created_at: '2024-01-01T00:00:00Z', url: `${api}/hooks/${id}`, test_url: `${api}/hooks/${id}/test`, ping_url: `${api}/hooks/${id}/pings`, deliveries_url: `${api}/hooks/${id}/deliveries`,
    last_response: { code: 200, status: 'active', message: 'OK' },
  };
}

/** A GitHub `basic-error` 403 for a fine-grained token without the permission, with the header GitHub sends. */
export function forbiddenFineGrained(permission: string): Reply {
  return {
    status: 403,
    headers: { 'x-accepted-github-permissions': permission, 'x-github-media-type': 'github.v3; format=json' },
    body: { message: 'Resource not accessible by personal access token', documentation_url: 'https://docs.github.com/rest/branches/branch-protection#get-branch-protection', status: '403' },
  };
}

/** The repository settings of a weakly guarded GitHub repository, route by route. */
export function weakGitHubRoutes(): Record<string, Route> {
  const repo = '/api/v3/repos/acme/fleet';
  return {
    [repo]: { body: githubRepository() },
    [`${repo}/branches/main`]: { body: githubBranch('main', true) },
    [`${repo}/branches/main/protection`]: { body: weakProtection('main') },
    [`${repo}/rules/branches/main`]: { body: [] },
    [`${repo}/rulesets`]: { body: [] },
    [`${repo}/keys`]: { body: [deployKey(1, 'argocd', true), deployKey(2, 'image-updater', false)] },
    [`${repo}/collaborators`]: (url) => ({ body: url.searchParams.get('affiliation') === 'outside' ? [collaborator('contractor', 'write')] : [collaborator('alice', 'admin'), collaborator('contractor', 'write')] }),
    [`${repo}/teams`]: { body: [team('platform', 'maintain'), team('developers', 'push')] },
    [`${repo}/actions/permissions`]: { body: { enabled: true, allowed_actions: 'all', selected_actions_url: `${api}/actions/permissions/selected-actions` } },
    [`${repo}/actions/permissions/workflow`]: { body: { default_workflow_permissions: 'write', can_approve_pull_request_reviews: true } },
    [`${repo}/actions/permissions/fork-pr-contributor-approval`]: { body: { approval_policy: 'first_time_contributors_new_to_github' } },
    [`${repo}/hooks`]: { body: [hook(1, 'https://ci.example.com/hooks/github?token=s3cr3t', '1'), hook(2, 'https://chat.example.com/hook', '0')] },
  };
}

/** GitLab access level entry of a protected branch (`push_access_levels`, `merge_access_levels`). */
function gitlabAccess(level: number, description: string): Record<string, unknown> {
  return { id: level + 1, access_level: level, access_level_description: description, user_id: null, group_id: null, deploy_key_id: null };
}

/** A GitLab project (API v4) whose settings let changes through: routes under `/api/v4`. */
export function weakGitLabRoutes(base: () => string): Record<string, Route> {
  const project = '/api/v4/projects/platform/fleet';
  const web = (): string => `${base()}/platform/fleet`;
  return {
    [project]: () => ({ body: { id: 3, description: null, name: 'fleet', path: 'fleet', path_with_namespace: 'platform/fleet', default_branch: 'main', visibility: 'private', web_url: web(), only_allow_merge_if_pipeline_succeeds: false, merge_method: 'merge', secret_push_protection_enabled: false } }),
    [`${project}/protected_branches`]: { body: [
      { id: 1, name: 'main', push_access_levels: [gitlabAccess(30, 'Developers + Maintainers')], merge_access_levels: [gitlabAccess(40, 'Maintainers')], unprotect_access_levels: [], allow_force_push: true, code_owner_approval_required: false },
      { id: 2, name: 'release/*', push_access_levels: [gitlabAccess(0, 'No one')], merge_access_levels: [gitlabAccess(40, 'Maintainers')], unprotect_access_levels: [], allow_force_push: false, code_owner_approval_required: true },
    ] },
    [`${project}/approval_rules`]: { body: [
      { id: 1, name: 'All Members', rule_type: 'any_approver', eligible_approvers: [], approvals_required: 1, users: [], groups: [], contains_hidden_groups: false, protected_branches: [], applies_to_all_protected_branches: false },
    ] },
    [`${project}/approvals`]: { body: { approvers: [], approver_groups: [], approvals_before_merge: 1, reset_approvals_on_push: false, selective_code_owner_removals: false, disable_overriding_approvers_per_merge_request: false, merge_requests_author_approval: true, merge_requests_disable_committers_approval: false, require_password_to_approve: false } },
    [`${project}/push_rule`]: { body: { id: 1, project_id: 3, commit_message_regex: '', commit_message_negative_regex: '', branch_name_regex: '', deny_delete_tag: false, created_at: '2024-01-01T00:00:00Z', member_check: false, prevent_secrets: false, author_email_regex: '', file_name_regex: '', max_file_size: 0, commit_committer_check: false, commit_committer_name_check: false, reject_unsigned_commits: false, reject_non_dco_commits: false } },
    // two pages told apart by X-Next-Page, as GitLab's offset pagination does
    [`${project}/deploy_keys`]: (url) => url.searchParams.get('page') === '2'
      ? { headers: { 'x-page': '2', 'x-per-page': '100', 'x-total-pages': '2', 'x-next-page': '' }, body: [{ id: 8, title: 'image-updater', key: 'ssh-ed25519 AAAA', fingerprint: '4a:9d', created_at: '2024-01-01T00:00:00Z', expires_at: null, can_push: true }] }
      : { headers: { 'x-page': '1', 'x-per-page': '100', 'x-total-pages': '2', 'x-next-page': '2' }, body: [{ id: 7, title: 'argocd', key: 'ssh-ed25519 AAAA', fingerprint: '4a:9c', created_at: '2024-01-01T00:00:00Z', expires_at: null, can_push: false }] },
    [`${project}/protected_tags`]: { body: [] },
    [`${project}/members/all`]: { body: [
      { id: 1, username: 'root', name: 'Administrator', state: 'active', access_level: 50, created_at: '2024-01-01T00:00:00Z', expires_at: null },
      { id: 2, username: 'dev', name: 'Developer', state: 'active', access_level: 30, created_at: '2024-01-01T00:00:00Z', expires_at: null },
    ] },
    [`${project}/hooks`]: { status: 403, body: { error: 'insufficient_scope', error_description: 'The request requires higher privileges than provided by the access token.', scope: 'api read_api' } },
  };
}
