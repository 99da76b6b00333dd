import { asRecord, asString, messageOf, SettingsReader } from './read-settings.js';
import type { AccessGrant, ActionsSettings, BranchPolicy, BranchSettings, DeployKey, ForgeSnapshot, SecretScanningSettings, TagSettings, Webhook } from './snapshot.js';
import { resolveWanted, type WantedBranch } from './deploy-branches.js';

const ADMIN = { scope: 'repo', permission: 'Administration: read' } as const;
const READ = { scope: 'repo (public_repo for public repositories)', permission: 'Metadata: read' } as const;
const ACTIONS = { scope: 'repo', permission: 'Administration: read' } as const;
const HOOKS = { scope: 'admin:repo_hook or read:repo_hook', permission: 'Webhooks: read' } as const;

/** Reads a GitHub (github.com or GHES) repository's settings for the given branches (none: the default branch). */
export async function collectGitHub(reader: SettingsReader, wanted: readonly WantedBranch[]): Promise<ForgeSnapshot> {
  const { target } = reader;
  const repoPath = `/repos/${target.path}`;
  const web = target.webUrl;
  const repository = await reader.read(repoPath, 'the repository', web, READ);
  if (!repository) return { kind: 'github', repository: target.path, webUrl: web, branches: [], unchecked: reader.unchecked };
  const repo = asRecord(repository.body);
  const defaultBranch = asString(repo['default_branch']);
  const branches = resolveWanted(wanted, defaultBranch);
  const [branchSettings, tags, deployKeys, access, actions, webhooks] = await Promise.all([
    Promise.all(branches.map((branch) => readBranch(reader, branch))),
    readTagProtection(reader),
    readDeployKeys(reader),
    readAccess(reader),
    readActions(reader, repo),
    readWebhooks(reader),
  ]);
  return {
    kind: 'github',
    repository: target.path,
    webUrl: web,
    branches: branchSettings,
    ...(tags ? { tags } : {}),
    ...(deployKeys ? { deployKeys } : {}),
    ...(access ? { access } : {}),
    ...(actions ? { actions } : {}),
    ...secretScanningOf(reader, repo),
    ...(webhooks ? { webhooks } : {}),
    unchecked: reader.unchecked,
  };
}

async function readBranch(reader: SettingsReader, branch: WantedBranch): Promise<BranchSettings> {
  const repoPath = `/repos/${reader.target.path}`;
  const page = `${reader.target.webUrl}/settings/branches`;
  const name = encodeURIComponent(branch.name);
  const base = { name: branch.name, reason: branch.reason, settingsUrl: page };
  const exists = await reader.read(`${repoPath}/branches/${name}`, `branch ${branch.name}`, page, READ, [200, 404]);
  if (!exists) return base;
  if (exists.status === 404) {
    reader.note(page, `branch ${branch.name}`, `the repository has no branch ${branch.name} (${branch.reason})`);
    return base;
  }
  const [protection, rules] = await Promise.all([
    reader.read(`${repoPath}/branches/${name}/protection`, `branch protection of ${branch.name}`, page, ADMIN, [200, 404]),
    reader.read(`${repoPath}/rules/branches/${name}?per_page=100`, `rulesets of ${branch.name}`, `${reader.target.webUrl}/settings/rules`, READ, [200, 404]),
  ]);
  // 404 "Branch not protected" is an answer; any other 404 hides a setting the token may not see
  const protectionKnown = protection !== undefined && (protection.status === 200 || messageOf(protection) === 'Branch not protected');
  if (protection && !protectionKnown) reader.refused(protection, `branch protection of ${branch.name}`, page, ADMIN);
  // GHES before 3.9 has no rulesets: its branches have protection rules only
  const ruleList = rules?.status === 200 && Array.isArray(rules.body) ? rules.body : rules?.status === 404 ? [] : undefined;
  if (!protectionKnown) return base;
  const classic = protection.status === 200 ? classicPolicy(asRecord(protection.body)) : undefined;
  const ruleset = ruleList ? await rulesetPolicy(reader, ruleList) : undefined;
  if (ruleList === undefined) return { ...base, policy: classic ?? unprotected() };
  return { ...base, policy: mergePolicies(classic, ruleset) };
}

function unprotected(): BranchPolicy {
  return { protected: false, sources: [] };
}

