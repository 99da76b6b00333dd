import { isTemplatedValue } from '../../model/git-ref.js';
import { isTalosMachineConfig } from '../../model/extract/talos-images.js';
import { parseKustomizeRemote, spanWithin } from '../../model/remote-refs.js';
import { getNode, seqItems } from '../../model/yaml.js';
import { defineRule } from '../rule.js';
import { remoteVerdict } from './kustomize-remote-unpinned.js';
import { deref, scalarText } from './support.js';

/** Talos applies the manifests at these URLs to the cluster it bootstraps, and again on upgrades. */
const TALOS_MANIFEST_LISTS: ReadonlyArray<readonly string[]> = [['extraManifests'], ['externalCloudProvider', 'manifests']];

export default defineRule({
  id: 'cluster-manifest-unpinned',
  layer: 'dependencies',
  severity: 'high',
  objectKinds: [],
  summary: 'A manifest URL that a cluster bootstrapper applies (Talos `cluster.extraManifests`, `externalCloudProvider.manifests`) is not pinned to a commit.',
  rationale:
    'Talos downloads each `extraManifests` URL and applies it to the cluster with full rights when the cluster is ' +
    'bootstrapped and on every upgrade. A raw file on a branch is whatever that branch holds at the time: whoever can push ' +
    'there (or take over the account) installs cluster-admin workloads without a commit in this repository. A release ' +
    'asset or a tag is better but can be replaced (medium severity); only a commit SHA in the URL fixes the content.',
  remediation:
    'Point the URL at a commit (`https://raw.githubusercontent.com/org/repo/<40-hex sha>/path.yaml`), or put the manifest ' +
    'in `inlineManifests` or in the GitOps tree so it is reviewed like everything else.',
  references: [
    'https://www.talos.dev/latest/reference/configuration/v1alpha1/config/#Config.cluster.extraManifests',
    'https://github.com/ossf/scorecard/blob/main/docs/checks.md#pinned-dependencies',
  ],
  messages: {
    unpinned: '{where} applies {url}, which follows {ref}: whoever can push to {repository} changes what the cluster runs. Pin it to a commit.',
    mutable: '{where} applies {url}, pinned to {ref}, not to a commit: a tag can be moved or re-created (medium severity).',
    asset: '{where} applies {url}, a release asset of {ref}: release assets can be deleted and re-uploaded (medium severity).',
    unversioned: '{where} applies {url}, a file fetched over HTTP with nothing pinning its content.',
  },
  examples: {
    bad: [{ file: 'controlplane.yaml', code: 'version: v1alpha1\ncluster:\n  extraManifests:\n    - https://raw.githubusercontent.com/acme/platform/main/bootstrap.yaml # expect: cluster-manifest-unpinned\n' }],
    good: [{ file: 'controlplane.yaml', code: 'version: v1alpha1\ncluster:\n  extraManifests:\n    - https://raw.githubusercontent.com/acme/platform/0123456789abcdef0123456789abcdef01234567/bootstrap.yaml\n' }],
  },
  check(context) {
    for (const document of context.workspace.yamlDocuments()) {
      if (!document.file.mentions('anifests') || !isTalosMachineConfig(document.root)) continue;
      const cluster = getNode(document.root, 'cluster');
      for (const keys of TALOS_MANIFEST_LISTS) {
        const list = keys.reduce<unknown>((node, key) => getNode(node, key), cluster);
        const where = `Talos cluster.${keys.join('.')}`;
        for (const item of seqItems(list)) {
          const entry = scalarText(document.file, deref(document, item));
          if (!entry || isTemplatedValue(entry.value)) continue;
          const remote = parseKustomizeRemote(entry.value);
          if (!remote) continue;
          const at = remote.refRange ? spanWithin(entry.span, remote.refRange) : entry.span;
          const data = { where, url: entry.value, repository: remote.repository };
          const properties = { repository: remote.repository, ...(remote.ref !== undefined ? { ref: remote.ref } : {}) };
          const verdict = remoteVerdict(remote, entry.value);
          if (!verdict) continue;
          // `releases/latest` is a moving asset like any unversioned file here
          const messageId = verdict.messageId === 'latestAsset' ? 'unversioned' : verdict.messageId;
          context.report({ messageId, at, data: { ...data, ref: verdict.ref }, subject: entry.value, properties, ...(verdict.severity ? { severity: verdict.severity } : {}) });
        }
      }
    }
  },
});
