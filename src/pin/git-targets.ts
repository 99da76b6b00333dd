import path from 'node:path';
import { isMap, isScalar, isSeq } from 'yaml';
import { parseActionUses } from '../model/action-uses.js';
import { isFullCommitSha, isTemplatedValue } from '../model/git-ref.js';
import type { TextEdit } from '../model/finding.js';
import { parseKustomizeRemote, spanWithin, type RemoteSource } from '../model/remote-refs.js';
import type { SourceFile } from '../model/source-file.js';
import type { Span } from '../model/span.js';
import { allBlocks } from '../model/terraform.js';
import { parseTerraformSource } from '../model/terraform-source.js';
import type { Workspace } from '../model/workspace.js';
import { isActionFile, isWorkflowFile } from '../model/extract/yaml-tool-images.js';
import { getNode, innerSpanOf, seqItems } from '../model/yaml.js';

export type GitPinKind = 'action' | 'kustomize-remote' | 'terraform-module';

/** A git revision written in the tree that `rampart pin` turns into a commit SHA. */
export interface GitPinTarget {
  readonly kind: GitPinKind;
  readonly file: SourceFile;
  /** the whole value, for messages */
  readonly span: Span;
  readonly value: string;
  /** what `git ls-remote` is given */
  readonly cloneUrl: string;
  /** the branch or tag asked for; `HEAD` when none is written (the default branch) */
  readonly ref: string;
  /** edits that put `sha` in place of the ref (or add `?ref=<sha>`), keeping the ref in a comment */
  edits(sha: string): TextEdit[];
  /** why no commit can stand in for the ref (a release asset is addressed by its tag) */
  readonly unpinnable?: string;
}

const KUSTOMIZE_FIELDS = ['resources', 'bases', 'components'] as const;

export function gitPinTargets(workspace: Workspace): GitPinTarget[] {
  return [...actionTargets(workspace), ...kustomizeTargets(workspace), ...terraformTargets(workspace)];
}

function actionTargets(workspace: Workspace): GitPinTarget[] {
  const found: GitPinTarget[] = [];
  for (const document of workspace.yamlDocuments()) {
    const { file } = document;
    if (!isWorkflowFile(file.path) && !isActionFile(file.path)) continue;
    const visit = (node: unknown): void => {
      if (isSeq(node)) node.items.forEach(visit);
      if (!isMap(node)) return;
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        if (key === 'uses' && isScalar(pair.value) && typeof pair.value.value === 'string') {
          const span = innerSpanOf(file, pair.value);
          const value = pair.value.value;
          const uses = parseActionUses(value);
          if (!span || !writtenAsIs(file, span, value) || uses?.kind !== 'remote' || !uses.ref || !uses.refRange) continue;
          if (isFullCommitSha(uses.ref) || isTemplatedValue(value)) continue;
          const refSpan = spanWithin(span, uses.refRange);
          const valueEnd = pair.value.range?.[1] ?? span.end;
          found.push({
            kind: 'action', file, span, value, ref: uses.ref,
            cloneUrl: `https://github.com/${uses.owner}/${uses.repo}`,
            edits: (sha) => [replace(refSpan, sha), ...trailingComment(file, valueEnd, uses.ref ?? '')],
          });
        } else {
          visit(pair.value);
        }
      }
    };
    visit(document.root);
  }
  return found;
}

function kustomizeTargets(workspace: Workspace): GitPinTarget[] {
  const found: GitPinTarget[] = [];
  for (const document of workspace.kustomizations()) {
    const { file } = document;
    for (const field of KUSTOMIZE_FIELDS) {
      for (const item of seqItems(getNode(document.root, field))) {
        if (!isScalar(item) || typeof item.value !== 'string') continue;
        const value = item.value;
        const span = innerSpanOf(file, item);
        if (!span || !writtenAsIs(file, span, value) || isTemplatedValue(value) || existsLocally(workspace, file, value)) continue;
        const remote = parseKustomizeRemote(value);
        if (!remote || (remote.kind === 'file' && remote.ref === undefined)) continue;
        const target = remoteTarget('kustomize-remote', file, span, value, remote, item.range?.[1] ?? span.end);
        if (target) found.push(target);
      }
    }
  }
  return found;
}

