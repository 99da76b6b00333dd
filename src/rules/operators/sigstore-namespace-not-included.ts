import { append } from '../../append.js';
import path from 'node:path';
import { isMap, isSeq, type Node } from 'yaml';
import { apiGroup, describeObject, type KubeObject } from '../../model/kubernetes.js';
import type { Workspace } from '../../model/workspace.js';
import { ResolvedYaml } from '../../model/yaml-resolved.js';
import { defineRule } from '../rule.js';
import { objectSpan } from './spans.js';
import { linearGlob } from '../../linear-regexp.js';

const INCLUDE_LABEL = 'policy.sigstore.dev/include';
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod', 'ReplicationController']);
/** Namespaces the cluster or the controller itself runs in: left out of verification on purpose. */
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'cosign-system']);

export default defineRule({
  id: 'sigstore-namespace-not-included',
  layer: 'operators',
  severity: 'high',
  objectKinds: ['ClusterImagePolicy'],
  summary: 'A namespace this repository deploys workloads into has no `policy.sigstore.dev/include: "true"` label, so the Sigstore policy-controller\'s `ClusterImagePolicy` never checks its images.',
  rationale:
    'The policy-controller\'s admission webhook only sees namespaces labelled `policy.sigstore.dev/include: "true"`. ' +
    'A `ClusterImagePolicy` that requires signatures therefore protects nothing in a namespace without the label: an ' +
    'unsigned or tampered image runs there as if no policy existed. Rampart reports a `Namespace` this tree defines ' +
    'when workloads of the tree run in it (`metadata.namespace`, or a Kustomization\'s `namespace:`) and a policy\'s ' +
    '`images` globs match one of their images, or, when the policy-controller\'s `no-match-policy` is set, any image. ' +
    'A label set through a Kustomization\'s `labels`/`commonLabels` counts; `kube-system`, `kube-public`, `kube-node-lease`, ' +
    '`cosign-system` and namespaces explicitly labelled `"false"` are left alone. A webhook installed with a different ' +
    '`namespaceSelector` does not use the label: turn the rule off there.',
  remediation:
    'Add `policy.sigstore.dev/include: "true"` to the namespace\'s labels (or to the Kustomization that builds it), ' +
    'after checking that every image deployed there is signed by an identity a policy accepts.',
  references: [
    'https://docs.sigstore.dev/policy-controller/overview/#admission-of-images',
    'https://docs.sigstore.dev/policy-controller/overview/#configuring-policy-controller-clusterimagepolicy',
  ],
  messages: {
    notIncluded: 'Namespace {namespace} runs {image} ({workload}), which {policy} should verify, but has no {label}: "true" label: the policy-controller never checks it.',
  },
  examples: {
    bad: [{ file: 'apps.yaml', code: 'apiVersion: policy.sigstore.dev/v1beta1\nkind: ClusterImagePolicy\nmetadata: {name: signed}\nspec:\n  images: [{glob: "ghcr.io/acme/**"}]\n  authorities: [{keyless: {identities: [{issuer: "https://token.actions.githubusercontent.com", subject: "https://github.com/acme/web/.github/workflows/release.yml@refs/heads/main"}]}}]\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop # expect: sigstore-namespace-not-included\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    spec:\n      containers: [{name: web, image: ghcr.io/acme/web:1.4.2}]\n' }],
    good: [{ file: 'apps.yaml', code: 'apiVersion: policy.sigstore.dev/v1beta1\nkind: ClusterImagePolicy\nmetadata: {name: signed}\nspec:\n  images: [{glob: "ghcr.io/acme/**"}]\n  authorities: [{keyless: {identities: [{issuer: "https://token.actions.githubusercontent.com", subject: "https://github.com/acme/web/.github/workflows/release.yml@refs/heads/main"}]}}]\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    policy.sigstore.dev/include: "true"\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    spec:\n      containers: [{name: web, image: ghcr.io/acme/web:1.4.2}]\n' }],
  },
  check(context) {
    const objects = context.workspace.kubeObjects();
    const policies = objects.filter((object) => object.kind === 'ClusterImagePolicy' && apiGroup(object) === 'policy.sigstore.dev');
    if (policies.length === 0) return;
    const globs = policies.flatMap((policy) => {
      const view = new ResolvedYaml(policy.source.document);
      return view.items(view.path(policy.node, 'spec', 'images')).flatMap((image) => {
        const glob = view.string(image, 'glob');
        return glob === undefined ? [] : [{ policy: describeObject(policy), glob }];
      });
    });
    const noMatchPolicy = noMatchPolicyOf(context.workspace, objects);
    const workloads = workloadImagesByNamespace(context.workspace, objects);
    for (const namespace of objects.filter((object) => object.kind === 'Namespace' && apiGroup(object) === '' && object.name !== undefined)) {
      const name = namespace.name!;
      if (SYSTEM_NAMESPACES.has(name)) continue;
      const label = labelOf(context.workspace, namespace);
      if (label !== undefined) continue;
      let found: { image: string; workload: string; policy: string } | undefined;
      for (const workload of workloads.get(name) ?? []) {
        const match = globs.find(({ glob }) => globMatchesImage(glob, workload.image));
        if (match) found = { ...workload, policy: match.policy };
        else if (noMatchPolicy && !found) found = { ...workload, policy: `the no-match-policy (${noMatchPolicy})` };
        if (match) break;
      }
      if (!found) continue;
      const view = new ResolvedYaml(namespace.source.document);
      context.report({
        messageId: 'notIncluded', at: objectSpan(namespace, view.path(namespace.node, 'metadata', 'name')),
        data: { namespace: name, image: found.image, workload: found.workload, policy: found.policy, label: INCLUDE_LABEL },
        subject: `Namespace/${name}`,
      });
    }
  },
});

