import path from 'node:path';
import { apiGroup } from '../../model/kubernetes.js';
import { isTemplatedValue } from '../../model/git-ref.js';
import { parseKustomizeRemote } from '../../model/remote-refs.js';
import type { Span } from '../../model/span.js';
import { parseTerraformSource } from '../../model/terraform-source.js';
import type { Workspace } from '../../model/workspace.js';
import { getNode, seqItems } from '../../model/yaml.js';
import { objectsWithRendered } from '../operators/chart-objects.js';
import { defineRule } from '../rule.js';
import { argoRevisionSites } from './argo-sources.js';
import { chartDependencies, isRemoteDependency } from './chart-dependencies.js';
import { REMOTE_FIELDS } from './kustomize-remote-unpinned.js';
import { sourceAllowed, sourceLocation, terraformRegistryLocation } from './source-allow-list.js';
import { deref, existsInTree, scalarText, valuesOf } from './support.js';

/** One place the repository names something the cluster will be built from. */
interface SourceUse {
  readonly where: string;
  readonly url: string;
  readonly location: string;
  readonly span: Span;
}

const FLUX_SOURCES = new Set(['GitRepository', 'HelmRepository', 'OCIRepository']);

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

function sourceUses(workspace: Workspace): SourceUse[] {
  const uses: SourceUse[] = [];
  const add = (where: string, url: string, span: Span, location = sourceLocation(url)): void => {
    if (location !== undefined && !isTemplatedValue(url)) uses.push({ where, url, location, span });
  };
  for (const object of objectsWithRendered(workspace)) {
    for (const site of argoRevisionSites(object)) if (site.repoURL) add(site.where, site.repoURL.value, site.repoURL.span);
    const group = apiGroup(object);
    const spec = deref(object.source, getNode(object.node, 'spec'));
    const urlOf = (node: unknown) => scalarText(object.source.file, deref(object.source, getNode(node, 'url')));
    const where = `${object.kind}/${object.name ?? '(unnamed)'}${object.renderedFrom ? ` (${object.renderedFrom})` : ''}`;
    const url = group === 'source.toolkit.fluxcd.io' && FLUX_SOURCES.has(object.kind) ? urlOf(spec)
      : group === 'fluxcd.controlplane.io' && object.kind === 'FluxInstance' ? urlOf(deref(object.source, getNode(spec, 'sync')))
      : undefined;
    if (url) add(where, url.value, url.span);
  }
  for (const document of workspace.kustomizations()) {
    for (const field of REMOTE_FIELDS) {
      for (const item of valuesOf(document, document.root, field).flatMap(seqItems)) {
        const entry = scalarText(document.file, deref(document, item));
        if (!entry || existsInTree(workspace, path.posix.join(document.file.directory || '.', entry.value))) continue;
        const remote = parseKustomizeRemote(entry.value);
        if (remote) add(`${document.file.path} ${field}`, entry.value, entry.span, remote.repository);
      }
    }
  }
  for (const chart of chartDependencies(workspace)) {
    for (const dependency of chart.dependencies) {
      if (!dependency.repository || !isRemoteDependency(dependency)) continue;
      add(`chart ${chart.file.path} dependency ${dependency.name?.value ?? '(unnamed)'}`, dependency.repository.value, dependency.repository.span);
    }
  }
  for (const hcl of workspace.terraformFiles()) {
    for (const block of hcl.body.blocks) {
      const source = block.type === 'module' ? block.attributes.find((attribute) => attribute.name === 'source') : undefined;
      if (source?.stringValue === undefined || !source.stringSpan) continue;
      const parsed = parseTerraformSource(source.stringValue);
      if (!parsed || parsed.kind === 'local') continue;
      const where = `Terraform module "${block.labels[0] ?? '?'}"`;
      if (parsed.kind === 'registry') add(where, source.stringValue, source.stringSpan, terraformRegistryLocation(parsed.address));
      else if (parsed.kind === 'git') add(where, source.stringValue, source.stringSpan, parsed.remote.repository);
      else add(where, source.stringValue, source.stringSpan, sourceLocation(source.stringValue.replace(/^[a-z0-9]+::/i, '').replace(/\?.*$/, '')));
    }
  }
  return uses;
}
