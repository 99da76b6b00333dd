import { append } from '../append.js';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { loadConfig } from '../config/load.js';
import { removeStaleTemporaries } from '../fix/temporary-files.js';
import { oneChangePerFile, planChanges, writeChanges, type FileChange } from '../fix/write-file.js';
import { loadWorkspace } from '../sources/load-workspace.js';
import { planPins, type PinPlan, type PinPlanOptions } from './plan.js';

export interface PinRunOptions extends PinPlanOptions {
  readonly dryRun?: boolean;
  readonly configPath?: string;
}

export interface PinRunResult {
  readonly plan: PinPlan;
  readonly changes: FileChange[];
  /** files that could not be edited or replaced (changed meanwhile, not UTF-8, immutable) */
  readonly fileErrors: string[];
  /** paths now holding their new text (none on a dry run) */
  readonly written: string[];
  /** references in the files that changed (or would change, on a dry run) */
  readonly pinnedCount: number;
  /** temporary files a killed earlier run left behind, now removed */
  readonly staleRemoved: string[];
}

/** `rampart pin` short of printing: read the tree, resolve, edit (or only compute) the files. */
export async function runPin(root: string, options: PinRunOptions): Promise<PinRunResult> {
  const absoluteRoot = path.resolve(root);
  const config = await loadConfig(absoluteRoot, options.configPath);
  const { workspace } = await loadWorkspace(absoluteRoot, { ignore: config.ignore, maxFileSize: config.maxFileSize });
  const plan = await planPins(workspace, options);
  const plannedTexts = new Map(workspace.files.map((file) => [file.path, file.text]));
  const planned: FileChange[] = [];
  const fileErrors: string[] = [];
  // files are planned one at a time so one bad file does not stop the others
  const byFile = new Map<string, typeof plan.edits>();
  for (const edit of plan.edits) byFile.set(edit.path, [...(byFile.get(edit.path) ?? []), edit]);
  for (const [file, edits] of byFile) {
    try {
      append(planned, (await planChanges(absoluteRoot, edits, plannedTexts)));
    } catch (error) {
      fileErrors.push(error instanceof Error ? error.message : `${file}: ${String(error)}`);
    }
  }
  planned.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const { changes, failures } = await oneChangePerFile(absoluteRoot, planned);
  append(fileErrors, failures);
  if (options.dryRun) {
    const changed = new Set(changes.map((change) => change.path));
    return { plan, changes, fileErrors, written: [], pinnedCount: countPinned(plan, changed), staleRemoved: [] };
  }
  const staleRemoved = await removeStaleTemporariesBeside(absoluteRoot, workspace.files.map((file) => file.path));
  const outcome = await writeChanges(absoluteRoot, changes);
  append(fileErrors, outcome.failures.map((failure) => `${failure.path}: ${failure.reason}`));
  return { plan, changes, fileErrors, written: outcome.written, pinnedCount: countPinned(plan, new Set(outcome.written)), staleRemoved };
}

/** References in the files that changed: one whose file could not be written was not pinned. */
function countPinned(plan: PinPlan, changed: ReadonlySet<string>): number {
  return plan.pinned.filter((entry) => changed.has(entry.path)).length;
}

/** A killed run (SIGKILL, power loss) can leave temporary files beside the files it was replacing. */
async function removeStaleTemporariesBeside(root: string, files: readonly string[]): Promise<string[]> {
  const directories = new Set(files.map((file) => path.posix.dirname(file)));
  const removed: string[] = [];
  for (const directory of directories) {
    for (const name of await removeStaleTemporaries(path.join(root, ...directory.split('/')))) removed.push(path.posix.join(directory, name));
  }
  return removed;
}

/** A unified diff of every change, `a/` and `b/` prefixed like git's. */
export function unifiedDiff(changes: readonly FileChange[]): string {
  return changes
    .map((change) => createTwoFilesPatch(`a/${change.path}`, `b/${change.path}`, change.before, change.after, undefined, undefined, { context: 3 })
      .replace(/^=+\n/, ''))
    .join('');
}
