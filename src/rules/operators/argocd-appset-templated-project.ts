import type { Node } from 'yaml';
import { severityRank, type Severity } from '../../model/severity.js';
import { ResolvedYaml } from '../../model/yaml-resolved.js';
import { defineRule } from '../rule.js';
import { describeObject } from '../../model/kubernetes.js';
import { isArgo } from './argocd-settings.js';
import { objectsWithRendered } from './chart-objects.js';
import { objectSpan } from './spans.js';
import { CHART_VALUES_HOLDERS } from '../object-kinds.js';

/** Who decides a generator's parameters, per generator type. */
const CONTROLLED_BY: Readonly<Record<string, { who: string; severity: Severity }>> = {
  pullRequest: { who: 'whoever opens a pull request', severity: 'critical' },
  scmProvider: { who: 'whoever can create a repository in the organisation', severity: 'critical' },
  git: { who: 'whoever can commit to the generator\'s repository', severity: 'high' },
  plugin: { who: 'the generator plugin service', severity: 'high' },
  clusterDecisionResource: { who: 'whoever can edit the cluster decision resource', severity: 'high' },
  clusters: { who: 'whoever can label Argo CD cluster Secrets', severity: 'medium' },
  list: { who: 'whoever writes the list elements', severity: 'medium' },
};
const TEMPLATE = /\{\{|\$\{/;

export default defineRule({
  id: 'argocd-appset-templated-project',
  layer: 'operators',
  severity: 'high',
  objectKinds: ['ApplicationSet', ...CHART_VALUES_HOLDERS],
  summary: 'An `ApplicationSet` builds its Applications\' project from generator parameters.',
  rationale:
    'The project is the security boundary of an Application: it decides which repositories, clusters, namespaces and ' +
    'cluster resources are allowed. When `template.spec.project` comes from a generator (a file in a git repository, ' +
    'a pull request, a cluster label), whoever controls that input picks the boundary, including a privileged project. ' +
    'Argo CD\'s ApplicationSet security guide warns against exactly this.',
  remediation:
    'Write the project literally in the template (one ApplicationSet per project if needed). If it must vary, derive it ' +
    'from a `list` generator whose elements are written in the ApplicationSet itself, where review sees them.',
  references: [
    'https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Security/',
    'https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Generators/',
  ],
  messages: {
    templated: '{appset} takes its project from generator parameters ({project}); {who} picks the project.',
  },
  examples: {
    bad: [{ file: 'appset.yaml', code: 'apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: teams}\nspec:\n  generators:\n    - git:\n        repoURL: https://github.com/acme/teams\n        revision: main\n        files: [{path: "teams/*/config.json"}]\n  template:\n    metadata: {name: "{{team}}"}\n    spec:\n      project: "{{team}}" # expect: argocd-appset-templated-project\n      source: {repoURL: https://github.com/acme/teams, path: "teams/{{team}}", targetRevision: main}\n      destination: {server: https://kubernetes.default.svc, namespace: "{{team}}"}\n' }],
    good: [{ file: 'appset.yaml', code: 'apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: envs}\nspec:\n  generators:\n    - list:\n        elements:\n          - {env: staging, project: staging}\n          - {env: prod, project: prod}\n  template:\n    metadata: {name: "web-{{env}}"}\n    spec:\n      project: "{{project}}"\n      source: {repoURL: https://github.com/acme/web, path: "envs/{{env}}", targetRevision: v1.0.0}\n      destination: {server: https://kubernetes.default.svc, namespace: web}\n' }],
  },
  check(context) {
    for (const object of objectsWithRendered(context.workspace)) {
      if (!isArgo(object, 'ApplicationSet')) continue;
      const view = new ResolvedYaml(object.source.document);
      const spec = view.get(object.node, 'spec');
      const generatorTypes = leafGenerators(view, view.get(spec, 'generators'));
      const controllers = generatorTypes.map((type) => CONTROLLED_BY[type]).filter((entry) => entry !== undefined);
      if (generatorTypes.length > 0 && generatorTypes.every((type) => type === 'literal-list')) continue;
      const projectNode = view.path(spec, 'template', 'spec', 'project');
      const patch = view.get(spec, 'templatePatch');
      const patchProject = /^\s*project:.*\{\{.*$/m.exec(view.string(patch) ?? '')?.[0];
      const project = view.string(projectNode);
      const templated = project !== undefined && TEMPLATE.test(project);
      const at = templated ? projectNode : patchProject !== undefined ? patch : undefined;
      if (at === undefined) continue;
      const shown = templated ? project : patchProject?.trim().replace(/^project:\s*/, '') ?? '';
      const who = controllers.length > 0 ? [...new Set(controllers.map((entry) => entry.who))].join(' or ') : 'whoever controls its generators';
      const severity = worst(controllers.map((entry) => entry.severity));
      const appset = describeObject(object);
      context.report({ messageId: 'templated', at: objectSpan(object, at), data: { appset, project: shown.trim(), who }, ...(severity ? { severity } : {}), subject: appset });
    }
  },
});

/** Generator types at the leaves of matrix/merge; a `list` with only literal elements is `literal-list`. */
function leafGenerators(view: ResolvedYaml, generators: Node | undefined): string[] {
  return view.items(generators).flatMap((generator) => view.entries(generator).flatMap(({ key, value }) => {
    if (key === 'matrix' || key === 'merge') return leafGenerators(view, view.get(value, 'generators'));
    if (key === 'selector' || key === 'values') return [];
    if (key === 'list') return view.get(value, 'elementsYaml') === undefined ? ['literal-list'] : ['list'];
    return [key];
  }));
}

function worst(severities: readonly Severity[]): Severity | undefined {
  return severities.reduce<Severity | undefined>((best, severity) => (best === undefined || severityRank(severity) > severityRank(best) ? severity : best), undefined);
}
