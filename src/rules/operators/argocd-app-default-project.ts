import { isMap, isSeq } from 'yaml';
import { describeObject } from '../../model/kubernetes.js';
import { ResolvedYaml } from '../../model/yaml-resolved.js';
import { defineRule } from '../rule.js';
import { APP_PROJECT_DOCS, appProjects, isUnrestricted } from './argocd-projects.js';
import { isArgo } from './argocd-settings.js';
import { isValuesOverlayEntry, objectsWithRendered } from './chart-objects.js';
import { objectSpan } from './spans.js';
import { CHART_VALUES_HOLDERS } from '../object-kinds.js';

export default defineRule({
  id: 'argocd-app-default-project',
  layer: 'operators',
  severity: 'medium',
  objectKinds: ['Application', 'ApplicationSet', ...CHART_VALUES_HOLDERS],
  summary: 'An Argo CD `Application` (or `ApplicationSet` template) uses the `default` project, or sets no project.',
  rationale:
    'The built-in `default` project allows any source repository, any destination cluster and namespace, and every ' +
    'cluster-scoped resource. An Application in it is bounded by nothing but the controller\'s own rights, so a change ' +
    'to its source can deploy anything anywhere. An empty `project` means `default`.',
  remediation:
    'Create an AppProject per team or purpose that lists its repositories, destinations and cluster resources, and set ' +
    '`spec.project` to it. Restrict the `default` project itself (empty `sourceRepos` and `destinations`) so nothing can fall back to it.',
  references: [APP_PROJECT_DOCS, 'https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/#projects'],
  messages: {
    default: '{app} uses the default project, which may deploy any repository to any cluster and namespace.',
    missing: '{app} sets no project, so it uses the default project, which may deploy any repository to any cluster and namespace.',
  },
  examples: {
    bad: [{ file: 'app.yaml', code: 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: web, namespace: argocd}\nspec:\n  project: default # expect: argocd-app-default-project\n  source: {repoURL: https://github.com/acme/web, path: deploy, targetRevision: v1.2.0}\n  destination: {server: https://kubernetes.default.svc, namespace: web}\n' }],
    good: [{ file: 'app.yaml', code: 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: web, namespace: argocd}\nspec:\n  project: web\n  source: {repoURL: https://github.com/acme/web, path: deploy, targetRevision: v1.2.0}\n  destination: {server: https://kubernetes.default.svc, namespace: web}\n' }],
  },
  check(context) {
    // a repository that redefines `default` with real restrictions has closed the hole
    const restrictedDefault = appProjects(context.workspace).some((project) => project.object.name === 'default' && !isUnrestricted(project));
    if (restrictedDefault) return;
    const objects = objectsWithRendered(context.workspace);
    for (const object of objects) {
      const isApp = isArgo(object, 'Application');
      if (!isApp && !isArgo(object, 'ApplicationSet')) continue;
      const view = new ResolvedYaml(object.source.document);
      const spec = isApp ? view.get(object.node, 'spec') : view.path(object.node, 'spec', 'template', 'spec');
      if (view.map(spec) === undefined || (!isApp && view.get(view.get(object.node, 'spec'), 'templatePatch') !== undefined && view.get(spec, 'project') === undefined)) continue;
      const projectNode = view.get(spec, 'project');
      const project = view.string(projectNode)?.trim() ?? '';
      const app = describeObject(object);
      if (project === 'default') context.report({ messageId: 'default', at: objectSpan(object, projectNode), data: { app }, subject: app });
      else if (project === '' && !isCollection(projectNode) && !isValuesOverlayEntry(object, objects)) context.report({ messageId: 'missing', at: objectSpan(object, projectNode), data: { app }, subject: app });
    }
  },
});

/** A map or list where a project name belongs: a shape Argo CD would reject, so no finding. */
function isCollection(node: unknown): boolean {
  return isMap(node) || isSeq(node);
}
