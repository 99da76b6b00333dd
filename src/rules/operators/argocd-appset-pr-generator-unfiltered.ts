import type { Node } from 'yaml';
import { describeObject } from '../../model/kubernetes.js';
import { isBooleanTrue, ResolvedYaml } from '../../model/yaml-resolved.js';
import { defineRule } from '../rule.js';
import { isArgo } from './argocd-settings.js';
import { objectsWithRendered } from './chart-objects.js';
import { objectSpan } from './spans.js';
import { CHART_VALUES_HOLDERS } from '../object-kinds.js';

/** pullRequest providers; `labels` is the filter only people with triage rights on the repository can satisfy. */
const PR_PROVIDERS = ['github', 'gitlab', 'gitea', 'bitbucketServer', 'bitbucket', 'azuredevops'];

export default defineRule({
  id: 'argocd-appset-pr-generator-unfiltered',
  layer: 'operators',
  severity: 'high',
  objectKinds: ['ApplicationSet', ...CHART_VALUES_HOLDERS],
  summary: 'An `ApplicationSet` `pullRequest` generator without a `labels` filter, or an `scmProvider` generator without a repository filter: any pull request, fork or new repository is deployed.',
  rationale:
    'A pull request generator creates an Application for every open pull request, rendering the pull request\'s own ' +
    'manifests into the cluster. Without a label filter, anyone who can open a pull request (any GitHub user, for a ' +
    'public repository, from a fork) deploys what they wrote: workloads, RBAC within the project, hooks. An SCM provider ' +
    'generator without a `repositoryMatch`/`labelMatch` filter does the same for every repository in the organisation.',
  remediation:
    'Add `labels: [preview]` (a label only maintainers can set) to the pull request provider, and restrict SCM provider ' +
    'generators with `filters: [{repositoryMatch: ^deploy-}]` or `labelMatch`; keep previews in an `AppProject` that ' +
    'allows only their namespace and no cluster resources.',
  references: [
    'https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Generators-Pull-Request/',
    'https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Security/',
  ],
  messages: {
    pullRequest: '{appset} deploys every {provider} pull request (no labels filter): whoever opens one deploys it.',
    scmProvider: '{appset} deploys every repository its {provider} SCM provider finds (no repositoryMatch or labelMatch filter){branches}.',
  },
  examples: {
    bad: [{ file: 'appset.yaml', code: 'apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: previews}\nspec:\n  generators:\n    - pullRequest:\n        github:\n          owner: acme # expect: argocd-appset-pr-generator-unfiltered\n          repo: web\n  template:\n    metadata: {name: "web-{{number}}"}\n    spec:\n      project: previews\n      source: {repoURL: https://github.com/acme/web, path: deploy, targetRevision: "{{head_sha}}"}\n      destination: {server: https://kubernetes.default.svc, namespace: "preview-{{number}}"}\n' }],
    good: [{ file: 'appset.yaml', code: 'apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: previews}\nspec:\n  generators:\n    - pullRequest:\n        github:\n          owner: acme\n          repo: web\n          labels: [preview]\n  template:\n    metadata: {name: "web-{{number}}"}\n    spec:\n      project: previews\n      source: {repoURL: https://github.com/acme/web, path: deploy, targetRevision: "{{head_sha}}"}\n      destination: {server: https://kubernetes.default.svc, namespace: "preview-{{number}}"}\n' }],
  },
  check(context) {
    for (const object of objectsWithRendered(context.workspace)) {
      if (!isArgo(object, 'ApplicationSet')) continue;
      const view = new ResolvedYaml(object.source.document);
      const appset = describeObject(object);
      for (const { type, node } of leafGenerators(view, view.get(view.get(object.node, 'spec'), 'generators'))) {
        if (type === 'pullRequest') {
          for (const provider of PR_PROVIDERS) {
            const settings = view.get(node, provider);
            if (settings === undefined) continue;
            if (view.items(view.get(settings, 'labels')).length > 0) continue;
            context.report({ messageId: 'pullRequest', at: objectSpan(object, firstValue(view, settings) ?? settings), data: { appset, provider }, subject: `${appset} pullRequest ${provider}` });
          }
        } else if (type === 'scmProvider') {
          const filters = view.items(view.get(node, 'filters'));
          if (filters.some((filter) => view.get(filter, 'repositoryMatch') !== undefined || view.get(filter, 'labelMatch') !== undefined)) continue;
          const provider = view.entries(node).map(({ key }) => key).find((key) => !['filters', 'cloneProtocol', 'requeueAfterSeconds', 'template', 'values', 'awsCodeCommit'].includes(key))
            ?? view.entries(node).find(({ key }) => key === 'awsCodeCommit')?.key ?? 'scmProvider';
          const settings = view.get(node, provider);
          const allBranches = isBooleanTrue(view.get(settings, 'allBranches'));
          context.report({ messageId: 'scmProvider', at: objectSpan(object, firstValue(view, settings) ?? node), data: { appset, provider, branches: allBranches ? ', on every branch (allBranches: true)' : '' }, subject: `${appset} scmProvider` });
        }
      }
    }
  },
});

/** Generators at the leaves of matrix/merge, with their settings node. */
function leafGenerators(view: ResolvedYaml, generators: Node | undefined): Array<{ type: string; node: Node | undefined }> {
  return view.items(generators).flatMap((generator) => view.entries(generator).flatMap(({ key, value }) => {
    if (key === 'matrix' || key === 'merge') return leafGenerators(view, view.get(value, 'generators'));
    return [{ type: key, node: value }];
  }));
}

function firstValue(view: ResolvedYaml, node: Node | undefined): Node | undefined {
  return view.entries(node)[0]?.value;
}