/** The classic protection answer (`protected-branch` in GitHub's OpenAPI description). */
function classicPolicy(body: Record<string, unknown>): BranchPolicy {
  const enabled = (key: string): boolean => asRecord(body[key])['enabled'] === true;
  const reviews = body['required_pull_request_reviews'] === undefined ? undefined : asRecord(body['required_pull_request_reviews']);
  const bypass: string[] = [];
  if (!enabled('enforce_admins')) bypass.push('repository administrators (branch protection does not include administrators)');
  const allowances = asRecord(reviews?.['bypass_pull_request_allowances']);
  for (const [kind, key] of [['user', 'login'], ['team', 'slug'], ['app', 'slug']] as const) {
    for (const actor of Array.isArray(allowances[`${kind}s`]) ? allowances[`${kind}s`] as unknown[] : []) {
      bypass.push(`${kind} ${asString(asRecord(actor)[key]) ?? '?'} may skip pull requests`);
    }
  }
  const checks = asRecord(body['required_status_checks']);
  const contexts = [...(Array.isArray(checks['contexts']) ? checks['contexts'] : []), ...(Array.isArray(checks['checks']) ? checks['checks'] : [])];
  return {
    protected: true,
    sources: ['branch protection'],
    pullRequestRequired: reviews !== undefined,
    requiredApprovals: reviews ? Number(reviews['required_approving_review_count'] ?? 0) : 0,
    dismissStaleApprovals: reviews?.['dismiss_stale_reviews'] === true,
    codeOwnerReview: reviews?.['require_code_owner_reviews'] === true,
    statusChecksRequired: contexts.length > 0,
    signaturesRequired: enabled('required_signatures'),
    forcePushAllowed: enabled('allow_force_pushes'),
    deletionAllowed: enabled('allow_deletions'),
    bypass,
  };
}

/** The active rules of a branch (`/rules/branches/{branch}`, `repository-rule-detailed` items), with their rulesets' bypass actors. */
async function rulesetPolicy(reader: SettingsReader, rules: readonly unknown[]): Promise<BranchPolicy | undefined> {
  if (rules.length === 0) return undefined;
  const byType = new Map<string, Record<string, unknown>[]>();
  const rulesets = new Map<string, string>();
  for (const item of rules) {
    const rule = asRecord(item);
    const type = asString(rule['type']) ?? '';
    byType.set(type, [...(byType.get(type) ?? []), asRecord(rule['parameters'])]);
    const id = asString(rule['ruleset_id']);
    if (id) rulesets.set(id, `ruleset ${id} (${asString(rule['ruleset_source_type']) ?? 'Repository'} ${asString(rule['ruleset_source']) ?? ''})`.replace(/ \)$/, ')'));
  }
  const pullRequests = byType.get('pull_request') ?? [];
  const bypass: string[] = [];
  let bypassKnown = true;
  for (const id of rulesets.keys()) {
    const answer = await reader.read(`/repos/${reader.target.path}/rulesets/${id}?includes_parents=true`, `bypass list of ruleset ${id}`, `${reader.target.webUrl}/settings/rules/${id}`, ADMIN);
    if (!answer) {
      bypassKnown = false;
      continue;
    }
    const ruleset = asRecord(answer.body);
    const name = asString(ruleset['name']);
    if (name) rulesets.set(id, `ruleset "${name}"`);
    for (const actor of Array.isArray(ruleset['bypass_actors']) ? ruleset['bypass_actors'] : []) {
      const entry = asRecord(actor);
      const mode = asString(entry['bypass_mode']) ?? 'always';
      bypass.push(`${asString(entry['actor_type']) ?? 'actor'}${entry['actor_id'] !== null && entry['actor_id'] !== undefined ? ` ${asString(entry['actor_id'])}` : ''} (${mode === 'pull_request' ? 'through pull requests' : 'always'}, ruleset "${name ?? id}")`);
    }
  }
  return {
    protected: true,
    sources: [...rulesets.values()],
    pullRequestRequired: pullRequests.length > 0,
    requiredApprovals: Math.max(0, ...pullRequests.map((parameters) => Number(parameters['required_approving_review_count'] ?? 0))),
    dismissStaleApprovals: pullRequests.some((parameters) => parameters['dismiss_stale_reviews_on_push'] === true),
    codeOwnerReview: pullRequests.some((parameters) => parameters['require_code_owner_review'] === true),
    statusChecksRequired: (byType.get('required_status_checks') ?? []).some((parameters) => Array.isArray(parameters['required_status_checks']) && parameters['required_status_checks'].length > 0),
    signaturesRequired: byType.has('required_signatures'),
    forcePushAllowed: !byType.has('non_fast_forward'),
    deletionAllowed: !byType.has('deletion'),
    ...(bypassKnown ? { bypass } : {}),
  };
}

