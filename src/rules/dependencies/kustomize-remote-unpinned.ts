import path from 'node:path';
import { classifyGitRef, describeGitRef, isTemplatedValue } from '../../model/git-ref.js';
import { parseKustomizeRemote, spanWithin, type RemoteSource } from '../../model/remote-refs.js';
import type { Span } from '../../model/span.js';
import { seqItems, type YamlDocument } from '../../model/yaml.js';
import { defineRule } from '../rule.js';
import { deref, existsInTree, scalarText, valuesOf } from './support.js';

export const REMOTE_FIELDS = ['resources', 'bases', 'components'] as const;

export default defineRule({
  id: 'kustomize-remote-unpinned',
  layer: 'dependencies',
  severity: 'high',
  objectKinds: [],
  summary: 'A remote Kustomize resource, base, component, patch or generator file is not pinned to a full commit SHA.',
  rationale:
    'Kustomize fetches remote `resources`, `bases` and `components` every time the overlay is built: by Argo CD or ' +
    'Flux on every reconciliation. A branch (or no `?ref=`, which means the default branch), a raw-file URL on a ' +
    'branch or a GitHub `releases/latest/download/` asset (the newest release) lets whoever can push to that other repository change what is applied to your cluster, without a commit ' +
    'or review in yours. A tag is better but still mutable: it can be deleted and re-created on other content, so it ' +
    'is reported at medium severity. Only a full 40-hex (or 64-hex) commit SHA names fixed content. Patch files ' +
    '(`patches[].path`, `patchesStrategicMerge`, `patchesJson6902[].path`), `replacements[].path` and the `files`, ' +
    '`envs` and `env` of `configMapGenerator`/`secretGenerator` may be http(s) URLs too, fetched on every build the same way.',
  remediation:
    'Pin the remote to a commit: `https://github.com/org/repo//path?ref=<40-hex sha>` (keep the tag in a comment), ' +
    'or for raw files use the commit in the URL path. Better still, vendor the manifests into this repository. ' +
    'Renovate can keep the SHA current through pull requests.',
  references: [
    'https://github.com/kubernetes-sigs/kustomize/blob/master/examples/remoteBuild.md',
    'https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/resource/',
    'https://github.com/ossf/scorecard/blob/main/docs/checks.md#pinned-dependencies',
  ],
  messages: {
    unpinned: 'Remote {field} entry {url} follows {ref}: whoever can push to {repository} changes what this overlay applies. Pin it to a full commit SHA.',
    mutable: 'Remote {field} entry {url} is pinned to {ref}, not to a commit: a tag can be moved or re-created (medium severity: better than a branch, still mutable).',
    asset: 'Remote {field} entry {url} is a release asset of {ref}: release assets can be deleted and re-uploaded, and a tag moved (medium severity). Vendor the file or fetch it from a commit.',
    unversioned: 'Remote {field} entry {url} is a file fetched over HTTP with nothing pinning its content.',
    latestAsset: 'Remote {field} entry {url} is an asset of the newest release (releases/latest): each new release of {repository} changes what this overlay applies. Pin it to a commit, or vendor the file.',
  },
  examples: {
    bad: [{ file: 'kustomization.yaml', code: 'resources:\n  - github.com/acme/platform//base?ref=main # expect: kustomize-remote-unpinned\n  - https://raw.githubusercontent.com/acme/platform/v1.2.0/crds.yaml # expect: kustomize-remote-unpinned\n' }],
    good: [{ file: 'kustomization.yaml', code: 'resources:\n  - deployment.yaml\n  - github.com/acme/platform//base?ref=0123456789abcdef0123456789abcdef01234567\n' }],
  },
  check(context) {
    const { workspace } = context;
    for (const document of workspace.kustomizations()) {
      const file = document.file;
      // an alias (`- *remote`) repeats its anchor's value: report the written text once
      const seen = new Set<number>();
      for (const field of REMOTE_FIELDS) {
        for (const item of valuesOf(document, document.root, field).flatMap(seqItems)) {
          const entry = scalarText(file, deref(document, item));
          if (!entry || isTemplatedValue(entry.value) || seen.has(entry.span.start)) continue;
          seen.add(entry.span.start);
          if (existsInTree(workspace, path.posix.join(file.directory || '.', entry.value))) continue;
          reportRemote(field, entry.value, entry.span);
        }
      }
      // patches and generator files are read by Kustomize's file loader, which fetches http(s) URLs (not git remotes)
      for (const { field, node } of loadedFiles(document)) {
        const entry = scalarText(file, deref(document, node));
        if (!entry || seen.has(entry.span.start)) continue;
        seen.add(entry.span.start);
        // a generator source may name its key first: `files: [dashboard.json=https://…]`
        const url = /^(?:[^=/:]+=)?(https?:\/\/\S+)$/i.exec(entry.value)?.[1];
        if (url === undefined || isTemplatedValue(url)) continue;
        const offset = entry.value.length - url.length;
        const written = entry.span.end - entry.span.start === entry.value.length;
        reportRemote(field, url, written ? spanWithin(entry.span, { start: offset, end: entry.value.length }) : entry.span);
      }
    }

    function reportRemote(field: string, url: string, span: Span): void {
      const remote = parseKustomizeRemote(url);
      if (!remote) return;
      const verdict = remoteVerdict(remote, url);
      if (!verdict) return;
      const at = remote.refRange ? spanWithin(span, remote.refRange) : span;
      const properties = { repository: remote.repository, ...(remote.ref !== undefined ? { ref: remote.ref } : {}) };
      context.report({ messageId: verdict.messageId, at, data: { field, url, repository: remote.repository, ref: verdict.ref }, subject: url, properties, ...(verdict.severity ? { severity: verdict.severity } : {}) });
    }
  },
});

