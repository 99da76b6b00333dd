import { isScalar, parseDocument, type Node } from 'yaml';
import { parseRefusal } from '../../model/parse-limits.js';
import { ResolvedYaml } from '../../model/yaml-resolved.js';
import type { YamlDocument } from '../../model/yaml.js';
import type { Workspace } from '../../model/workspace.js';
import { defineRule } from '../rule.js';
import { argocdSettings } from './argocd-settings.js';
import { functionRuntime, isInlineConfig, isLegacyPlugin, PLUGIN_FIELDS, referencedDocuments } from './kustomize-plugins.js';
import { documentSpan } from './spans.js';

/** `kustomize.buildOptions`, and per installed version `kustomize.buildOptions.v5.4.2` */
const BUILD_OPTIONS = /^kustomize\.buildOptions(?:\..+)?$/;
/** `--enable-exec` runs exec KRM functions; `--enable-alpha-plugins` runs legacy exec plugins */
const EXEC_FLAGS = new Set(['--enable-exec', '--enable-alpha-plugins', '--enable_alpha_plugins']);

export default defineRule({
  id: 'kustomize-exec-function',
  layer: 'operators',
  severity: 'high',
  summary: 'A Kustomize exec KRM function, kpt `exec` step or legacy exec plugin makes whoever builds the overlay run a local program.',
  rationale:
    'An `exec` function (`config.kubernetes.io/function: {exec: {path: ./fn.sh}}`), a kpt pipeline `exec` step or a ' +
    'legacy plugin referenced from `generators:`/`transformers:` runs a program on the machine that builds the ' +
    'manifests, with its credentials: a CI runner, a developer laptop, an Argo CD repo-server configured with ' +
    '`--enable-alpha-plugins --enable-exec`. A change to the repository becomes code execution there, outside any sandbox.',
  remediation:
    'Use a built-in generator or transformer, or a containerized KRM function (`container: {image: ...@sha256:...}`) that ' +
    'runs without network or host access. Never enable `--enable-exec` on a shared build host (Argo CD repo-server).',
  references: [
    'https://kubectl.docs.kubernetes.io/guides/extending_kustomize/exec_krm_functions/',
    'https://kubectl.docs.kubernetes.io/guides/extending_kustomize/exec_plugins/',
    'https://github.com/kubernetes-sigs/kustomize/blob/master/cmd/config/docs/api-conventions/functions-spec.md',
    'https://argo-cd.readthedocs.io/en/stable/user-guide/kustomize/#kustomize-build-options',
  ],
  messages: {
    exec: '{where} is an exec KRM function{program}: building it runs a local program.',
    kpt: 'Kptfile pipeline step runs local program {program}.',
    legacy: 'kustomization {field} entry {entry} is a legacy plugin ({apiVersion} {kind}): kustomize runs the plugin program installed for it.',
    argocd: '{source} sets {key} with {flags}: every Kustomization Argo CD builds may run local programs in the repo-server.',
  },
  examples: {
    bad: [{ file: 'generator.yaml', code: 'apiVersion: acme.example/v1\nkind: SecretFetcher\nmetadata:\n  name: fetch\n  annotations:\n    config.kubernetes.io/function: | # expect: kustomize-exec-function\n      exec:\n        path: ./plugins/fetch.sh\n' }],
    good: [{ file: 'generator.yaml', code: 'apiVersion: acme.example/v1\nkind: SecretFetcher\nmetadata:\n  name: fetch\n  annotations:\n    config.kubernetes.io/function: |\n      container:\n        image: ghcr.io/acme/fetch@sha256:0b3b6ae2c3d9d5a1e1f6f0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1\n' }],
  },
  check(context) {
    const { workspace } = context;
    for (const document of workspace.yamlDocuments()) {
      const view = new ResolvedYaml(document.document);
      const fn = functionRuntime(view, document.root ?? undefined);
      if (fn?.runtime === 'exec') {
        const kind = view.string(document.root, 'kind') ?? 'function config';
        context.report({ messageId: 'exec', at: documentSpan(document, fn.node), data: { where: `${kind}/${view.string(document.root, 'metadata', 'name') ?? '(unnamed)'}`, program: fn.program ? ` (${fn.program})` : '' }, subject: `${document.file.path} ${kind}` });
      }
      if (view.string(document.root, 'kind') === 'Kptfile') {
        for (const stage of ['mutators', 'validators']) {
          for (const step of view.items(view.path(document.root, 'pipeline', stage))) {
            const exec = view.get(step, 'exec');
            if (exec !== undefined) context.report({ messageId: 'kpt', at: documentSpan(document, exec), data: { program: view.string(exec) ?? '' }, subject: `Kptfile ${view.string(exec) ?? ''}` });
          }
        }
      }
    }
    for (const source of argocdSettings(workspace, 'argocd-cm')) {
      for (const setting of source.settings) {
        const flags = setting.value.split(/\s+/).filter((flag) => EXEC_FLAGS.has(flag.split('=')[0]!));
        if (!BUILD_OPTIONS.test(setting.key) || flags.length === 0) continue;
        context.report({ messageId: 'argocd', at: setting.span, data: { source: source.label, key: setting.key, flags: flags.join(' ') }, subject: `${source.label} ${setting.key}` });
      }
    }
    for (const kustomization of workspace.kustomizations()) reportLegacyPlugins(kustomization, (entry, field, plugin, node) =>
      context.report({ messageId: 'legacy', at: documentSpan(kustomization, node), data: { field, entry, ...plugin }, subject: `${field} ${entry}` }), workspace);
  },
});

type LegacyReport = (entry: string, field: string, plugin: { apiVersion: string; kind: string }, node: unknown) => void;

function reportLegacyPlugins(kustomization: YamlDocument, report: LegacyReport, workspace: Workspace): void {
  const view = new ResolvedYaml(kustomization.document);
  for (const field of PLUGIN_FIELDS) {
    for (const entry of view.items(view.get(kustomization.root, field))) {
      if (isInlineConfig(entry)) {
        const inline = isScalar(entry) ? String(entry.value) : undefined;
        if (inline !== undefined && parseRefusal(inline)) continue;
        const parsed = inline !== undefined ? parseDocument(inline) : undefined;
        const plugin = parsed ? isLegacyPlugin(new ResolvedYaml(parsed), (parsed.contents ?? undefined) as Node | undefined) : isLegacyPlugin(view, entry);
        if (plugin) report('(inline)', field, plugin, entry);
        continue;
      }
      const text = view.string(entry);
      if (text === undefined) continue;
      for (const document of referencedDocuments(workspace, kustomization, text.trim())) {
        const plugin = isLegacyPlugin(new ResolvedYaml(document.document), document.root ?? undefined);
        if (plugin) report(text, field, plugin, entry);
      }
    }
  }
}