/** The namespace's include label as written (`"true"`, `"false"`), from its own labels or a Kustomization above it. */
function labelOf(workspace: Workspace, namespace: KubeObject): string | undefined {
  const view = new ResolvedYaml(namespace.source.document);
  const own = view.string(view.path(namespace.node, 'metadata', 'labels'), INCLUDE_LABEL);
  if (own !== undefined) return own;
  for (const kustomization of kustomizationsAbove(workspace, namespace.source.file.path)) {
    const kview = new ResolvedYaml(kustomization.document.document);
    const common = kview.string(kview.get(kustomization.document.root, 'commonLabels'), INCLUDE_LABEL);
    if (common !== undefined) return common;
    for (const entry of kview.items(kview.get(kustomization.document.root, 'labels'))) {
      const value = kview.string(kview.get(entry, 'pairs'), INCLUDE_LABEL);
      if (value !== undefined) return value;
    }
  }
  return undefined;
}

function kustomizationsAbove(workspace: Workspace, file: string): Array<{ document: ReturnType<Workspace['kustomizations']>[number] }> {
  // looked up directory by directory (asked for every workload: a filter of every kustomization was quadratic in files)
  const byDirectory = workspace.derived('sigstore-kustomizations-by-directory', () => {
    const index = new Map<string, Array<{ order: number; document: ReturnType<Workspace['kustomizations']>[number] }>>();
    workspace.kustomizations().forEach((document, order) => {
      const directory = path.posix.dirname(document.file.path);
      const list = index.get(directory);
      if (list) list.push({ order, document });
      else index.set(directory, [{ order, document }]);
    });
    return index;
  });
  const found: Array<{ order: number; document: ReturnType<Workspace['kustomizations']>[number] }> = [];
  for (let directory = path.posix.dirname(file); ; directory = path.posix.dirname(directory)) {
    found.push(...(byDirectory.get(directory) ?? []));
    if (directory === '.' || directory === '/' || directory === '') break;
  }
  return found.sort((a, b) => a.order - b.order).map(({ document }) => ({ document }));
}

