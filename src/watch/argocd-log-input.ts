import { syncOfLogFields } from './argocd-log.js';
import { BadRecordError, type RecordOrigin } from './audit-event.js';
import type { DeployFeed } from './deploy-feed.js';
import { parseLogrusLine } from './logrus-line.js';
import type { Watcher } from './watcher.js';

/** One line of an Argo CD log: a sync it records goes to the clone; a line that is not a log line is counted. */
export function feedArgoCdLogLine(watcher: Watcher, feed: DeployFeed, text: string, origin: RecordOrigin): void {
  if (text.trim() === '') return;
  const fields = parseLogrusLine(text);
  if (!fields) {
    watcher.bad(origin, new BadRecordError('not an Argo CD log line (logrus text `time=… level=… msg=…`, or JSON)'));
    return;
  }
  watcher.counts.records += 1;
  const sync = syncOfLogFields(fields);
  if (sync) feed.argoCdSync(sync, origin);
}
