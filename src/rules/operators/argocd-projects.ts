import { describeObject, type KubeObject } from '../../model/kubernetes.js';
import type { Workspace } from '../../model/workspace.js';
import { ResolvedYaml } from '../../model/yaml-resolved.js';
import { isArgo } from './argocd-settings.js';
import { objectsWithRendered } from './chart-objects.js';

export interface AppProject {
  readonly object: KubeObject;
  readonly view: ResolvedYaml;
  readonly label: string;
}

export const APP_PROJECT_DOCS = 'https://argo-cd.readthedocs.io/en/stable/user-guide/projects/';
export const ARGOCD_SECURITY = 'https://argo-cd.readthedocs.io/en/stable/operator-manual/security/';

export function appProjects(workspace: Workspace): AppProject[] {
  return objectsWithRendered(workspace)
    .filter((object) => isArgo(object, 'AppProject'))
    .map((object) => ({ object, view: new ResolvedYaml(object.source.document), label: describeObject(object) }));
}

/** A glob that matches anything (a star, two stars, star-slash-star, https:// and a star); deny entries (`!…`) never are. */
export function matchesEverything(pattern: string): boolean {
  const value = pattern.trim();
  if (value === '' || value.startsWith('!')) return false;
  const withoutScheme = value.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^git@/, '');
  return /^[*/?:]+$/.test(withoutScheme) && withoutScheme.includes('*');
}

/** Whether the project lets its Applications deploy and source from anywhere (what the built-in `default` project does). */
export function isUnrestricted(project: AppProject): boolean {
  const { view, object } = project;
  const spec = view.get(object.node, 'spec');
  const sources = view.strings(view.get(spec, 'sourceRepos'));
  const destinations = view.items(view.get(spec, 'destinations'));
  if (sources.length === 0 || destinations.length === 0) return false;
  return sources.some((source) => matchesEverything(source.value))
    || destinations.some((destination) => ['server', 'name', 'namespace'].some((field) => matchesEverything(view.string(destination, field) ?? '')));
}