/** The namespace a workload lands in: its own, else the `namespace:` of the nearest Kustomization above it. */
function namespaceOf(workspace: Workspace, object: KubeObject): string | undefined {
  if (object.namespace !== undefined) return object.namespace;
  const above = kustomizationsAbove(workspace, object.source.file.path)
    .sort((a, b) => b.document.file.path.length - a.document.file.path.length);
  for (const { document } of above) {
    const namespace = new ResolvedYaml(document.document).string(document.root, 'namespace');
    if (namespace !== undefined) return namespace;
  }
  return undefined;
}

function workloadImagesByNamespace(workspace: Workspace, objects: readonly KubeObject[]): Map<string, Array<{ image: string; workload: string }>> {
  const byNamespace = new Map<string, Array<{ image: string; workload: string }>>();
  for (const object of objects) {
    if (!WORKLOAD_KINDS.has(object.kind)) continue;
    const namespace = namespaceOf(workspace, object);
    if (namespace === undefined) continue;
    const view = new ResolvedYaml(object.source.document);
    for (const image of imagesUnder(view, view.get(object.node, 'spec'))) {
      const list = byNamespace.get(namespace) ?? [];
      list.push({ image, workload: describeObject(object) });
      byNamespace.set(namespace, list);
    }
  }
  return byNamespace;
}

/** Every `image:` of containers, init and ephemeral containers under a spec. */
function imagesUnder(view: ResolvedYaml, node: Node | undefined, depth = 0): string[] {
  if (node === undefined || depth > 8) return [];
  if (isSeq(node)) return view.items(node).flatMap((item) => imagesUnder(view, item, depth + 1));
  if (!isMap(node)) return [];
  const images: string[] = [];
  for (const { key, value } of view.entries(node)) {
    if (key === 'image') {
      const image = view.string(value);
      if (image !== undefined && !image.includes('{{')) images.push(image);
    } else if (typeof value === 'object') {
      append(images, imagesUnder(view, value, depth + 1));
    }
  }
  return images;
}

/** The policy-controller's `no-match-policy` (ConfigMap `config-policy-controller`, or the chart's `configData`). */
function noMatchPolicyOf(workspace: Workspace, objects: readonly KubeObject[]): string | undefined {
  for (const object of objects) {
    if (object.kind !== 'ConfigMap' || object.name !== 'config-policy-controller') continue;
    const value = new ResolvedYaml(object.source.document).string(object.node, 'data', 'no-match-policy');
    if (value !== undefined && value !== 'allow') return value;
  }
  // each file once, not once per document of a stream
  for (const file of new Set(workspace.yamlDocuments().map((document) => document.file))) {
    const match = /^\s*no-match-policy:\s*["']?(deny|warn)\b/m.exec(file.text);
    if (match && /configData/.test(file.text)) return match[1];
  }
  return undefined;
}

/**
 * policy-controller's glob: `**` anything, `*` anything but `/`, `?` one character; images are
 * compared in their full form (`nginx` is `index.docker.io/library/nginx`), tag or digest included or not.
 */
export function globMatchesImage(glob: string, image: string): boolean {
  const full = normaliseImage(image);
  const bare = full.replace(/@sha256:[0-9a-f]+$/, '').replace(/:[^:/]+$/, '');
  const pattern = normaliseImage(glob.trim());
  const body = pattern.split('**').map((part) => part.split('*').map((piece) => piece.split('?').map((text) => text.replace(/[.+^${}()|[\]\\]/g, '\\$&')).join('[^/]')).join('[^/]*')).join('.*');
  const regex = linearGlob(`^${body}$`);
  return regex.test(full) || regex.test(bare);
}

function normaliseImage(reference: string): string {
  if (reference === '**' || reference === '*') return reference;
  const segments = reference.split('/');
  const first = segments[0] ?? '';
  const hasRegistry = segments.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first.includes('*'));
  if (!hasRegistry) return `index.docker.io/${segments.length === 1 ? 'library/' : ''}${reference}`;
  return first === 'docker.io' ? `index.${reference}` : reference;
}
