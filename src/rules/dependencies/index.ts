import type { Rule } from '../rule.js';
import actionNotPinned from './action-not-pinned.js';
import argocdAppUnpinnedRevision from './argocd-app-unpinned-revision.js';
import clusterManifestUnpinned from './cluster-manifest-unpinned.js';
import dependencyContentChanged from './dependency-content-changed.js';
import dependencyInsecureTransport from './dependency-insecure-transport.js';
import dependencyLockStale from './dependency-lock-stale.js';
import dependencyNotLocked from './dependency-not-locked.js';
import fluxSourceUnpinned from './flux-source-unpinned.js';
import gitSourceUnpinned from './git-source-unpinned.js';
import gitlabIncludeUnpinned from './gitlab-include-unpinned.js';
import helmDependencyUnpinned from './helm-dependency-unpinned.js';
import helmLockMissing from './helm-lock-missing.js';
import jsonnetDependencyUnpinned from './jsonnet-dependency-unpinned.js';
import kustomizeRemoteUnpinned from './kustomize-remote-unpinned.js';
import packageVersionUnpinned from './package-version-unpinned.js';
import remoteDownloadUnverified from './remote-download-unverified.js';
import terraformLockMissing from './terraform-lock-missing.js';
import sourceNotAllowed from './source-not-allowed.js';
import tektonResolverUnpinned from './tekton-resolver-unpinned.js';
import terraformModuleUnpinned from './terraform-module-unpinned.js';

export const dependencyRules: readonly Rule[] = [
  kustomizeRemoteUnpinned,
  clusterManifestUnpinned,
  helmDependencyUnpinned,
  helmLockMissing,
  argocdAppUnpinnedRevision,
  fluxSourceUnpinned,
  packageVersionUnpinned,
  gitSourceUnpinned,
  sourceNotAllowed,
  dependencyInsecureTransport,
  tektonResolverUnpinned,
  terraformModuleUnpinned,
  terraformLockMissing,
  jsonnetDependencyUnpinned,
  actionNotPinned,
  gitlabIncludeUnpinned,
  remoteDownloadUnverified,
  dependencyContentChanged,
  dependencyNotLocked,
  dependencyLockStale,
];
