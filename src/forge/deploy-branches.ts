import { isFullCommitSha } from '../model/git-ref.js';
import { describeObject } from '../model/kubernetes.js';
import type { Workspace } from '../model/workspace.js';
import { getString } from '../model/yaml.js';
import { isFluxSource, objectsWithEmbedded } from '../rules/artifacts/flux-sources.js';
import { argoRevisionSites } from '../rules/dependencies/argo-sources.js';
import { objectsWithRendered } from '../rules/operators/chart-objects.js';
import { apiGroup } from '../model/kubernetes.js';
import { sameRepository, type ForgeTarget } from './target.js';

/** A branch whose settings are checked, and why it was chosen. */
export interface WantedBranch {
  readonly name: string;
  readonly reason: string;
}

/**
 * The branches Argo CD and Flux deploy from, as this repository's own Applications,
 * ApplicationSets and GitRepositories name them for `target`: `targetRevision`/`revision` and
 * `spec.ref.branch`. `HEAD` or no revision means the default branch (returned as `HEAD`); tags,
 * semver ranges and commit SHAs are not branches and are left out. Empty when nothing here
 * deploys from the target: the caller checks the default branch.
 */
export function deployBranches(workspace: Workspace, target: ForgeTarget): WantedBranch[] {
  const found = new Map<string, string[]>();
  const add = (name: string, why: string): void => {
    found.set(name, [...(found.get(name) ?? []), why]);
  };
  // ResourceSet members, and the Applications and FluxInstances charts render from their values (argocd-apps, flux-instance)
  const embedded = objectsWithEmbedded(workspace);
  const seen = new Set(embedded.map((object) => object.node));
  const objects = [...embedded, ...objectsWithRendered(workspace).filter((object) => !seen.has(object.node))];
  for (const object of objects) {
    for (const site of argoRevisionSites(object)) {
      if (!site.repoURL || !sameRepository(target, site.repoURL.value) || site.chart) continue;
      const revision = site.revision?.value.trim() ?? '';
      const branch = branchOf(revision);
      if (branch) add(branch, `${site.where} ${site.revisionKey}${revision ? ` ${revision}` : ''} (${site.object.source.file.path})`);
    }
    if (isFluxSource(object, 'GitRepository') && sameRepository(target, getString(object.node, 'spec', 'url') ?? '')) {
      const ref = (key: string): string | undefined => getString(object.node, 'spec', 'ref', key);
      if (ref('commit') || ref('tag') || ref('semver') || ref('name')?.startsWith('refs/tags/')) continue;
      const named = ref('name')?.replace(/^refs\/heads\//, '');
      add(ref('branch') ?? named ?? 'HEAD', `${describeObject(object)} spec.ref (${object.source.file.path})`);
    }
    if (object.kind === 'FluxInstance' && apiGroup(object) === 'fluxcd.controlplane.io') {
      const sync = (key: string): string | undefined => getString(object.node, 'spec', 'sync', key);
      // `refs/heads/main`; `…@sha1:<sha>` is pinned to a commit, tags are not branches
      const ref = sync('ref') ?? '';
      if ((sync('kind') ?? 'GitRepository') !== 'GitRepository' || !sameRepository(target, sync('url') ?? '') || ref.includes('@') || ref.startsWith('refs/tags/')) continue;
      add(ref === '' ? 'HEAD' : ref.replace(/^refs\/heads\//, ''), `${object.renderedFrom ? `${object.renderedFrom}: sync.ref` : `${describeObject(object)} spec.sync.ref`} (${object.source.file.path})`);
    }
  }
  return [...found].map(([name, reasons]) => ({ name, reason: `deployed by ${reasons.slice(0, 3).join('; ')}${reasons.length > 3 ? ` and ${reasons.length - 3} more` : ''}` }));
}

/** A revision that names a branch: `HEAD`/empty (the default branch) or a name that is no SHA, version or template. */
function branchOf(revision: string): string | undefined {
  if (revision === '' || revision === 'HEAD') return 'HEAD';
  if (isFullCommitSha(revision) || /^[0-9a-f]{7,39}$/.test(revision)) return undefined;
  if (/\{\{|\$\{|[*^~<>=| ]/.test(revision)) return undefined;
  if (/^v?\d+(\.\d+)*([-+].*)?$/.test(revision) || revision.startsWith('refs/tags/')) return undefined;
  return revision.replace(/^refs\/heads\//, '');
}

/** The wanted branches with `HEAD` replaced by the default branch, merged by name; the default branch when none is wanted. */
export function resolveWanted(wanted: readonly WantedBranch[], defaultBranch: string | undefined): WantedBranch[] {
  const merged = new Map<string, string[]>();
  for (const branch of wanted) {
    const name = branch.name === 'HEAD' ? defaultBranch : branch.name;
    if (name) merged.set(name, [...(merged.get(name) ?? []), branch.reason]);
  }
  if (merged.size === 0 && defaultBranch) merged.set(defaultBranch, ['default branch']);
  return [...merged].map(([name, reasons]) => ({ name, reason: reasons.join('; ') }));
}
