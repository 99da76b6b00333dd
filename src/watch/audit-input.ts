import { BadRecordError, eventListItems, toAuditEvent, type RecordOrigin } from './audit-event.js';
import type { Watcher } from './watcher.js';

/**
 * One line of an audit log: an Event (the log backend writes one per line), or an EventList (what the
 * webhook backend posts, when someone saved those bodies). Bad lines are counted, never thrown.
 */
export function feedAuditLine(watcher: Watcher, text: string, origin: RecordOrigin): void {
  const parsed = parseJsonLine(watcher, text, origin);
  if (parsed) feedAuditValue(watcher, parsed.value, origin);
}

/** A line's JSON; undefined for a blank line, and for one that is not JSON, counted as a bad record. */
export function parseJsonLine(watcher: Watcher, text: string, origin: RecordOrigin): { value: unknown } | undefined {
  if (text.trim() === '') return undefined;
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    watcher.bad(origin, new BadRecordError(`not JSON (${(error as Error).message})`));
    return undefined;
  }
}

export function feedAuditValue(watcher: Watcher, value: unknown, origin: RecordOrigin): void {
  if (typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'EventList') {
    let items: unknown[];
    try {
      items = eventListItems(value);
    } catch (error) {
      watcher.bad(origin, error);
      return;
    }
    items.forEach((item, index) => feedAuditEvent(watcher, item, origin, index));
    return;
  }
  feedAuditEvent(watcher, value, origin);
}

export function feedAuditEvent(watcher: Watcher, value: unknown, origin: RecordOrigin, item?: number): void {
  let event;
  try {
    event = toAuditEvent(value, origin);
  } catch (error) {
    watcher.bad(origin, item === undefined ? error : new BadRecordError(`items[${item}]: ${(error as Error).message}`));
    return;
  }
  watcher.audit(event);
}
