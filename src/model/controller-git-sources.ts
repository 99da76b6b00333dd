import { isScalar, type Node } from 'yaml';
import { fetchSteps } from './extract/carvel-images.js';
import { classifyGitRef, type GitRefKind } from './git-ref.js';
import { apiGroup, describeObject, type KubeObject } from './kubernetes.js';
import type { Span } from './span.js';
import { getNode, getPath, innerSpanOf, spanOf, stringValue } from './yaml.js';

interface Text {
  readonly value: string;
  readonly span: Span;
}

/** A Git repository a controller in the cluster deploys from, other than Argo CD and Flux (read by their own rules). */
export interface ControllerGitSource {
  readonly object: KubeObject;
  readonly where: string;
  readonly controller: string;
  readonly url: Text;
  /** the revision as written (`origin/` taken off a kapp-controller branch) */
  readonly ref?: Text;
  readonly kind: GitRefKind;
  /** where to report */
  readonly span: Span;
}

/**
 * - kapp-controller `App` (and `Package` template, `PackageRepository`) `fetch[].git`: `ref`
 *   (`origin/<branch>`, a tag or a commit) or `refSelection.semver.constraints`;
 * - Pulumi Kubernetes Operator `Stack` (pulumi.com): `projectRepo` at `commit` or `branch`;
 * - OpenShift `BuildConfig` `spec.source.git` `uri` at `ref`.
 */
export function controllerGitSources(object: KubeObject): ControllerGitSource[] {
  const found: ControllerGitSource[] = [];
  for (const { step, where } of fetchSteps(object)) {
    const git = getNode(step, 'git');
    const url = text(object, getNode(git, 'url'));
    if (!url) continue;
    const ref = text(object, getNode(git, 'ref'));
    const constraints = text(object, getPath(git, 'refSelection', 'semver', 'constraints'));
    const revision = ref ? { ...ref, value: ref.value.trim().replace(/^origin\//, '') } : constraints;
    const kind = constraints && !ref ? 'range' : classifyGitRef(revision?.value);
    found.push({ object, where: `${describeObject(object)} ${where}.git`, controller: 'kapp-controller', url, kind, span: revision?.span ?? url.span, ...(revision ? { ref: revision } : {}) });
  }
  if (object.kind === 'Stack' && apiGroup(object) === 'pulumi.com') {
    const spec = getNode(object.node, 'spec');
    const url = text(object, getNode(spec, 'projectRepo'));
    if (url) {
      const commit = text(object, getNode(spec, 'commit'));
      const branch = text(object, getNode(spec, 'branch'));
      const revision = commit ?? branch;
      // a `branch:` is a branch whatever its name
      const kind = commit ? classifyGitRef(commit.value) : branch ? 'branch' : 'missing';
      found.push({ object, where: describeObject(object), controller: 'the Pulumi Kubernetes Operator', url, kind, span: revision?.span ?? url.span, ...(revision ? { ref: { ...revision, value: revision.value.replace(/^refs\/(?:remotes\/origin|heads)\//, '') } } : {}) });
    }
  }
  const build = openshiftBuildSource(object);
  if (build) found.push(build);
  return found;
}

/**
 * OpenShift `BuildConfig` `spec.source.git`: `uri` at `ref` (a branch, tag or commit; none is the
 * repository's default branch). Its builds, started by webhooks and config changes, push the image
 * the cluster's image triggers roll out.
 */
function openshiftBuildSource(object: KubeObject): ControllerGitSource | undefined {
  const group = apiGroup(object);
  if (object.kind !== 'BuildConfig' || (group !== 'build.openshift.io' && group !== '')) return undefined;
  const git = getPath(object.node, 'spec', 'source', 'git');
  const url = text(object, getNode(git, 'uri'));
  if (!url) return undefined;
  const ref = text(object, getNode(git, 'ref'));
  const revision = ref ? { ...ref, value: ref.value.trim().replace(/^refs\/heads\//, '') } : undefined;
  const kind = ref?.value.trim().startsWith('refs/heads/') ? 'branch' : classifyGitRef(revision?.value);
  return { object, where: `${describeObject(object)} source.git`, controller: 'OpenShift builds', url, kind, span: revision?.span ?? url.span, ...(revision ? { ref: revision } : {}) };
}

function text(object: KubeObject, node: Node | undefined): Text | undefined {
  if (!isScalar(node)) return undefined;
  const value = stringValue(node);
  const span = innerSpanOf(object.source.file, node) ?? spanOf(object.source.file, node);
  return value === undefined || !span || value.trim() === '' ? undefined : { value, span };
}
