import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { Span } from './span.js';
import type { YamlDocument } from './yaml.js';
import { getNode, innerSpanOf, seqItems, stringValue } from './yaml.js';

export interface HelmfileText {
  readonly value: string;
  readonly span: Span;
}

export interface HelmfileRelease {
  readonly name: string;
  readonly chart?: HelmfileText;
  readonly version?: HelmfileText;
  /** inline values maps of `values:` (file names in that list are other files) */
  readonly values: Node[];
  /** `set:` entries, `{name: image.tag, value: …}` as `--set` takes them */
  readonly set?: Node;
}

export interface Helmfile {
  readonly document: YamlDocument;
  readonly repositories: ReadonlyArray<{ readonly name: string; readonly url: HelmfileText; readonly oci: boolean }>;
  readonly releases: readonly HelmfileRelease[];
}

/** Keys only a helmfile has at its top, beside `releases`. */
const HELMFILE_KEYS = ['helmDefaults', 'repositories', 'environments', 'bases', 'templates', 'helmfiles'];

/** `helmfile.yaml`, `helmfile.d/*.yaml`, or a file with `releases:` beside helmfile's own top-level keys. */
export function isHelmfileDocument(document: YamlDocument): boolean {
  const root = document.root;
  if (!isMap(root) || !isSeq(getNode(root, 'releases'))) return false;
  const { baseName, path } = document.file;
  if (/^helmfile\.ya?ml$/.test(baseName) || /(^|\/)helmfile\.d\//.test(path)) return true;
  return HELMFILE_KEYS.some((key) => getNode(root, key) !== undefined);
}

export function readHelmfile(document: YamlDocument): Helmfile | undefined {
  if (!isHelmfileDocument(document)) return undefined;
  const text = (node: unknown): HelmfileText | undefined => {
    if (!isScalar(node)) return undefined;
    const value = stringValue(node);
    const span = innerSpanOf(document.file, node);
    return value === undefined || !span ? undefined : { value, span };
  };
  const repositories = seqItems(getNode(document.root, 'repositories')).flatMap((entry) => {
    const name = stringValue(getNode(entry, 'name'));
    const url = text(getNode(entry, 'url'));
    const oci = getNode(entry, 'oci');
    return name && url ? [{ name, url, oci: isScalar(oci) && (oci.value === true || oci.value === 'true') }] : [];
  });
  const releases = seqItems(getNode(document.root, 'releases')).flatMap((entry): HelmfileRelease[] => {
    if (!isMap(entry)) return [];
    const chart = text(getNode(entry, 'chart'));
    const version = text(getNode(entry, 'version'));
    const set = getNode(entry, 'set');
    return [{
      name: stringValue(getNode(entry, 'name')) ?? '(unnamed)',
      ...(chart ? { chart } : {}),
      ...(version ? { version } : {}),
      values: seqItems(getNode(entry, 'values')).filter((item) => isMap(item)),
      ...(set ? { set } : {}),
    }];
  });
  return { document, repositories, releases };
}

/** A chart pulled from elsewhere: `oci://…`, or `repo/chart` naming a repository; a path (`./charts/x`, `../x`, `/x`) is local. */
export function isRemoteHelmfileChart(chart: string): boolean {
  const value = chart.trim();
  if (value === '' || /^(\.{1,2}\/|\/|\{\{)/.test(value)) return false;
  return /^oci:\/\//i.test(value) || /^[^/]+\/[^/]+$/.test(value);
}
