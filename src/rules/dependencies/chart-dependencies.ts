import { isMap, type YAMLMap } from 'yaml';
import type { SourceFile } from '../../model/source-file.js';
import type { Span } from '../../model/span.js';
import type { Workspace } from '../../model/workspace.js';
import { getNode, getPair, seqItems, spanOf, type Node, type YamlDocument } from '../../model/yaml.js';
import { deref, joinPath, scalarText, type ScalarText } from './support.js';

export interface ChartDependency {
  readonly name?: ScalarText;
  readonly version?: ScalarText;
  readonly repository?: ScalarText;
  readonly node: YAMLMap;
  /** the item as a whole, for findings about an entry without a usable field */
  readonly span: Span;
}

export interface ChartDependencies {
  readonly directory: string;
  /** `Chart.yaml` (apiVersion v2) or `requirements.yaml` (Helm 2 charts) */
  readonly file: SourceFile;
  /** the `dependencies:` key */
  readonly keySpan: Span;
  readonly dependencies: ChartDependency[];
  /** `Chart.lock` or `requirements.lock` path, present or not */
  readonly lockPath: string;
  readonly lock?: ChartDependency[];
}

/**
 * Dependencies of every chart in the tree with their lock file: Chart.yaml `dependencies`
 * (Helm 3) and, for Helm 2 charts, `requirements.yaml` with `requirements.lock`.
 */
export function chartDependencies(workspace: Workspace): ChartDependencies[] {
  const found: ChartDependencies[] = [];
  const documents = new Map<string, YamlDocument>();
  for (const document of workspace.yamlDocuments()) if (document.index === 0) documents.set(document.file.path, document);
  for (const chart of workspace.helmCharts()) {
    const sources: Array<[YamlDocument | undefined, string]> = [
      [chart.chart, 'Chart.lock'],
      [documents.get(joinPath(chart.directory, 'requirements.yaml')), 'requirements.lock'],
    ];
    for (const [document, lockName] of sources) {
      if (!document) continue;
      const key = getPair(document.root, 'dependencies')?.key as Node | undefined;
      const dependencies = readDependencies(document);
      const keySpan = spanOf(document.file, key);
      if (dependencies.length === 0 || !keySpan) continue;
      const lockPath = joinPath(chart.directory, lockName);
      const lockDocument = documents.get(lockPath);
      found.push({
        directory: chart.directory,
        file: document.file,
        keySpan,
        dependencies,
        lockPath,
        ...(lockDocument ? { lock: readDependencies(lockDocument) } : {}),
      });
    }
  }
  return found;
}

function readDependencies(document: YamlDocument): ChartDependency[] {
  const file = document.file;
  const dependencies: ChartDependency[] = [];
  for (const item of seqItems(deref(document, getNode(document.root, 'dependencies')))) {
    const node = deref(document, item);
    const span = spanOf(file, node);
    if (!isMap(node) || !span) continue;
    const field = (key: string): ScalarText | undefined => scalarText(file, deref(document, getNode(node, key)));
    const name = field('name');
    const version = field('version');
    const repository = field('repository');
    dependencies.push({ node, span, ...(name ? { name } : {}), ...(version ? { version } : {}), ...(repository ? { repository } : {}) });
  }
  return dependencies;
}

/** A dependency fetched from a chart repository or OCI registry, not a chart of this tree (`file://`, or `charts/`). */
export function isRemoteDependency(dependency: ChartDependency): boolean {
  const repository = dependency.repository?.value.trim() ?? '';
  return repository !== '' && !repository.startsWith('file://');
}

/** `https://charts.example.com/` and `https://charts.example.com` are the same repository. */
export function sameRepository(a: string, b: string): boolean {
  return a.trim().replace(/\/+$/, '').toLowerCase() === b.trim().replace(/\/+$/, '').toLowerCase();
}
