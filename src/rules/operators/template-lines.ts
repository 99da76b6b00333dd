import type { SourceFile } from '../../model/source-file.js';
import type { Span } from '../../model/span.js';
import type { Workspace } from '../../model/workspace.js';
import { perWorkspace } from './memo.js';

/**
 * Chart templates and manifests in other template languages (Go, Jinja, FreeMarker, ERB) are not YAML until rendered, so they are read line
 * by line, and only literal text counts: `privileged: true` written as such renders as such, while
 * `privileged: {{ .Values.privileged }}` is judged where the values are.
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

/** Literal `privileged: true`, `hostNetwork: true`… lines. */
export function literalFlags(file: SourceFile, keys: readonly string[]): LiteralMatch[] {
  return [...file.text.matchAll(FLAG_LINE)].flatMap((match) => {
    const key = match[1] ?? '';
    if (!keys.includes(key)) return [];
    const start = (match.index ?? 0) + match[0].lastIndexOf('true');
    return [{ file, key, value: 'true', span: file.span(start, start + 4) }];
  });
}

/** Literal `hostPath:` paths, block or flow style. */
export function literalHostPaths(file: SourceFile): LiteralMatch[] {
  const found: LiteralMatch[] = [];
  for (const match of file.text.matchAll(HOST_PATH_BLOCK)) found.push(valueMatch(file, match, match[3] ?? '', 'hostPath'));
  for (const match of file.text.matchAll(HOST_PATH_INLINE)) found.push(valueMatch(file, match, match[2] ?? '', 'hostPath'));
  return found;
}

/** `roleRef:` blocks naming cluster-admin, in templates that define a binding. */
export function literalClusterAdminRefs(file: SourceFile): Array<LiteralMatch & { bindingKind: string }> {
  const bindingKind = /^kind:[ \t]*(ClusterRoleBinding|RoleBinding)[ \t]*$/m.exec(file.text)?.[1];
  if (!bindingKind) return [];
  return [...file.text.matchAll(CLUSTER_ADMIN_REF)].map((match) => ({ ...valueMatch(file, match, 'cluster-admin', 'roleRef'), bindingKind }));
}

function valueMatch(file: SourceFile, match: RegExpMatchArray, value: string, key: string): LiteralMatch {
  const start = (match.index ?? 0) + match[0].lastIndexOf(value);
  return { file, key, value, span: file.span(start, start + value.length) };
}
