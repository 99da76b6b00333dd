import { defineRule } from '../rule.js';
import { sourceAllowed } from './source-allow-list.js';
import { sourceUses } from './source-uses.js';

export default defineRule({
  id: 'source-not-allowed',
  layer: 'dependencies',
  severity: 'high',
  summary: 'A Git repository, Helm repository, OCI artifact or Terraform module comes from outside the configured `sources.allowed`.',
  rationale:
    'GitOps deploys what its sources hold. An Argo CD `repoURL`, a Flux source, a Kustomize remote base, a chart ' +
    'dependency or a Terraform module from a host or organisation nobody vetted puts a stranger\'s repository in the ' +
    'path to production: whoever can push there changes the cluster. An allow-list of Git hosts and organisations, ' +
    'chart repositories and OCI registries makes every new source a reviewed change of `.rampart.yaml`, as ' +
    '`registries.allowed` does for images.',
  remediation:
    'Mirror the repository or chart into an allowed organisation or registry and point the source there, or add it to ' +
    '`sources.allowed` in `.rampart.yaml` after review. The rule is silent until an allow-list is configured.',
  references: [
    'https://argo-cd.readthedocs.io/en/stable/user-guide/projects/#sourcerepos',
    'https://fluxcd.io/flux/installation/configuration/multitenancy/',
    'https://slsa.dev/spec/v1.0/threats',
  ],
  messages: {
    notAllowed: '{where} takes {url} ({location}), which is not in the allowed sources ({allowed}).',
  },
  examples: {
    bad: [{ file: 'app.yaml', config: 'sources:\n  allowed: [github.com/acme, oci://ghcr.io/acme/charts]\n', code: 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: web}\nspec:\n  project: web\n  source:\n    repoURL: https://github.com/someone-else/web # expect: source-not-allowed\n    path: deploy\n    targetRevision: 0123456789abcdef0123456789abcdef01234567\n' }],
    good: [{ file: 'app.yaml', config: 'sources:\n  allowed: [github.com/acme, oci://ghcr.io/acme/charts]\n', code: 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: web}\nspec:\n  project: web\n  source:\n    repoURL: git@github.com:acme/web.git\n    path: deploy\n    targetRevision: 0123456789abcdef0123456789abcdef01234567\n' }],
  },
  check(context) {
    const allowed = context.config.allowedSources;
    if (allowed.length === 0) return;
    for (const use of sourceUses(context.workspace)) {
      if (sourceAllowed(use.location, allowed)) continue;
      context.report({
        messageId: 'notAllowed',
        at: use.span,
        data: { where: use.where, url: use.url, location: use.location, allowed: allowed.join(', ') },
        subject: `${use.where}\0${use.location}`,
        properties: { source: use.location },
      });
    }
  },
});