/** Branch protection and rulesets both apply: the stricter value of each setting wins; bypasses add up. */
function mergePolicies(classic: BranchPolicy | undefined, ruleset: BranchPolicy | undefined): BranchPolicy {
  if (!classic) return ruleset ?? unprotected();
  if (!ruleset) return classic;
  return {
    protected: true,
    sources: [...classic.sources, ...ruleset.sources],
    pullRequestRequired: classic.pullRequestRequired === true || ruleset.pullRequestRequired === true,
    requiredApprovals: Math.max(classic.requiredApprovals ?? 0, ruleset.requiredApprovals ?? 0),
    dismissStaleApprovals: classic.dismissStaleApprovals === true || ruleset.dismissStaleApprovals === true,
    codeOwnerReview: classic.codeOwnerReview === true || ruleset.codeOwnerReview === true,
    statusChecksRequired: classic.statusChecksRequired === true || ruleset.statusChecksRequired === true,
    signaturesRequired: classic.signaturesRequired === true || ruleset.signaturesRequired === true,
    forcePushAllowed: classic.forcePushAllowed === true && ruleset.forcePushAllowed === true,
    deletionAllowed: classic.deletionAllowed === true && ruleset.deletionAllowed === true,
    ...(ruleset.bypass ? { bypass: [...(classic.bypass ?? []), ...ruleset.bypass] } : {}),
  };
}

/** Tag rulesets (`target: tag`); GHES without rulesets: the older tag protection API. */
async function readTagProtection(reader: SettingsReader): Promise<TagSettings | undefined> {
  const page = `${reader.target.webUrl}/settings/rules`;
  const repoPath = `/repos/${reader.target.path}`;
  const answer = await reader.read(`${repoPath}/rulesets?includes_parents=true&targets=tag&per_page=100`, 'tag rulesets', page, READ, [200, 404]);
  if (!answer) return undefined;
  if (answer.status === 404) {
    const legacy = await reader.list(`${repoPath}/tags/protection`, 'tag protection', `${reader.target.webUrl}/settings/tag_protection`, ADMIN);
    return legacy ? { url: `${reader.target.webUrl}/settings/tag_protection`, protections: legacy.map((item) => `tag pattern ${asString(asRecord(item)['pattern']) ?? '?'}`) } : undefined;
  }
  const rulesets = (Array.isArray(answer.body) ? answer.body : []).map(asRecord)
    .filter((ruleset) => (ruleset['target'] ?? 'tag') === 'tag' && ruleset['enforcement'] === 'active');
  return { url: page, protections: rulesets.map((ruleset) => `ruleset "${asString(ruleset['name']) ?? asString(ruleset['id']) ?? '?'}"`) };
}

async function readDeployKeys(reader: SettingsReader): Promise<DeployKey[] | undefined> {
  const page = `${reader.target.webUrl}/settings/keys`;
  const keys = await reader.list(`/repos/${reader.target.path}/keys`, 'deploy keys', page, ADMIN);
  return keys?.map(asRecord).filter((key) => key['enabled'] !== false).map((key) => ({
    id: asString(key['id']) ?? '?',
    title: asString(key['title']) ?? '(untitled)',
    writable: key['read_only'] === false,
    url: page,
    ...(asString(key['last_used']) ? { lastUsed: asString(key['last_used'])! } : {}),
  }));
}

const PRIVILEGED = new Set(['admin', 'maintain']);

async function readAccess(reader: SettingsReader): Promise<AccessGrant[] | undefined> {
  const page = `${reader.target.webUrl}/settings/access`;
  const repoPath = `/repos/${reader.target.path}`;
  const [direct, outside, teams] = await Promise.all([
    reader.list(`${repoPath}/collaborators?affiliation=direct`, 'collaborators', page, { scope: 'repo', permission: 'Metadata: read' }),
    reader.list(`${repoPath}/collaborators?affiliation=outside`, 'outside collaborators', page, { scope: 'repo', permission: 'Metadata: read' }),
    reader.list(`${repoPath}/teams`, 'teams', page, ADMIN),
  ]);
  if (!direct && !outside && !teams) return undefined;
  const outsiders = new Set((outside ?? []).map((user) => asString(asRecord(user)['login'])));
  const grants: AccessGrant[] = [];
  for (const item of [...(direct ?? []), ...(outside ?? []).filter((user) => !(direct ?? []).some((known) => asRecord(known)['login'] === asRecord(user)['login']))]) {
    const user = asRecord(item);
    const login = asString(user['login']) ?? '?';
    const role = collaboratorRole(user);
    grants.push({ who: `user ${login}`, role, privileged: PRIVILEGED.has(role), outside: outsiders.has(login), url: page });
  }
  for (const item of teams ?? []) {
    const team = asRecord(item);
    const role = teamRole(asString(team['permission']) ?? 'pull');
    grants.push({ who: `team ${asString(team['slug']) ?? asString(team['name']) ?? '?'}`, role, privileged: PRIVILEGED.has(role), outside: false, url: page });
  }
  return grants;
}

