import { resolveWanted, type WantedBranch } from './deploy-branches.js';
import { hostOnly } from './github.js';
import { asRecord, asString, SettingsReader } from './read-settings.js';
import type { AccessGrant, BranchPolicy, BranchSettings, DeployKey, ForgeSnapshot, SecretScanningSettings, TagSettings, Webhook } from './snapshot.js';
import { linearGlob } from '../linear-regexp.js';

const READ = { scope: 'read_api', permission: 'Reporter' } as const;
const MAINTAINER = { scope: 'read_api', permission: 'Maintainer' } as const;
/** GitLab access levels (`access_level` of members and protected branch entries). */
const ROLES: Record<number, string> = { 0: 'No one', 5: 'Minimal access', 10: 'Guest', 15: 'Planner', 20: 'Reporter', 30: 'Developer', 40: 'Maintainer', 50: 'Owner', 60: 'Admin' };

/** Reads a GitLab (gitlab.com or self-managed) project's settings for the given branches (none: the default branch). */
export async function collectGitLab(reader: SettingsReader, wanted: readonly WantedBranch[]): Promise<ForgeSnapshot> {
  const { target } = reader;
  const project = `/projects/${encodeURIComponent(target.path)}`;
  const web = target.webUrl;
  const answer = await reader.read(project, 'the project', web, READ);
  if (!answer) return { kind: 'gitlab', repository: target.path, webUrl: web, branches: [], unchecked: reader.unchecked };
  const info = asRecord(answer.body);
  const repositoryPage = `${web}/-/settings/repository`;
  const [protectedBranches, approvalRules, approvals, pushRule, deployKeys, tags, access, webhooks] = await Promise.all([
    reader.list(`${project}/protected_branches`, 'protected branches', `${repositoryPage}#js-protected-branches-settings`, MAINTAINER),
    // approval rules are GitLab Premium: Free answers 403 or 404, and approvals stay optional there
    reader.read(`${project}/approval_rules?per_page=100`, 'merge request approval rules', `${web}/-/settings/merge_requests`, MAINTAINER, [200, 403, 404]),
    reader.read(`${project}/approvals`, 'merge request approval settings', `${web}/-/settings/merge_requests`, MAINTAINER, [200, 403, 404]),
    reader.read(`${project}/push_rule`, 'push rules', `${repositoryPage}#js-push-rules`, MAINTAINER, [200, 404]),
    readDeployKeys(reader, project, `${repositoryPage}#js-deploy-keys-settings`),
    readProtectedTags(reader, project, `${repositoryPage}#js-protected-tags-settings`),
    readMembers(reader, project, `${web}/-/project_members`),
    readWebhooks(reader, project, `${web}/-/hooks`),
  ]);
  const rules = approvalRules?.status === 200 && Array.isArray(approvalRules.body) ? approvalRules.body.map(asRecord) : approvalRules ? [] : undefined;
  const approvalSettings = approvals?.status === 200 ? asRecord(approvals.body) : approvals ? {} : undefined;
  // no push rule: GitLab answers null (or 404 on Free)
  const push = pushRule ? asRecord(pushRule.status === 200 ? pushRule.body : {}) : undefined;
  const branches = resolveWanted(wanted, asString(info['default_branch'])).map((branch): BranchSettings => {
    const settingsUrl = `${repositoryPage}#js-protected-branches-settings`;
    const base = { name: branch.name, reason: branch.reason, settingsUrl };
    if (!protectedBranches) return base;
    const matching = protectedBranches.map(asRecord).filter((entry) => branchMatches(asString(entry['name']) ?? '', branch.name));
    return { ...base, policy: gitlabPolicy(branch.name, matching, info, rules, approvalSettings, push, web) };
  });
  const secretScanning = secretScanningOf(info, push, `${web}/-/security/configuration`);
  return {
    kind: 'gitlab',
    repository: target.path,
    webUrl: web,
    branches,
    ...(tags ? { tags } : {}),
    ...(deployKeys ? { deployKeys } : {}),
    ...(access ? { access } : {}),
    ...(secretScanning ? { secretScanning } : {}),
    ...(webhooks ? { webhooks } : {}),
    unchecked: reader.unchecked,
  };
}

