import { isMap, isScalar } from 'yaml';
import type { SourceFile } from './source-file.js';
import type { Span } from './span.js';
import { getNode, getPath, innerSpanOf, parseYamlFile, seqItems, spanOf, stringValue } from './yaml.js';

/** A git dependency of a jsonnet-bundler `jsonnetfile.json` (or of its lock). */
export interface JsonnetDependency {
  readonly file: SourceFile;
  /** `https://github.com/grafana/jsonnet-libs` as written */
  readonly remote: string;
  readonly remoteSpan: Span;
  readonly subdir: string;
  readonly version?: { readonly value: string; readonly span: Span };
  /** where to report when there is no version */
  readonly span: Span;
}

export function isJsonnetfile(file: SourceFile): boolean {
  return file.baseName === 'jsonnetfile.json' || file.baseName === 'jsonnetfile.lock.json';
}

/** The git dependencies of a jsonnetfile.json or jsonnetfile.lock.json (`local` sources are part of the tree). */
export function jsonnetDependencies(file: SourceFile): JsonnetDependency[] {
  const parsed = parseYamlFile(file);
  if (parsed.diagnostics.length > 0) return [];
  return parsed.documents.flatMap((document) => seqItems(getNode(document.root, 'dependencies')).flatMap((dependency) => {
    const git = getPath(dependency, 'source', 'git');
    if (!isMap(git)) return [];
    const remoteNode = getNode(git, 'remote');
    const remote = stringValue(remoteNode);
    const remoteSpan = isScalar(remoteNode) ? innerSpanOf(file, remoteNode) : undefined;
    const span = spanOf(file, dependency);
    if (!remote || !remoteSpan || !span) return [];
    const versionNode = getNode(dependency, 'version');
    const value = stringValue(versionNode);
    const versionSpan = isScalar(versionNode) ? innerSpanOf(file, versionNode) : undefined;
    return [{
      file, remote, remoteSpan, span,
      subdir: stringValue(getNode(git, 'subdir')) ?? '',
      ...(value !== undefined && versionSpan ? { version: { value, span: versionSpan } } : {}),
    }];
  }));
}

/** `https://github.com/x/y.git/` and `https://github.com/x/y` are one repository, as jb reads them. */
export function jsonnetDependencyKey(remote: string, subdir: string): string {
  const repository = remote.trim().replace(/\/+$/, '').replace(/\.git$/, '').replace(/^[a-z+]+:\/\//i, '').replace(/^git@([^:]+):/, '$1/').toLowerCase();
  return `${repository}\0${subdir.replace(/^\/+|\/+$/g, '')}`;
}