const GENERATORS = ['configMapGenerator', 'secretGenerator'] as const;

/** Entries Kustomize reads as files: patch paths, strategic-merge patch files, replacement files, generator sources. */
function loadedFiles(document: YamlDocument): Array<{ field: string; node: unknown }> {
  const root = document.root;
  const found: Array<{ field: string; node: unknown }> = [];
  for (const field of ['patches', 'patchesJson6902', 'replacements'] as const) {
    for (const item of valuesOf(document, root, field).flatMap(seqItems)) {
      for (const node of valuesOf(document, item, 'path')) found.push({ field: `${field} path`, node });
    }
  }
  for (const node of valuesOf(document, root, 'patchesStrategicMerge').flatMap(seqItems)) found.push({ field: 'patchesStrategicMerge', node });
  for (const generator of GENERATORS) {
    for (const item of valuesOf(document, root, generator).flatMap(seqItems)) {
      for (const key of ['files', 'envs'] as const) {
        for (const node of valuesOf(document, item, key).flatMap(seqItems)) found.push({ field: `${generator} ${key}`, node });
      }
      for (const node of valuesOf(document, item, 'env')) found.push({ field: `${generator} env`, node });
    }
  }
  return found;
}

export interface RemoteVerdict {
  readonly messageId: 'unpinned' | 'mutable' | 'asset' | 'unversioned' | 'latestAsset';
  /** the ref described for people (`branch main`, `tag v1.2.0`); empty when there is none */
  readonly ref: string;
  readonly severity?: 'medium';
}

/** How a remote URL (a git remote or a file fetched over HTTP) is pinned; nothing when it names a commit. */
export function remoteVerdict(remote: RemoteSource, url: string): RemoteVerdict | undefined {
  if (remote.kind === 'file' && remote.ref === undefined) return { messageId: remote.latestRelease ? 'latestAsset' : 'unversioned', ref: '' };
  const kind = classifyGitRef(remote.ref);
  if (kind === 'commit') return undefined;
  const ref = describeGitRef(kind, remote.ref);
  if (kind === 'tag' && remote.kind === 'file' && /\/releases\/download\//.test(url)) return { messageId: 'asset', ref, severity: 'medium' };
  if (kind === 'tag' || kind === 'short-commit') return { messageId: 'mutable', ref, severity: 'medium' };
  return { messageId: 'unpinned', ref };
}
