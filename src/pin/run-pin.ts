import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { loadConfig } from '../config/load.js';
import { planChanges, writeChanges, type FileChange } from '../fix/write-file.js';
import { loadWorkspace } from '../sources/load-workspace.js';
import { planPins, type PinPlan, type PinPlanOptions } from './plan.js';

export interface PinRunOptions extends PinPlanOptions {
  readonly dryRun?: boolean;
  readonly configPath?: string;
}

export interface PinRunResult {
  readonly plan: PinPlan;
  readonly changes: FileChange[];
  /** files that could not be edited (changed meanwhile, not UTF-8) */
  readonly fileErrors: string[];
  readonly written: boolean;
}

/** `rampart pin` short of printing: read the tree, resolve, edit (or only compute) the files. */
export async function runPin(root: string, options: PinRunOptions): Promise<PinRunResult> {
  const absoluteRoot = path.resolve(root);
  const config = await loadConfig(absoluteRoot, options.configPath);
  const { workspace } = await loadWorkspace(absoluteRoot, { ignore: config.ignore, maxFileSize: config.maxFileSize });
  const plan = await planPins(workspace, options);
  const plannedTexts = new Map(workspace.files.map((file) => [file.path, file.text]));
  const changes: FileChange[] = [];
  const fileErrors: string[] = [];
  // files are planned one at a time so one bad file does not stop the others
  const byFile = new Map<string, typeof plan.edits>();
  for (const edit of plan.edits) byFile.set(edit.path, [...(byFile.get(edit.path) ?? []), edit]);
  for (const [file, edits] of byFile) {
    try {
      changes.push(...(await planChanges(absoluteRoot, edits, plannedTexts)));
    } catch (error) {
      fileErrors.push(error instanceof Error ? error.message : `${file}: ${String(error)}`);
    }
  }
  changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (!options.dryRun) await writeChanges(absoluteRoot, changes);
  return { plan, changes, fileErrors, written: !options.dryRun && changes.length > 0 };
}

/** A unified diff of every change, `a/` and `b/` prefixed like git's. */
export function unifiedDiff(changes: readonly FileChange[]): string {
  return changes
    .map((change) => createTwoFilesPatch(`a/${change.path}`, `b/${change.path}`, change.before, change.after, undefined, undefined, { context: 3 })
      .replace(/^=+\n/, ''))
    .join('');
}
