import type { ForgeKind } from './target.js';

/**
 * The forge settings Rampart judges, read from GitHub or GitLab and put in one shape. A field left
 * undefined was not read (the token may not see it, or the forge has no such setting): rules say
 * nothing about it, and the run notes it as unchecked.
 */
export interface ForgeSnapshot {
  readonly kind: ForgeKind;
  /** `owner/name` or `group/sub/project` */
  readonly repository: string;
  readonly webUrl: string;
  readonly branches: readonly BranchSettings[];
  readonly tags?: TagSettings;
  readonly deployKeys?: readonly DeployKey[];
  readonly access?: readonly AccessGrant[];
  readonly actions?: ActionsSettings;
  readonly secretScanning?: SecretScanningSettings;
  readonly webhooks?: readonly Webhook[];
  /** settings that could not be read, each with why (a missing scope, a rate limit, an old server) */
  readonly unchecked: readonly Unchecked[];
}

export interface Unchecked {
  /** the forge page of the setting */
  readonly url: string;
  readonly what: string;
  readonly reason: string;
}

export interface BranchSettings {
  readonly name: string;
  /** why this branch: `default branch`, `Application argocd/web targetRevision` … */
  readonly reason: string;
  /** the forge page where its protection is set */
  readonly settingsUrl: string;
  /** undefined when the protection could not be read */
  readonly policy?: BranchPolicy;
}

/** Branch protection and rulesets (GitHub) or protected branch, approvals and push rules (GitLab), merged. */
export interface BranchPolicy {
  /** any protection at all: a protection rule, an active ruleset, a protected branch */
  readonly protected: boolean;
  /** where the rules come from: `branch protection`, `ruleset "main" (organization acme)`, `protected branch main` */
  readonly sources: readonly string[];
  /** a change must come through a pull/merge request (nobody may push directly) */
  readonly pullRequestRequired?: boolean;
  /** who may push without a request (GitLab push access levels, GitHub none when PRs are required) */
  readonly directPushers?: readonly string[];
  readonly requiredApprovals?: number;
  readonly dismissStaleApprovals?: boolean;
  readonly codeOwnerReview?: boolean;
  readonly statusChecksRequired?: boolean;
  readonly signaturesRequired?: boolean;
  readonly forcePushAllowed?: boolean;
  readonly deletionAllowed?: boolean;
  /** who can get past the rules: `repository admins (enforce_admins off)`, `Integration 123 (always)` */
  readonly bypass?: readonly string[];
  /** settings URLs per family, when they differ from the branch's (GitLab approvals, push rules) */
  readonly urls?: Readonly<Partial<Record<'approvals' | 'signatures' | 'statusChecks', string>>>;
}

export interface TagSettings {
  readonly url: string;
  /** active tag rulesets or protected tag patterns */
  readonly protections: readonly string[];
}

export interface DeployKey {
  readonly id: string;
  readonly title: string;
  readonly writable: boolean;
  readonly url: string;
  readonly lastUsed?: string;
}

export interface AccessGrant {
  /** `user octocat`, `team platform` */
  readonly who: string;
  /** `admin`, `maintain`, `write`; GitLab `Owner`, `Maintainer` */
  readonly role: string;
  readonly privileged: boolean;
  readonly outside: boolean;
  readonly url: string;
}

export interface ActionsSettings {
  readonly url: string;
  readonly defaultTokenPermissions?: 'read' | 'write';
  readonly canApprovePullRequests?: boolean;
  /** `all`, `local_only`, `selected`; undefined when Actions is off */
  readonly allowedActions?: string;
  readonly enabled?: boolean;
  /** `first_time_contributors_new_to_github`, `first_time_contributors`, `all_external_contributors` */
  readonly forkApprovalPolicy?: string;
}

export interface SecretScanningSettings {
  readonly url: string;
  readonly scanning?: boolean;
  readonly pushProtection?: boolean;
}

export interface Webhook {
  readonly id: string;
  /** the receiving host only: a webhook URL may carry a secret in its path or query */
  readonly target: string;
  readonly sslVerification: boolean;
  readonly active: boolean;
  readonly url: string;
}
