/**
 * What Argo CD's logs (and the Kubernetes Events its audit logger records) say about syncs. The
 * messages, from argo-cd `controller/appcontroller.go` and `server/application/application.go`:
 * - controller: `Initiated automated sync to '<rev>[, <rev>…]'` (fields application, app-namespace, project)
 * - controller: `Sync operation to <rev> succeeded` / `Partial sync operation to <rev> succeeded`
 *   (or `… failed: <message>`), logged with reason=OperationCompleted
 * - API server: `<user> initiated sync to <ref> (<rev>)` (`,`-joined for multi-source), reason=OperationStarted user=<user>
 * - controller: `Updated sync status: OutOfSync -> Synced`, which names no revision
 */

/** A sync a log line or event records; revisions are commit SHAs (Helm chart versions are left out). */
export interface LoggedSync {
  readonly application: string;
  /** the Application's namespace when the record names it (`app-namespace`, the event's namespace) */
  readonly namespace: string;
  readonly revisions: readonly string[];
  readonly initiatedBy: string;
  /** what recorded it, for the finding: `controller log: automated sync` */
  readonly what: string;
  readonly time: string;
}

const COMMIT = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
const AUTOMATED = /^Initiated automated sync to '([^']*)'$/;
const COMPLETED = /^(?:Partial s|S)ync operation to (\S+) succeeded$/;
const STARTED = /^(.*) initiated (?:partial )?sync to (.+)$/;

/** The sync a message records, or undefined when it records none (other messages, failed syncs, chart versions). */
export function syncOfMessage(message: string, fields: { application: string; namespace: string; user?: string; time: string }, source: string): LoggedSync | undefined {
  const base = { application: fields.application, namespace: fields.namespace, time: fields.time };
  let match = AUTOMATED.exec(message);
  if (match) return withRevisions({ ...base, initiatedBy: 'automated', what: `${source}: automated sync` }, (match[1] ?? '').split(', '));
  match = COMPLETED.exec(message);
  if (match) return withRevisions({ ...base, initiatedBy: '', what: `${source}: sync operation succeeded` }, [match[1] ?? '']);
  match = STARTED.exec(message);
  if (match) {
    // `main (4773b9f…)`, several joined with `,`; a revision given as a SHA is shown as it is
    const shown = (match[2] ?? '').split(',').map((part) => /\(([0-9a-f]+)\)\s*$/.exec(part.trim())?.[1] ?? part.trim());
    const user = fields.user || (match[1] ?? '');
    return withRevisions({ ...base, initiatedBy: user === 'Unknown user' ? '' : user, what: `${source}: sync started by ${user || 'an unknown user'}` }, shown);
  }
  return undefined;
}

function withRevisions(sync: Omit<LoggedSync, 'revisions'>, revisions: readonly string[]): LoggedSync | undefined {
  const commits = revisions.map((revision) => revision.trim()).filter((revision) => COMMIT.test(revision));
  return commits.length > 0 ? { ...sync, revisions: commits } : undefined;
}

/** A line of an Argo CD component's log, as logrus fields: the sync it records, if any. */
export function syncOfLogFields(fields: Record<string, string>): LoggedSync | undefined {
  const application = fields['application'];
  const message = fields['msg'];
  if (!application || !message || (fields['level'] !== 'info' && fields['level'] !== 'warning')) return undefined;
  return syncOfMessage(message, {
    application,
    namespace: fields['app-namespace'] ?? '',
    ...(fields['user'] ? { user: fields['user'] } : {}),
    time: fields['time'] ?? '',
  }, fields['reason'] === 'OperationStarted' && fields['user'] ? 'Argo CD API server log' : 'Argo CD controller log');
}
