import type { Rule } from '../rule.js';
import argocdAdminEnabled from './argocd-admin-enabled.js';
import argocdAnonymousAccess from './argocd-anonymous-access.js';
import argocdAppDefaultProject from './argocd-app-default-project.js';
import argocdAppsetTemplatedProject from './argocd-appset-templated-project.js';
import argocdExecEnabled from './argocd-exec-enabled.js';
import argocdProjectWildcardClusterResources from './argocd-project-wildcard-cluster-resources.js';
import argocdProjectWildcardDestination from './argocd-project-wildcard-destination.js';
import argocdProjectWildcardSource from './argocd-project-wildcard-source.js';
import argocdRbacDefaultAdmin from './argocd-rbac-default-admin.js';
import argocdRepoInsecure from './argocd-repo-insecure.js';
import fluxImageAutomationPushesDeployBranch from './flux-image-automation-pushes-deploy-branch.js';
import fluxImagePolicyAnyTag from './flux-image-policy-any-tag.js';
import policyWebhookFailOpen from './policy-webhook-fail-open.js';
import argocdImageUpdaterUnreviewed from './argocd-image-updater-unreviewed.js';
import argocdAppsetPrGeneratorUnfiltered from './argocd-appset-pr-generator-unfiltered.js';
import kyvernoVerifyImagesWeak from './kyverno-verify-images-weak.js';
import sigstorePolicyWeak from './sigstore-policy-weak.js';
import sigstoreNamespaceNotIncluded from './sigstore-namespace-not-included.js';
import fluxKustomizationNoServiceAccount from './flux-kustomization-no-service-account.js';
import fluxSourceInsecure from './flux-source-insecure.js';
import kustomizeExecFunction from './kustomize-exec-function.js';
import rbacAnonymousSubject from './rbac-anonymous-subject.js';
import rbacClusterAdminBinding from './rbac-cluster-admin-binding.js';
import rbacEscalation from './rbac-escalation.js';
import rbacSecretsRead from './rbac-secrets-read.js';
import rbacWildcard from './rbac-wildcard.js';
import workloadDangerousCapabilities from './workload-dangerous-capabilities.js';
import workloadHostNamespace from './workload-host-namespace.js';
import workloadPrivileged from './workload-privileged.js';
import workloadSensitiveHostPath from './workload-sensitive-host-path.js';
import { watchRules } from './watch-rules.js';

export const operatorRules: readonly Rule[] = [
  argocdAdminEnabled,
  argocdAnonymousAccess,
  argocdAppDefaultProject,
  argocdAppsetTemplatedProject,
  argocdExecEnabled,
  argocdProjectWildcardClusterResources,
  argocdProjectWildcardDestination,
  argocdProjectWildcardSource,
  argocdRbacDefaultAdmin,
  argocdRepoInsecure,
  fluxImageAutomationPushesDeployBranch,
  fluxImagePolicyAnyTag,
  policyWebhookFailOpen,
  argocdImageUpdaterUnreviewed,
  argocdAppsetPrGeneratorUnfiltered,
  kyvernoVerifyImagesWeak,
  sigstorePolicyWeak,
  sigstoreNamespaceNotIncluded,
  fluxKustomizationNoServiceAccount,
  fluxSourceInsecure,
  kustomizeExecFunction,
  rbacAnonymousSubject,
  rbacClusterAdminBinding,
  rbacEscalation,
  rbacSecretsRead,
  rbacWildcard,
  workloadDangerousCapabilities,
  workloadHostNamespace,
  workloadPrivileged,
  workloadSensitiveHostPath,
  ...watchRules,
];
