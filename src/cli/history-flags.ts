import { statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { parseSize } from '../config/schema.js';
import type { RunOptions } from '../engine/run.js';
import { RampartError } from '../errors.js';
import { loadConfig } from '../config/load.js';
import { findRuleEntry } from '../rules/rule-index.js';

export interface HistoryFlags {
  history?: boolean;
  since?: string;
  range?: string;
  staged?: boolean;
  maxFileSize?: string;
}

export function addScanHistoryOptions(command: Command): Command {
  return command
    .option('--history', 'also scan every commit reachable from any ref for credentials')
    .option('--since <rev>', 'scan only the commits not reachable from REV, e.g. origin/main (pull-request gating)')
    .option('--range <A..B>', 'scan only the commits of a range')
    .option('--staged', 'scan the changes staged in the index (pre-commit)')
    .option('--max-file-size <size>', 'skip files and history blobs above this size, e.g. 5MB (default: maxFileSize of the config, 10MB)');
}

/** Turns the history flags into scan settings; fails early and clearly outside a git repository. */
export async function historyScanOptions(root: string, flags: HistoryFlags, configPath?: string, onlyRules?: readonly string[]): Promise<Pick<RunOptions, 'settings' | 'capabilities'> & { maxFileSize?: number }> {
  const maxFileSize = flags.maxFileSize === undefined ? undefined : parseSize(/^\d+$/.test(flags.maxFileSize) ? Number(flags.maxFileSize) : flags.maxFileSize);
  if (flags.maxFileSize !== undefined && (maxFileSize === undefined || maxFileSize <= 0)) {
    throw new RampartError('usage', `--max-file-size: not a size: ${flags.maxFileSize} (e.g. 500KB, 10MB)`);
  }
  const sized = maxFileSize === undefined ? {} : { maxFileSize };
  const enabled = flags.history === true || flags.since !== undefined || flags.range !== undefined;
  if (!enabled && !flags.staged) return sized;
  if (flags.since !== undefined && flags.range !== undefined) throw new RampartError('usage', '--since and --range cannot be combined: give one');
  if (flags.staged && enabled) throw new RampartError('usage', '--staged scans the index only; it cannot be combined with --history, --since or --range');
  const directory = path.resolve(root);
  if (statSync(directory, { throwIfNoEntry: false })?.isFile()) {
    throw new RampartError('usage', `${root} is a file: history scanning (--history, --since, --range, --staged) reads a repository; give its directory`);
  }
  const { repositoryInfo } = await import('../sources/git/git.js');
  const repository = await repositoryInfo(directory);
  const { rangeEnds, resolveRevisionFlag } = await import('../sources/git/revision-flag.js');
  if (flags.since !== undefined) await resolveRevisionFlag(directory, '--since', flags.since);
  for (const end of flags.range === undefined ? [] : rangeEnds(flags.range)) {
    if (end !== '') await resolveRevisionFlag(directory, '--range', end);
  }
  const config = await loadConfig(directory, configPath);
  const limit = maxFileSize ?? config.maxFileSize;
  const selection = { ...(flags.since !== undefined ? { since: flags.since } : {}), ...(flags.range !== undefined ? { range: flags.range } : {}) };
  const settings = { enabled, ...selection, ...(flags.staged ? { staged: true } : {}) };
  // `-r` without a secrets rule: nothing reads the secrets history, so do not start it
  if (onlyRules && !onlyRules.some((id) => findRuleEntry(id)?.layer === 'secrets')) {
    return { ...sized, settings: { history: settings }, capabilities: new Set(['history']) };
  }
  // started now, read by the secrets rules later: git runs while the tree is read
  const { scanHistory, scanStaged } = await import('../secrets/history/scan-history.js');
  const scan = flags.staged ? scanStaged(directory, limit) : scanHistory(directory, { maxFileSize: limit, maxFindingsPerFile: config.maxFindingsPerFile, ...selection, repository, ...historyWorkers() });
  scan.catch(() => undefined);
  return { ...sized, settings: { history: { ...settings, scan } }, capabilities: new Set(['history']) };
}

/** `RAMPART_HISTORY_WORKERS=N` overrides how many threads read history (default: from the core count). */
function historyWorkers(): { workers?: number } {
  const value = process.env['RAMPART_HISTORY_WORKERS'];
  if (value === undefined || value === '') return {};
  const workers = Number(value);
  if (!Number.isInteger(workers) || workers < 1) throw new RampartError('usage', `RAMPART_HISTORY_WORKERS: not a whole number above 0: ${value}`);
  return { workers };
}
