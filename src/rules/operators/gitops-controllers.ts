/** Service accounts of GitOps controllers, which hold broad rights by design: findings about them say so. */
const CONTROLLERS: ReadonlyArray<{ pattern: RegExp; description: string }> = [
  { pattern: /(^|-)argocd-application-controller$/, description: 'the Argo CD application controller, which applies every Application' },
  { pattern: /(^|-)argocd-server$/, description: 'the Argo CD API server, which acts for every Argo CD user' },
  { pattern: /(^|-)argocd-applicationset-controller$/, description: 'the Argo CD ApplicationSet controller, which creates Applications' },
  { pattern: /^kustomize-controller$/, description: "Flux's kustomize-controller, which applies every Kustomization without a serviceAccountName" },
  { pattern: /^helm-controller$/, description: "Flux's helm-controller, which installs every HelmRelease without a serviceAccountName" },
  { pattern: /^tf-controller$|^tofu-controller$/, description: "Flux's Terraform controller" },
];

/** What a service account is when it belongs to a GitOps controller, else undefined. */
export function gitopsController(serviceAccountName: string): string | undefined {
  return CONTROLLERS.find((controller) => controller.pattern.test(serviceAccountName))?.description;
}
