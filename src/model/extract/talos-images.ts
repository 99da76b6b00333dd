import { isMap, type Node } from 'yaml';
import type { ImageOccurrence } from '../image-occurrence.js';
import type { YamlDocument } from '../yaml.js';
import { getNode, mapEntries, stringValue } from '../yaml.js';
import { helmValuesImages } from './helm-values-images.js';

/** The top-level keys of a Talos `v1alpha1` machine config (or of a patch of one), and SOPS's metadata when it is encrypted. */
const TALOS_KEYS = new Set(['version', 'debug', 'persist', 'machine', 'cluster', 'sops']);

/**
 * A Talos machine config (`talosctl gen config`, talhelper's generated files) or a config patch:
 * only Talos's own top-level keys, with `machine:` or `cluster:` a map.
 */
export function isTalosMachineConfig(root: Node | null | undefined): boolean {
  if (!isMap(root)) return false;
  const keys = mapEntries(root).map((entry) => entry.key);
  if (keys.length === 0 || !keys.every((key) => TALOS_KEYS.has(key))) return false;
  const version = stringValue(getNode(root, 'version'));
  if (version !== undefined && version !== 'v1alpha1') return false;
  return isMap(getNode(root, 'machine')) || isMap(getNode(root, 'cluster'));
}

/**
 * The images a Talos node runs: `machine.kubelet.image`, `machine.install.image` (the installer,
 * which is the OS itself), `cluster.apiServer/controllerManager/scheduler/proxy/etcd/coreDNS.image`
 * and any other `image` Talos adds: nodes pull them as written.
 */
export function talosImages(document: YamlDocument): ImageOccurrence[] {
  const root = document.root;
  if (!isTalosMachineConfig(root)) return [];
  return ['machine', 'cluster'].flatMap((section) => {
    const node = getNode(root, section);
    return node ? helmValuesImages(document.file, node, `Talos ${section}`, undefined, { referenceShaped: true }) : [];
  });
}
