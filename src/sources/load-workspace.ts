import { append } from '../append.js';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { RampartError } from '../errors.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { chartDirectories, classifyFile } from '../model/file-kinds.js';
import { SourceFile } from '../model/source-file.js';
import { loadWorkspaceParsing, Workspace } from '../model/workspace-core.js';
import { readTextFile } from './read.js';
import { findWorkTree } from './git/work-tree.js';
import { listScanFiles } from './file-set.js';
import type { WalkResult } from './walk.js';

export interface LoadOptions {
  readonly ignore?: readonly string[];
  readonly maxFileSize: number;
  /** `rampart scan FILE`: read this one file (absolute, below `root`) instead of the tree */
  readonly file?: string;
  /** the caller loads the workspace's parsers itself, only if a rule will parse (`loadWorkspaceParsing`, as `rampart scan` does) */
  readonly parsersWhenNeeded?: boolean;
}

export interface LoadStats {
  files: number;
  bytes: number;
  skippedBinary: number;
  skippedLarge: number;
}

/** Walks `root` and reads every text file into a Workspace; problems become diagnostics, not exceptions. */
export async function loadWorkspace(root: string, options: LoadOptions): Promise<{ workspace: Workspace; stats: LoadStats }> {
  const absoluteRoot = path.resolve(root);
  const rootInfo = await stat(absoluteRoot).catch((error: unknown) => {
    throw new RampartError('path-not-found', `cannot scan ${root}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : String(error)}`, { cause: error });
  });
  if (!rootInfo.isDirectory()) {
    throw new RampartError('path-not-found', `cannot scan ${root}: not a directory`);
  }
  const walked = options.file ? oneFile(absoluteRoot, options.file) : await listScanFiles(absoluteRoot, options.ignore);
  const diagnostics: Diagnostic[] = [...walked.diagnostics];
  const charts = chartDirectories(walked.entries.map((entry) => entry.path));
  const stats: LoadStats = { files: 0, bytes: 0, skippedBinary: 0, skippedLarge: 0 };
  const files: Array<SourceFile | undefined> = new Array(walked.entries.length);

  walked.entries.forEach((entry, index) => {
    const outcome = readTextFile(entry, options.maxFileSize);
    const interesting = classifyFile(entry.path, charts) !== 'other';
    if (outcome.kind === 'failed') {
      diagnostics.push({ path: entry.path, message: outcome.reason, kind: 'incomplete' });
    } else if (outcome.kind === 'skipped') {
      if (outcome.reason.startsWith('binary')) {
        stats.skippedBinary += 1;
        if (interesting) diagnostics.push({ path: entry.path, message: outcome.reason, kind: 'skipped' });
      } else {
        stats.skippedLarge += 1;
        diagnostics.push({ path: entry.path, message: outcome.reason, kind: 'skipped' });
      }
    } else {
      if (outcome.invalidUtf8) {
        diagnostics.push({ path: entry.path, message: 'not valid UTF-8; invalid bytes were replaced for scanning', kind: 'note' });
      }
      stats.files += 1;
      stats.bytes += outcome.size;
      files[index] = new SourceFile(entry.path, outcome.text);
    }
  });

  const workspace = new Workspace(
    absoluteRoot,
    files.filter((file): file is SourceFile => file !== undefined),
    new Set(walked.entries.map((entry) => entry.path)),
    // one file says nothing about the repository around it (CODEOWNERS, lock files): repository checks stand down
    options.file ? undefined : await repositoryPath(absoluteRoot),
  );
  append(workspace.diagnostics, diagnostics);
  if (!options.parsersWhenNeeded) await loadWorkspaceParsing();
  return { workspace, stats };
}

function oneFile(root: string, file: string): WalkResult {
  const relative = path.relative(root, file).split(path.sep).join('/');
  return { entries: [{ path: relative, absolutePath: file, size: -1 }], diagnostics: [] };
}

/** The root's path inside the git work tree that holds it ('' at its top). */
async function repositoryPath(root: string): Promise<string | undefined> {
  const real = await realpath(root).catch(() => root);
  const workTree = findWorkTree(real);
  return workTree && path.relative(workTree.top, real).split(path.sep).join('/');
}
