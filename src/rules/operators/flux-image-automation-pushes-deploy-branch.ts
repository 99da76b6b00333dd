import { withEmbeddedObjects } from '../../model/embedded-objects.js';
import { apiGroup, describeObject } from '../../model/kubernetes.js';
import { ResolvedYaml } from '../../model/yaml-resolved.js';
import { defineRule } from '../rule.js';
import { objectSpan } from './spans.js';

const FLUX_SOURCE = 'source.toolkit.fluxcd.io';
const FLUX_IMAGE = 'image.toolkit.fluxcd.io';
/** Flux's GitRepository checks out `master` when `spec.ref` is absent. */
const FLUX_DEFAULT_BRANCH = 'master';

interface GitSource { readonly branch: string; readonly url: string | undefined; readonly namespace: string | undefined }

export default defineRule({
  id: 'flux-image-automation-pushes-deploy-branch',
  layer: 'operators',
  severity: 'high',
  objectKinds: ['ImageUpdateAutomation'],
  summary: 'A Flux `ImageUpdateAutomation` commits straight to the branch a `GitRepository` deploys from: new images reach production with no pull request.',
  rationale:
    'Image automation writes new tags into the manifests and pushes the commit. When it pushes to the branch Flux ' +
    'deploys from (no `git.push.branch`, or the same branch as the checkout and the `GitRepository` ref), every image ' +
    'the policy accepts goes live without anyone reviewing it: whoever can push a tag to the registry changes production, ' +
    'and branch protection cannot apply to a bot that pushes directly.',
  remediation:
    'Set `spec.git.push.branch` to a separate branch (e.g. `image-updates`) and open a pull request from it to the deploy ' +
    'branch (a CI job or the notification-controller can open it), so a person approves each image change; or bound ' +
    'the `ImagePolicy` tightly and accept the risk explicitly with a suppression and a reason.',
  references: [
    'https://fluxcd.io/flux/components/image/imageupdateautomations/#push',
    'https://fluxcd.io/flux/use-cases/gh-actions-auto-pr/',
  ],
  messages: {
    pushes: '{automation} pushes image updates to {branch}, the branch {source} deploys from: no pull request, no review.',
    pushesBack: '{automation} pushes image updates back to the branch it checks out ({branch}): no pull request, no review.',
  },
  examples: {
    bad: [{ file: 'automation.yaml', code: 'apiVersion: image.toolkit.fluxcd.io/v1beta2\nkind: ImageUpdateAutomation\nmetadata: {name: apps, namespace: flux-system}\nspec:\n  interval: 30m\n  sourceRef: {kind: GitRepository, name: flux-system}\n  git:\n    checkout:\n      ref: {branch: main}\n    commit:\n      author: {name: fluxbot, email: flux@example.com}\n    push:\n      branch: main # expect: flux-image-automation-pushes-deploy-branch\n  update: {path: ./clusters/prod, strategy: Setters}\n' }],
    good: [{ file: 'automation.yaml', code: 'apiVersion: image.toolkit.fluxcd.io/v1beta2\nkind: ImageUpdateAutomation\nmetadata: {name: apps, namespace: flux-system}\nspec:\n  interval: 30m\n  sourceRef: {kind: GitRepository, name: flux-system}\n  git:\n    checkout:\n      ref: {branch: main}\n    commit:\n      author: {name: fluxbot, email: flux@example.com}\n    push:\n      branch: image-updates\n  update: {path: ./clusters/prod, strategy: Setters}\n' }],
  },
  check(context) {
    const objects = withEmbeddedObjects(context.workspace.kubeObjects());
    const sources = new Map<string, GitSource>();
    const deployBranches = new Map<string, Set<string>>();
    for (const object of objects) {
      if (object.kind !== 'GitRepository' || apiGroup(object) !== FLUX_SOURCE) continue;
      const view = new ResolvedYaml(object.source.document);
      const spec = view.get(object.node, 'spec');
      const ref = view.get(spec, 'ref');
      // a tag, semver or commit ref deploys no branch an automation could push to
      if (ref !== undefined && view.string(ref, 'branch') === undefined && view.entries(ref).some(({ key }) => key !== 'branch')) continue;
      const branch = view.string(ref, 'branch') ?? FLUX_DEFAULT_BRANCH;
      const url = normaliseUrl(view.string(spec, 'url'));
      sources.set(`${object.namespace ?? ''}/${object.name ?? ''}`, { branch, url, namespace: object.namespace });
      if (url !== undefined) deployBranches.set(url, (deployBranches.get(url) ?? new Set()).add(branch));
    }
    for (const object of objects) {
      if (object.kind !== 'ImageUpdateAutomation' || apiGroup(object) !== FLUX_IMAGE) continue;
      const view = new ResolvedYaml(object.source.document);
      const spec = view.get(object.node, 'spec');
      // v1beta1+: spec.sourceRef + spec.git.{checkout,push}; v1alpha1: spec.checkout.gitRepositoryRef + spec.push
      const git = view.get(spec, 'git');
      const legacy = git === undefined && view.get(spec, 'checkout') !== undefined;
      const sourceRef = legacy ? view.path(spec, 'checkout', 'gitRepositoryRef') : view.get(spec, 'sourceRef');
      if (sourceRef !== undefined && (view.string(sourceRef, 'kind') ?? 'GitRepository') !== 'GitRepository') continue;
      const sourceName = view.string(sourceRef, 'name');
      const sourceNamespace = view.string(sourceRef, 'namespace') ?? object.namespace;
      const source = findSource(sources, sourceNamespace, sourceName);
      const checkoutBranch = legacy ? view.string(spec, 'checkout', 'branch') : view.string(git, 'checkout', 'ref', 'branch');
      const push = legacy ? view.get(spec, 'push') : view.get(git, 'push');
      if (!legacy && git === undefined) continue; // without spec.git the automation does not commit at all
      const pushBranchNode = view.get(push, 'branch');
      const refspec = view.string(push, 'refspec');
      const refspecTarget = refspec === undefined ? undefined : /(?:^|:)\+?(?:refs\/heads\/)?([^:]+)$/.exec(refspec.trim())?.[1];
      const checkedOut = checkoutBranch ?? source?.branch;
      const target = refspecTarget ?? view.string(pushBranchNode) ?? checkedOut;
      if (refspec !== undefined && !refspec.includes(':')) continue; // a bare refspec pushes a ref of the same name; not a branch rewrite
      if (target === undefined || /\{\{|\$\{/.test(target)) continue;
      const at = objectSpan(object, refspec !== undefined ? view.get(push, 'refspec') : pushBranchNode ?? push ?? git ?? spec);
      const automation = describeObject(object);
      const sameRepository = source?.url !== undefined ? deployBranches.get(source.url) : undefined;
      if (source !== undefined && (target === source.branch || sameRepository?.has(target))) {
        context.report({ messageId: 'pushes', at, data: { automation, branch: target, source: `GitRepository/${sourceName ?? '(unnamed)'}` }, subject: `${automation} push` });
      } else if (source === undefined && checkedOut !== undefined && target === checkedOut) {
        context.report({ messageId: 'pushesBack', at, data: { automation, branch: target }, subject: `${automation} push` });
      }
    }
  },
});

function findSource(sources: ReadonlyMap<string, GitSource>, namespace: string | undefined, name: string | undefined): GitSource | undefined {
  if (name === undefined) return undefined;
  const exact = sources.get(`${namespace ?? ''}/${name}`);
  if (exact !== undefined) return exact;
  // manifests often leave the namespace to Kustomize: match by name when only one source has it
  const byName = [...sources.entries()].filter(([key]) => key.endsWith(`/${name}`));
  return byName.length === 1 ? byName[0]![1] : undefined;
}

function normaliseUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  return url.trim().toLowerCase().replace(/^(ssh:\/\/)?git@([^:/]+)[:/]/, 'https://$2/').replace(/^[a-z+]+:\/\/([^@/]*@)?/, '').replace(/\.git\/?$|\/$/, '');
}
