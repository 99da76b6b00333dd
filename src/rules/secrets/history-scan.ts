import { errorMessage } from '../../errors.js';
import type { Workspace } from '../../model/workspace.js';
import { IgnoreRules } from '../../sources/ignore/ignore-rules.js';
import { formatBytes } from '../../sources/read.js';
import type { HistoryScan } from '../../secrets/history/scan-history.js';
import type { RuleContext } from '../rule.js';

const memo = new WeakMap<Workspace, Promise<HistoryScan | undefined>>();

/** Whether this scan reads history or staged changes (a tree on disk, `--history` or `--staged`). */
export function historyAsked(context: RuleContext): boolean {
  const history = context.settings.history;
  return history !== undefined && (history.enabled || history.staged === true) && context.workspace.root !== '';
}

/**
 * The history (or staged) scan the secrets rules share: run once per workspace, when the scan was
 * asked for it, with its notes (shallow clone, skipped blobs) added to the workspace diagnostics.
 */
export function historySecrets(context: RuleContext): Promise<HistoryScan | undefined> {
  const { workspace, settings, config } = context;
  const history = settings.history;
  if (!history || !historyAsked(context)) return Promise.resolve(undefined);
  let pending = memo.get(workspace);
  if (!pending) {
    const run = async (): Promise<HistoryScan | undefined> => {
      let scanned: HistoryScan;
      try {
        // the history reader loads only when history is scanned
        const { scanHistory, scanStaged } = await import('../../secrets/history/scan-history.js');
        scanned = await (history.scan ?? (history.staged
          ? scanStaged(workspace.root, config.maxFileSize)
          : scanHistory(workspace.root, {
            maxFileSize: config.maxFileSize,
            maxFindingsPerFile: config.maxFindingsPerFile,
            ...(history.since ? { since: history.since } : {}),
            ...(history.range ? { range: history.range } : {}),
          })));
      } catch (error) {
        // one diagnostic for the whole layer, not one per rule; the tree findings still stand
        workspace.diagnostics.push({ path: '.', message: `history not scanned: ${errorMessage(error)}`, kind: 'incomplete' });
        return undefined;
      }
      const ignored = new IgnoreRules().add(config.ignore);
      const kept = scanned.hits.filter((hit) => !ignored.ignores(hit.path));
      const selection = history.range ?? (history.since ? `${history.since}..HEAD` : undefined);
      noteDiagnostics(workspace, scanned, config, history.staged === true, selection);
      return { ...scanned, hits: kept };
    };
    pending = run();
    memo.set(workspace, pending);
  }
  return pending;
}

/** missing blobs listed one by one; past this many, the count says the rest */
const MISSING_LISTED = 20;

function noteDiagnostics(workspace: Workspace, scanned: HistoryScan, config: { maxFileSize: number; maxFindingsPerFile: number }, staged: boolean, selection: string | undefined): void {
  const { maxFileSize, maxFindingsPerFile } = config;
  const what = staged ? 'staged changes' : `history: ${plural(scanned.commits, 'commit')} scanned`;
  const skipped = scanned.binary + scanned.oversize;
  const detail = skipped > 0 ? `; ${plural(skipped, 'blob')} skipped (${scanned.binary} binary, ${scanned.oversize} over ${formatBytes(maxFileSize)})` : '';
  workspace.diagnostics.push({ path: '.', message: `${what}${detail}`, kind: skipped > 0 ? 'skipped' : 'note' });
  if (scanned.omitted > 0) {
    workspace.diagnostics.push({ path: '.', message: `history: ${plural(scanned.omitted, 'more finding')} not listed, in file versions holding more than ${maxFindingsPerFile} of one rule (maxFindingsPerFile in .rampart.yaml)`, kind: 'note' });
  }
  if (staged) return;
  const incomplete = (message: string, path = '.'): void => {
    workspace.diagnostics.push({ path, message, kind: 'incomplete' });
  };
  if (scanned.commits === 0 && scanned.stopped === undefined) {
    // a whole-history scan that read nothing scanned nothing (no commits, or git read another repository)
    if (selection === undefined) incomplete('history: no commits were read, so no history was scanned');
    else workspace.diagnostics.push({ path: '.', message: `history: no commits in ${selection}, nothing to scan`, kind: 'note' });
  }
  if (scanned.stopped !== undefined) incomplete(`history incomplete: git stopped listing commits (${scanned.stopped}); the ${plural(scanned.commits, 'commit')} listed before were scanned`);
  if (scanned.missing.length > 0) {
    incomplete(`history incomplete: ${plural(scanned.missing.length, 'blob')} missing from the repository (a partial clone, or a damaged object store), not scanned; everything else was (git fetch --refetch, or a full clone, to scan them)`);
    for (const missing of scanned.missing.slice(0, MISSING_LISTED)) {
      incomplete(`history: blob ${missing.blob} is missing, written by commit ${missing.commit.slice(0, 12)}`, missing.path);
    }
    if (scanned.missing.length > MISSING_LISTED) incomplete(`history: ${plural(scanned.missing.length - MISSING_LISTED, 'more missing blob')} not listed`);
  }
  if (scanned.shallow) {
    incomplete('shallow clone: history is incomplete, commits before the clone depth were not scanned (git fetch --unshallow for a full scan)');
  }
}

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;
