import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { Span } from './span.js';
import { getNode, innerSpanOf, seqItems, stringValue, type YamlDocument } from './yaml.js';

interface ChartfileText {
  readonly value: string;
  readonly span: Span;
}

/** `requires[]` of a Tanka `chartfile.yaml`: `chart: <repository>/<name>` at `version`. */
export interface TankaChart {
  readonly chart: ChartfileText;
  readonly version?: ChartfileText;
  /** the URL of the repository the chart's prefix names, when the chartfile lists it */
  readonly repositoryUrl?: string;
}

export interface TankaChartfile {
  readonly repositories: ReadonlyArray<{ readonly name: string; readonly url: ChartfileText }>;
  readonly requires: readonly TankaChart[];
}

/**
 * Tanka's `chartfile.yaml` (`tk tool charts init/add/vendor`): `repositories` by name and URL, and
 * the charts `requires` lists, which `tk tool charts vendor` pulls at `version` into `directory`.
 */
export function readTankaChartfile(document: YamlDocument): TankaChartfile | undefined {
  const root = document.root;
  if (document.file.baseName !== 'chartfile.yaml' || !isMap(root) || !isSeq(getNode(root, 'requires'))) return undefined;
  const text = (node: Node | undefined): ChartfileText | undefined => {
    if (!isScalar(node)) return undefined;
    const value = stringValue(node)?.trim();
    const span = innerSpanOf(document.file, node);
    return value && span ? { value, span } : undefined;
  };
  const repositories = seqItems(getNode(root, 'repositories')).flatMap((entry) => {
    const name = stringValue(getNode(entry, 'name'))?.trim();
    const url = text(getNode(entry, 'url'));
    return name && url ? [{ name, url }] : [];
  });
  const requires = seqItems(getNode(root, 'requires')).flatMap((entry) => {
    const chart = text(getNode(entry, 'chart'));
    if (!chart) return [];
    const version = text(getNode(entry, 'version'));
    const prefix = chart.value.slice(0, chart.value.indexOf('/'));
    const repositoryUrl = repositories.find((repository) => repository.name === prefix)?.url.value;
    return [{ chart, ...(version ? { version } : {}), ...(repositoryUrl ? { repositoryUrl } : {}) }];
  });
  return { repositories, requires };
}