function terraformTargets(workspace: Workspace): GitPinTarget[] {
  const found: GitPinTarget[] = [];
  for (const hcl of workspace.terraformFiles()) {
    for (const block of allBlocks(hcl.body)) {
      if (block.type !== 'module') continue;
      const source = block.attributes.find((attribute) => attribute.name === 'source');
      if (!source?.stringValue || !source.stringSpan) continue;
      const value = source.stringValue;
      if (!writtenAsIs(hcl.file, source.stringSpan, value) || isTemplatedValue(value)) continue;
      const parsed = parseTerraformSource(value);
      if (parsed?.kind !== 'git') continue;
      const target = remoteTarget('terraform-module', hcl.file, source.stringSpan, value, parsed.remote, source.valueSpan.end);
      if (target) found.push(target);
    }
  }
  return found;
}

function remoteTarget(kind: GitPinKind, file: SourceFile, span: Span, value: string, remote: RemoteSource, valueEnd: number): GitPinTarget | undefined {
  const ref = remote.ref;
  if (ref !== undefined && isFullCommitSha(ref)) return undefined;
  const base = { kind, file, span, value, cloneUrl: cloneUrlOf(value, remote), ref: ref ?? 'HEAD' };
  if (/\/releases\/download\//.test(value)) {
    return { ...base, edits: () => [], unpinnable: 'a release asset is addressed by its tag name, not a commit; vendor the file to pin its content' };
  }
  if (remote.refRange && ref !== undefined) {
    const refSpan = spanWithin(span, remote.refRange);
    return { ...base, edits: (sha) => [replace(refSpan, sha), ...trailingComment(file, valueEnd, ref)] };
  }
  if (remote.insertAt === undefined) return undefined;
  const at = span.start + remote.insertAt;
  const separator = remote.insertSeparator ?? '?';
  return { ...base, edits: (sha) => [{ path: file.path, start: at, end: at, text: `${separator}ref=${sha}` }] };
}

/** The URL git can list: without `git::`, query, or `//sub/dir`; GitHub-style hosts as https. */
export function cloneUrlOf(value: string, remote: RemoteSource): string {
  if (['github.com', 'gitlab.com', 'bitbucket.org'].includes(remote.host)) return `https://${remote.repository}`;
  let url = value.replace(/^git::/, '').replace(/[?#].*$/, '');
  const schemeEnd = url.indexOf('://');
  const subDirectory = url.indexOf('//', schemeEnd === -1 ? 0 : schemeEnd + 3);
  if (subDirectory !== -1) url = url.slice(0, subDirectory);
  if (schemeEnd === -1 && !/^[\w.-]+@[\w.-]+:/.test(url)) url = `https://${url}`;
  return url;
}

function existsLocally(workspace: Workspace, file: SourceFile, value: string): boolean {
  const relative = path.posix.normalize(path.posix.join(file.directory || '.', value)).replace(/\/+$/, '');
  if (workspace.has(relative)) return true;
  const prefix = `${relative}/`;
  for (const candidate of workspace.allPaths) if (candidate.startsWith(prefix)) return true;
  return false;
}

/** The span holds exactly the value (no escapes or folded lines), so offsets inside it are safe. */
function writtenAsIs(file: SourceFile, span: Span, value: string): boolean {
  return file.text.slice(span.start, span.end) === value;
}

function replace(span: Span, text: string): TextEdit {
  return { path: span.path, start: span.start, end: span.end, text };
}

/**
 * ` # <ref>` after the value, so readers (and Dependabot/Renovate) still see the version: at the
 * end of the line, or before a comment already there. Nothing when other text follows.
 */
function trailingComment(file: SourceFile, valueEnd: number, ref: string): TextEdit[] {
  const newline = file.text.indexOf('\n', valueEnd);
  const rest = file.text.slice(valueEnd, newline === -1 ? file.text.length : newline).replace(/\r$/, '');
  if (rest.trim() === '') return [{ path: file.path, start: valueEnd, end: valueEnd, text: ` # ${ref}` }];
  if (/^\s+#/.test(rest)) return [{ path: file.path, start: valueEnd, end: valueEnd, text: ` # ${ref}` }];
  return [];
}