/** Protected branch names may hold `*` wildcards (`release/*`). */
function branchMatches(pattern: string, branch: string): boolean {
  if (!pattern.includes('*')) return pattern === branch;
  const expression = linearGlob(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return expression.test(branch);
}

function gitlabPolicy(
  branch: string,
  matching: readonly Record<string, unknown>[],
  project: Record<string, unknown>,
  rules: readonly Record<string, unknown>[] | undefined,
  approvals: Record<string, unknown> | undefined,
  push: Record<string, unknown> | undefined,
  web: string,
): BranchPolicy {
  const urls = { approvals: `${web}/-/settings/merge_requests`, signatures: `${web}/-/settings/repository#js-push-rules`, statusChecks: `${web}/-/settings/merge_requests` };
  if (matching.length === 0) return { protected: false, sources: [], urls };
  const pushers = new Set<string>();
  for (const entry of matching) {
    for (const level of Array.isArray(entry['push_access_levels']) ? entry['push_access_levels'] : []) {
      const access = asRecord(level);
      const who = accessEntry(access);
      if (who) pushers.add(who);
    }
  }
  const applicable = rules?.filter((rule) => ruleApplies(rule, branch));
  const requiredApprovals = applicable === undefined ? undefined
    : applicable.length > 0 ? Math.max(0, ...applicable.map((rule) => Number(rule['approvals_required'] ?? 0)))
    : Number(approvals?.['approvals_before_merge'] ?? 0);
  const bypass: string[] = [];
  if (approvals?.['merge_requests_author_approval'] === true) bypass.push('authors may approve their own merge requests');
  if (approvals && approvals['disable_overriding_approvers_per_merge_request'] === false && (requiredApprovals ?? 0) > 0) bypass.push('approval rules can be changed in each merge request');
  return {
    protected: true,
    sources: matching.map((entry) => `protected branch ${asString(entry['name']) ?? branch}`),
    pullRequestRequired: pushers.size === 0,
    directPushers: [...pushers],
    ...(requiredApprovals !== undefined ? { requiredApprovals } : {}),
    ...(approvals && 'reset_approvals_on_push' in approvals ? { dismissStaleApprovals: approvals['reset_approvals_on_push'] === true } : {}),
    ...(matching.some((entry) => 'code_owner_approval_required' in entry) ? { codeOwnerReview: matching.some((entry) => entry['code_owner_approval_required'] === true) } : {}),
    statusChecksRequired: project['only_allow_merge_if_pipeline_succeeds'] === true,
    ...(push ? { signaturesRequired: push['reject_unsigned_commits'] === true } : {}),
    forcePushAllowed: matching.some((entry) => entry['allow_force_push'] === true),
    ...(approvals ? { bypass } : {}),
    urls,
  };
}

/** Who a protected-branch access entry lets in, or nothing for "No one". */
function accessEntry(access: Record<string, unknown>): string | undefined {
  if (access['user_id'] !== null && access['user_id'] !== undefined) return `user ${asString(access['user_id'])}`;
  if (access['group_id'] !== null && access['group_id'] !== undefined) return `group ${asString(access['group_id'])}`;
  if (access['deploy_key_id'] !== null && access['deploy_key_id'] !== undefined) return `deploy key ${asString(access['deploy_key_id'])}`;
  const level = Number(access['access_level'] ?? 0);
  if (level === 0) return undefined;
  return asString(access['access_level_description']) ?? ROLES[level] ?? `access level ${level}`;
}

/** A rule with no branches applies to every branch; otherwise to its protected branches (or all of them). */
function ruleApplies(rule: Record<string, unknown>, branch: string): boolean {
  if (rule['rule_type'] === 'report_approver') return false;
  if (rule['applies_to_all_protected_branches'] === true) return true;
  const branches = Array.isArray(rule['protected_branches']) ? rule['protected_branches'].map(asRecord) : [];
  return branches.length === 0 || branches.some((entry) => branchMatches(asString(entry['name']) ?? '', branch));
}

async function readDeployKeys(reader: SettingsReader, project: string, page: string): Promise<DeployKey[] | undefined> {
  const keys = await reader.list(`${project}/deploy_keys`, 'deploy keys', page, MAINTAINER);
  return keys?.map(asRecord).map((key) => ({
    id: asString(key['id']) ?? '?',
    title: asString(key['title']) ?? '(untitled)',
    writable: key['can_push'] === true,
    url: page,
  }));
}

async function readProtectedTags(reader: SettingsReader, project: string, page: string): Promise<TagSettings | undefined> {
  const tags = await reader.list(`${project}/protected_tags`, 'protected tags', page, MAINTAINER);
  return tags ? { url: page, protections: tags.map((tag) => `protected tag ${asString(asRecord(tag)['name']) ?? '?'}`) } : undefined;
}

async function readMembers(reader: SettingsReader, project: string, page: string): Promise<AccessGrant[] | undefined> {
  const members = await reader.list(`${project}/members/all`, 'members', page, READ);
  return members?.map(asRecord).filter((member) => member['state'] !== 'blocked').map((member) => {
    const level = Number(member['access_level'] ?? 0);
    return { who: `user ${asString(member['username']) ?? '?'}`, role: ROLES[level] ?? `access level ${level}`, privileged: level >= 40, outside: false, url: page };
  });
}

async function readWebhooks(reader: SettingsReader, project: string, page: string): Promise<Webhook[] | undefined> {
  const hooks = await reader.list(`${project}/hooks`, 'webhooks', page, MAINTAINER);
  return hooks?.map(asRecord).map((hook) => ({
    id: asString(hook['id']) ?? '?',
    target: hostOnly(asString(hook['url'])),
    sslVerification: hook['enable_ssl_verification'] !== false,
    active: hook['disabled_until'] === undefined || hook['disabled_until'] === null,
    url: `${page}/${asString(hook['id']) ?? ''}/edit`,
  }));
}

/** Secret push protection (Ultimate, `secret_push_protection_enabled`) or the push rule `prevent_secrets` (Premium). */
function secretScanningOf(project: Record<string, unknown>, push: Record<string, unknown> | undefined, page: string): SecretScanningSettings | undefined {
  const flag = project['secret_push_protection_enabled'] ?? project['pre_receive_secret_detection_enabled'];
  const pushProtection = flag === true || push?.['prevent_secrets'] === true;
  if (flag === undefined && push === undefined) return undefined;
  return { url: page, pushProtection };
}
