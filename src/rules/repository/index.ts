import type { Rule } from '../rule.js';
import gitlabPushesDeployBranch from './gitlab-pushes-deploy-branch.js';
import gitlabScriptInjection from './gitlab-script-injection.js';
import workflowArtifactPoisoning from './workflow-artifact-poisoning.js';
import workflowCachePoisoning from './workflow-cache-poisoning.js';
import workflowPushesDeployBranch from './workflow-pushes-deploy-branch.js';
import branchStaleApprovalKept from './branch-stale-approval-kept.js';
import branchCodeOwnerReviewNotRequired from './branch-code-owner-review-not-required.js';
import branchStatusChecksNotRequired from './branch-status-checks-not-required.js';
import branchDeletionAllowed from './branch-deletion-allowed.js';
import branchProtectionBypass from './branch-protection-bypass.js';
import tagProtectionMissing from './tag-protection-missing.js';
import repositoryAdminAccess from './repository-admin-access.js';
import outsideCollaboratorAccess from './outside-collaborator-access.js';
import actionsForkApprovalWeak from './actions-fork-approval-weak.js';
import actionsAllowedUnrestricted from './actions-allowed-unrestricted.js';
import secretScanningDisabled from './secret-scanning-disabled.js';
import webhookSslVerificationDisabled from './webhook-ssl-verification-disabled.js';
import branchProtectionMissing from './branch-protection-missing.js';
import branchReviewNotRequired from './branch-review-not-required.js';
import branchForcePushAllowed from './branch-force-push-allowed.js';
import branchSignaturesNotRequired from './branch-signatures-not-required.js';
import deployKeyWriteAccess from './deploy-key-write-access.js';
import actionsTokenWriteDefault from './actions-token-write-default.js';
import argocdProjectNoSignatureKeys from './argocd-project-no-signature-keys.js';
import codeownersMissing from './codeowners-missing.js';
import commitSignatureUntrusted from './commit-signature-untrusted.js';
import commitUnsigned from './commit-unsigned.js';
import fluxGitUnverified from './flux-git-unverified.js';
import suppressionMissingReason from './suppression-missing-reason.js';
import suppressionInChange from './suppression-in-change.js';
import scanPolicyChanged from './scan-policy-changed.js';
import workflowPermissionsExcessive from './workflow-permissions-excessive.js';
import workflowSecretsInherit from './workflow-secrets-inherit.js';
import workflowEnvInjection from './workflow-env-injection.js';
import workflowPersistCredentialsArtifact from './workflow-persist-credentials-artifact.js';
import workflowSelfHostedRunner from './workflow-self-hosted-runner.js';
import workflowTemplateInjection from './workflow-template-injection.js';
import workflowUntrustedCheckout from './workflow-untrusted-checkout.js';

export const repositoryRules: readonly Rule[] = [
  suppressionMissingReason,
  suppressionInChange,
  scanPolicyChanged,
  fluxGitUnverified,
  argocdProjectNoSignatureKeys,
  codeownersMissing,
  commitUnsigned,
  commitSignatureUntrusted,
  workflowTemplateInjection,
  workflowUntrustedCheckout,
  workflowEnvInjection,
  workflowPersistCredentialsArtifact,
  workflowSelfHostedRunner,
  workflowSecretsInherit,
  workflowPermissionsExcessive,
  workflowPushesDeployBranch,
  workflowCachePoisoning,
  workflowArtifactPoisoning,
  gitlabScriptInjection,
  gitlabPushesDeployBranch,
  branchProtectionMissing,
  branchReviewNotRequired,
  branchForcePushAllowed,
  branchSignaturesNotRequired,
  deployKeyWriteAccess,
  actionsTokenWriteDefault,
  branchStaleApprovalKept,
  branchCodeOwnerReviewNotRequired,
  branchStatusChecksNotRequired,
  branchDeletionAllowed,
  branchProtectionBypass,
  tagProtectionMissing,
  repositoryAdminAccess,
  outsideCollaboratorAccess,
  actionsForkApprovalWeak,
  actionsAllowedUnrestricted,
  secretScanningDisabled,
  webhookSslVerificationDisabled,
];
