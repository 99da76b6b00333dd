import { defineRule } from '../rule.js';
import { APP_PROJECT_DOCS, ARGOCD_SECURITY, appProjects, matchesEverything } from './argocd-projects.js';
import { objectSpan } from './spans.js';
import { CHART_VALUES_HOLDERS } from '../object-kinds.js';

export default defineRule({
  id: 'argocd-project-wildcard-source',
  layer: 'operators',
  severity: 'high',
  objectKinds: ['AppProject', ...CHART_VALUES_HOLDERS],
  summary: 'An Argo CD `AppProject` accepts any source repository (`sourceRepos: ["*"]`) or Applications from any namespace.',
  rationale:
    'An AppProject is the boundary of what its Applications may deploy. With `*` in `sourceRepos`, an Application of the ' +
    'project can pull manifests from any repository, including one an attacker controls, so review of this repository ' +
    'no longer decides what runs. `sourceNamespaces: ["*"]` lets Applications created in any namespace use the project, ' +
    'so whoever can create an Application anywhere inherits its destinations.',
  remediation:
    'List the repositories the project may use (`https://github.com/acme/*` restricts to one organisation) and the ' +
    'namespaces its Applications may live in. Keep the wildcard only in a project reserved for administrators.',
  references: [APP_PROJECT_DOCS, ARGOCD_SECURITY, 'https://argo-cd.readthedocs.io/en/stable/operator-manual/app-any-namespace/'],
  messages: {
    repos: '{project} allows Applications to deploy from any repository ({value}).',
    namespaces: '{project} accepts Applications from any namespace (sourceNamespaces {value}).',
  },
  examples: {
    bad: [{ file: 'project.yaml', code: 'apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata: {name: team-a, namespace: argocd}\nspec:\n  sourceRepos:\n    - "*" # expect: argocd-project-wildcard-source\n  destinations:\n    - {server: https://kubernetes.default.svc, namespace: team-a}\n' }],
    good: [{ file: 'project.yaml', code: 'apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata: {name: team-a, namespace: argocd}\nspec:\n  sourceRepos:\n    - https://github.com/acme/*\n    - "!https://github.com/acme/secrets"\n  destinations:\n    - {server: https://kubernetes.default.svc, namespace: team-a}\n' }],
  },
  check(context) {
    for (const { object, view, label } of appProjects(context.workspace)) {
      const spec = view.get(object.node, 'spec');
      for (const [field, messageId] of [['sourceRepos', 'repos'], ['sourceNamespaces', 'namespaces']] as const) {
        for (const item of view.strings(view.get(spec, field))) {
          if (matchesEverything(item.value)) context.report({ messageId, at: objectSpan(object, item.node), data: { project: label, value: item.value }, subject: `${label} ${field}` });
        }
      }
    }
  },
});
