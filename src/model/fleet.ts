import { isScalar, type Node } from 'yaml';
import type { Span } from './span.js';
import type { YamlDocument } from './yaml.js';
import { getNode, innerSpanOf, seqItems, stringValue } from './yaml.js';

/** Rancher Fleet reads each bundle directory's `fleet.yaml` (`fleet.yml` too). */
export function isFleetFile(baseName: string): boolean {
  return baseName === 'fleet.yaml' || baseName === 'fleet.yml';
}

export interface FleetText {
  readonly value: string;
  readonly span: Span;
}

/** One `helm:` block of a fleet.yaml: the bundle's own, or a `targetCustomizations[]` entry's override. */
export interface FleetHelm {
  readonly document: YamlDocument;
  /** `fleet.yaml helm`, `fleet.yaml targetCustomizations[prod] helm` */
  readonly where: string;
  readonly chart?: FleetText;
  readonly repo?: FleetText;
  readonly version?: FleetText;
  readonly values?: Node;
  /** the chart pulled from elsewhere (its repo, or an oci/http address), the bundle's when a target sets none */
  readonly remote?: FleetText;
  /** the remote is a chart archive address (`https://…/chart-1.0.0.tgz`), not a repository a version is picked from */
  readonly remoteIsArchive: boolean;
  readonly isTarget: boolean;
}

/**
 * The Helm blocks of a fleet.yaml. A target customization overrides the bundle's chart, repo,
 * version and values for the clusters it selects, so each is a chart that can be deployed.
 */
export function fleetHelmBlocks(document: YamlDocument): FleetHelm[] {
  if (document.index !== 0 || !isFleetFile(document.file.baseName)) return [];
  const blocks: FleetHelm[] = [];
  const add = (helm: Node | undefined, where: string, isTarget: boolean, bundle?: FleetHelm): void => {
    if (!helm) return;
    const text = (key: string): FleetText | undefined => {
      const node = getNode(helm, key);
      if (!isScalar(node)) return undefined;
      const value = stringValue(node);
      const span = innerSpanOf(document.file, node);
      return value === undefined || !span ? undefined : { value, span };
    };
    const chart = text('chart');
    const repo = text('repo');
    const version = text('version');
    const values = getNode(helm, 'values');
    const own = remoteChart(chart, repo);
    const remote = own ?? bundle?.remote;
    const remoteIsArchive = own ? own === chart && /^https?:\/\//i.test(own.value.trim()) : bundle?.remoteIsArchive ?? false;
    blocks.push({
      document, where, isTarget, remoteIsArchive,
      ...(chart ? { chart } : {}), ...(repo ? { repo } : {}), ...(version ? { version } : {}), ...(values ? { values } : {}), ...(remote ? { remote } : {}),
    });
  };
  const base = document.file.path;
  add(getNode(document.root, 'helm'), `${base} helm`, false);
  const bundle = blocks.find((block) => !block.isTarget);
  seqItems(getNode(document.root, 'targetCustomizations')).forEach((target, index) => {
    const name = stringValue(getNode(target, 'name')) ?? String(index);
    add(getNode(target, 'helm'), `${base} targetCustomizations[${name}] helm`, true, bundle);
  });
  return blocks;
}

/**
 * The chart a block pulls from elsewhere: a `repo`, or a chart given as an `oci://` or
 * `http(s)://` address. A bare path (`./chart`, empty) is the bundle's own files.
 */
export function remoteChart(chart: FleetText | undefined, repo: FleetText | undefined): FleetText | undefined {
  if (repo && repo.value.trim() !== '') return repo;
  if (chart && /^(oci|https?):\/\//i.test(chart.value.trim())) return chart;
  return undefined;
}
