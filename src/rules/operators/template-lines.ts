import type { SourceFile } from '../../model/source-file.js';
import type { Span } from '../../model/span.js';
import type { Workspace } from '../../model/workspace.js';
import { perWorkspace } from './memo.js';
import { offByDefault } from './template-guards.js';

/**
 * Chart templates and manifests in other template languages (Go, Jinja, FreeMarker, ERB) are not YAML until rendered, so they are read line
 * by line, and only literal text counts: `privileged: true` written as such renders as such, while
 * `privileged: {{ .Values.privileged }}` is judged where the values are. A literal line inside a guard on a value
 * the chart leaves off (`{{- if .Values.hostNetwork }}`) renders only for whoever turns it on: see template-guards.ts.
 */
export function templatedFiles(workspace: Workspace): SourceFile[] {
  return perWorkspace(workspace, 'templated-files', () => findTemplatedFiles(workspace));
}

function findTemplatedFiles(workspace: Workspace): SourceFile[] {
  return [...workspace.filesOfKind('helm-template'), ...workspace.templatedManifests()];
}

export interface LiteralMatch {
  readonly file: SourceFile;
  readonly span: Span;
  readonly value: string;
  readonly key: string;
}

const FLAG_LINE = /^[ \t]*(?:-[ \t]+)?(privileged|hostNetwork|hostPID|hostIPC|hostProcess):[ \t]*(true)[ \t]*(?:#.*)?\r?$/gm;
const HOST_PATH_BLOCK = /^([ \t]*)(?:-[ \t]+)?hostPath:[ \t]*\r?\n\1[ \t]+path:[ \t]*(["']?)(\/[^"'\s#{}]*)\2[ \t]*(?:#.*)?\r?$/gm;
const HOST_PATH_INLINE = /hostPath:[ \t]*\{[ \t]*path:[ \t]*(["']?)(\/[^"'\s#{},]*)\1/g;
const CLUSTER_ADMIN_REF = /^([ \t]*)roleRef:[ \t]*\r?\n(?:\1[ \t]+[^\n]*\r?\n){0,3}?\1[ \t]+name:[ \t]*(["']?)(cluster-admin)\2[ \t]*(?:#.*)?\r?$/gm;

/** Literal `privileged: true`, `hostNetwork: true`… lines that render with the chart's default values. */
export function literalFlags(workspace: Workspace, file: SourceFile, keys: readonly string[]): LiteralMatch[] {
  return rendered(workspace, [...file.text.matchAll(FLAG_LINE)].flatMap((match) => {
    const key = match[1] ?? '';
    if (!keys.includes(key)) return [];
    const start = (match.index ?? 0) + match[0].lastIndexOf('true');
    return [{ file, key, value: 'true', span: file.span(start, start + 4) }];
  }));
}

/** Literal `hostPath:` paths, block or flow style, that render with the chart's default values. */
export function literalHostPaths(workspace: Workspace, file: SourceFile): LiteralMatch[] {
  const found: LiteralMatch[] = [];
  for (const match of file.text.matchAll(HOST_PATH_BLOCK)) found.push(valueMatch(file, match, match[3] ?? '', 'hostPath'));
  for (const match of file.text.matchAll(HOST_PATH_INLINE)) found.push(valueMatch(file, match, match[2] ?? '', 'hostPath'));
  return rendered(workspace, found);
}

/** `roleRef:` blocks naming cluster-admin, in templates that define a binding, that render with the chart's default values. */
export function literalClusterAdminRefs(workspace: Workspace, file: SourceFile): Array<LiteralMatch & { bindingKind: string }> {
  const bindingKind = /^kind:[ \t]*(ClusterRoleBinding|RoleBinding)[ \t]*$/m.exec(file.text)?.[1];
  if (!bindingKind) return [];
  return rendered(workspace, [...file.text.matchAll(CLUSTER_ADMIN_REF)].map((match) => ({ ...valueMatch(file, match, 'cluster-admin', 'roleRef'), bindingKind })));
}

function rendered<T extends LiteralMatch>(workspace: Workspace, matches: T[]): T[] {
  return matches.filter((match) => !offByDefault(workspace, match.file, match.span.start));
}

function valueMatch(file: SourceFile, match: RegExpMatchArray, value: string, key: string): LiteralMatch {
  const start = (match.index ?? 0) + match[0].lastIndexOf(value);
  return { file, key, value, span: file.span(start, start + value.length) };
}