/** `role_name` (admin, maintain, write, triage, read) or, on older servers, the `permissions` booleans. */
function collaboratorRole(user: Record<string, unknown>): string {
  const named = asString(user['role_name']);
  if (named) return named;
  const permissions = asRecord(user['permissions']);
  for (const [key, role] of [['admin', 'admin'], ['maintain', 'maintain'], ['push', 'write'], ['triage', 'triage']] as const) {
    if (permissions[key] === true) return role;
  }
  return 'read';
}

function teamRole(permission: string): string {
  return ({ push: 'write', pull: 'read' } as Record<string, string>)[permission] ?? permission;
}

async function readActions(reader: SettingsReader, repo: Record<string, unknown>): Promise<ActionsSettings | undefined> {
  const page = `${reader.target.webUrl}/settings/actions`;
  const base = `/repos/${reader.target.path}/actions/permissions`;
  const [permissions, workflow, fork] = await Promise.all([
    reader.read(base, 'Actions permissions', page, ACTIONS),
    reader.read(`${base}/workflow`, 'Actions workflow permissions', page, ACTIONS),
    // fork pull request approval exists for public repositories only (private ones answer 422); GHES may not have it (404)
    repo['private'] === true ? Promise.resolve(undefined) : reader.read(`${base}/fork-pr-contributor-approval`, 'fork pull request approval', page, ACTIONS, [200, 404, 422]),
  ]);
  if (!permissions && !workflow && !fork) return undefined;
  const allowed = asRecord(permissions?.body);
  const token = asRecord(workflow?.body);
  const approval = fork?.status === 200 ? asString(asRecord(fork.body)['approval_policy']) : undefined;
  const defaultPermissions = asString(token['default_workflow_permissions']);
  return {
    url: page,
    ...(permissions ? { enabled: allowed['enabled'] === true } : {}),
    ...(asString(allowed['allowed_actions']) ? { allowedActions: asString(allowed['allowed_actions'])! } : {}),
    ...(defaultPermissions === 'read' || defaultPermissions === 'write' ? { defaultTokenPermissions: defaultPermissions } : {}),
    ...(typeof token['can_approve_pull_request_reviews'] === 'boolean' ? { canApprovePullRequests: token['can_approve_pull_request_reviews'] } : {}),
    ...(approval ? { forkApprovalPolicy: approval } : {}),
  };
}

/** `security_and_analysis` of the repository answer: GitHub includes it only for tokens with admin rights. */
function secretScanningOf(reader: SettingsReader, repo: Record<string, unknown>): { secretScanning?: SecretScanningSettings } {
  const page = `${reader.target.webUrl}/settings/security_analysis`;
  const analysis = repo['security_and_analysis'];
  if (analysis === undefined || analysis === null) {
    reader.note(page, 'secret scanning', `the repository answer has no security_and_analysis: GitHub shows it only to tokens with admin access (classic scope ${ADMIN.scope}, fine-grained permission ${ADMIN.permission})`);
    return {};
  }
  const status = (key: string): boolean | undefined => {
    const value = asString(asRecord(asRecord(analysis)[key])['status']);
    return value === undefined ? undefined : value === 'enabled';
  };
  const scanning = status('secret_scanning');
  const pushProtection = status('secret_scanning_push_protection');
  return { secretScanning: { url: page, ...(scanning !== undefined ? { scanning } : {}), ...(pushProtection !== undefined ? { pushProtection } : {}) } };
}

async function readWebhooks(reader: SettingsReader): Promise<Webhook[] | undefined> {
  const hooks = await reader.list(`/repos/${reader.target.path}/hooks`, 'webhooks', `${reader.target.webUrl}/settings/hooks`, HOOKS);
  return hooks?.map(asRecord).map((hook) => {
    const config = asRecord(hook['config']);
    const id = asString(hook['id']) ?? '?';
    return {
      id,
      target: hostOnly(asString(config['url'])),
      sslVerification: String(config['insecure_ssl'] ?? '0') !== '1',
      active: hook['active'] !== false,
      url: `${reader.target.webUrl}/settings/hooks/${id}`,
    };
  });
}

export function hostOnly(url: string | undefined): string {
  if (!url) return '(no URL)';
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '(unparsable URL)';
  }
}
