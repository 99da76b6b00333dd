/**
 * Objects that hold Helm chart values, which some rules read as the objects and settings a chart
 * renders (argo-cd, argocd-apps, flux-instance): Flux HelmRelease `spec.values` and Argo CD
 * `helm.valuesObject`. For a rule's `objectKinds`.
 */
export const CHART_VALUES_HOLDERS: readonly string[] = ['HelmRelease', 'Application', 'ApplicationSet'];

/** Whether a rule can find something in a tree whose Kubernetes objects have these kinds. */
export function readsAnyOf(objectKinds: readonly string[] | undefined, kinds: ReadonlySet<string>): boolean {
  return objectKinds === undefined || objectKinds.some((kind) => kinds.has(kind));
}
