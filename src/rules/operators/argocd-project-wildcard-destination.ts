import { isScalar } from 'yaml';
import { defineRule } from '../rule.js';
import { APP_PROJECT_DOCS, ARGOCD_SECURITY, appProjects, matchesEverything } from './argocd-projects.js';
import { objectSpan } from './spans.js';
import { CHART_VALUES_HOLDERS } from '../object-kinds.js';

const FIELDS = ['server', 'name', 'namespace'] as const;

export default defineRule({
  id: 'argocd-project-wildcard-destination',
  layer: 'operators',
  severity: 'high',
  objectKinds: ['AppProject', ...CHART_VALUES_HOLDERS],
  summary: 'An Argo CD `AppProject` destination allows any cluster (`server`/`name` `*`) or any namespace (`namespace` `*`).',
  rationale:
    'Destinations say where a project\'s Applications may deploy. A `*` server or name reaches every cluster registered ' +
    'in Argo CD, production included; a `*` namespace reaches `kube-system`, `argocd` itself and every other team\'s ' +
    'namespace. A team project with wildcard destinations lets that team overwrite anyone\'s workloads.',
  remediation:
    'List the clusters and namespaces the project deploys to (`namespace: team-a-*` restricts by prefix); use ' +
    '`!kube-system`-style deny entries where a broad pattern is needed.',
  references: [APP_PROJECT_DOCS, ARGOCD_SECURITY],
  messages: {
    wildcard: '{project} destination allows {what}.',
  },
  examples: {
    bad: [{ file: 'project.yaml', code: 'apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata: {name: team-a}\nspec:\n  sourceRepos: [https://github.com/acme/team-a]\n  destinations:\n    - server: https://kubernetes.default.svc\n      namespace: "*" # expect: argocd-project-wildcard-destination\n' }],
    good: [{ file: 'project.yaml', code: 'apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata: {name: team-a}\nspec:\n  sourceRepos: [https://github.com/acme/team-a]\n  destinations:\n    - server: https://kubernetes.default.svc\n      namespace: team-a-*\n' }],
  },
  check(context) {
    for (const { object, view, label } of appProjects(context.workspace)) {
      for (const destination of view.items(view.path(object.node, 'spec', 'destinations'))) {
        const wild = FIELDS.filter((field) => matchesEverything(view.string(destination, field) ?? ''));
        // point at the wildcard written first
        const node = wild.map((field) => view.get(destination, field)).sort((a, b) => (a?.range?.[0] ?? 0) - (b?.range?.[0] ?? 0))[0];
        if (wild.length === 0) continue;
        const what = wild.map((field) => (field === 'namespace' ? 'any namespace' : `any cluster (${field} ${view.string(destination, field)})`)).join(' and ');
        context.report({ messageId: 'wildcard', at: objectSpan(object, isScalar(node) ? node : destination), data: { project: label, what }, subject: `${label} ${wild.join(',')}` });
      }
    }
  },
});
