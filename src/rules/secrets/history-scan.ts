import ignore from 'ignore';
import { errorMessage } from '../../errors.js';
import type { Workspace } from '../../model/workspace.js';
import { formatBytes } from '../../sources/read.js';
import { scanHistory, scanStaged, type HistoryScan } from '../../secrets/history/scan-history.js';
import type { RuleContext } from '../rule.js';

const memo = new WeakMap<Workspace, Promise<HistoryScan | undefined>>();

/**
 * The history (or staged) scan the secrets rules share: run once per workspace, when the scan was
 * asked for it, with its notes (shallow clone, skipped blobs) added to the workspace diagnostics.
 */
export function historySecrets(context: RuleContext): Promise<HistoryScan | undefined> {
  const { workspace, settings, config } = context;
  const history = settings.history;
  if (!history || (!history.enabled && !history.staged) || workspace.root === '') return Promise.resolve(undefined);
  let pending = memo.get(workspace);
  if (!pending) {
    const run = async (): Promise<HistoryScan | undefined> => {
      let scanned: HistoryScan;
      try {
        scanned = await (history.scan ?? (history.staged
          ? scanStaged(workspace.root, config.maxFileSize)
          : scanHistory(workspace.root, {
            maxFileSize: config.maxFileSize,
            ...(history.since ? { since: history.since } : {}),
            ...(history.range ? { range: history.range } : {}),
          })));
      } catch (error) {
        // one diagnostic for the whole layer, not one per rule; the tree findings still stand
        workspace.diagnostics.push({ path: '.', message: `history not scanned: ${errorMessage(error)}`, kind: 'incomplete' });
        return undefined;
      }
      const ignored = ignore().add([...config.ignore]);
      const kept = scanned.hits.filter((hit) => !ignored.ignores(hit.path));
      noteDiagnostics(workspace, scanned, config.maxFileSize, history.staged === true);
      return { ...scanned, hits: kept };
    };
    pending = run();
    memo.set(workspace, pending);
  }
  return pending;
}

function noteDiagnostics(workspace: Workspace, scanned: HistoryScan, maxFileSize: number, staged: boolean): void {
  const what = staged ? 'staged changes' : `history: ${scanned.commits} commit${scanned.commits === 1 ? '' : 's'} scanned`;
  const skipped = scanned.binary + scanned.oversize;
  const detail = skipped > 0 ? `; ${skipped} blob${skipped === 1 ? '' : 's'} skipped (${scanned.binary} binary, ${scanned.oversize} over ${formatBytes(maxFileSize)})` : '';
  workspace.diagnostics.push({ path: '.', message: `${what}${detail}`, kind: skipped > 0 ? 'skipped' : 'note' });
  if (scanned.shallow && !staged) {
    workspace.diagnostics.push({ path: '.', message: 'shallow clone: history is incomplete, commits before the clone depth were not scanned (git fetch --unshallow for a full scan)', kind: 'skipped' });
  }
}
