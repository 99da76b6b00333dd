import { readFile } from 'node:fs/promises';
import { RampartError } from '../errors.js';
import { syncOfMessage } from './argocd-log.js';
import type { RecordOrigin } from './audit-event.js';
import { parseJsonLine } from './audit-input.js';
import { eventItems, gitRevisionOf, toClusterEvent, type ClusterEvent } from './cluster-events.js';
import type { DeployFeed } from './deploy-feed.js';
import type { Watcher } from './watcher.js';

const SOURCE_CHANGED = 'deploy-source-changed';
/** Flux objects that apply what they fetch: their revisions are deployments. */
const DEPLOYERS = new Set(['Kustomization', 'HelmRelease']);
const VERSION_TAG = /^v?\d+(?:\.\d+)+(?:[-+].*)?$/;

/** Judges Argo CD and Flux events: syncs and reconciliations to the clone, a branch that changed to deploy-source-changed. */
export class ClusterEventJudge {
  /** the branch or tag each Flux object last reported a revision of */
  private readonly refs = new Map<string, string>();

  constructor(private readonly watcher: Watcher, private readonly deploys: DeployFeed) {}

  /** One event's JSON: judged, or counted as a bad record. */
  read(value: unknown, origin: RecordOrigin): void {
    let event: ClusterEvent;
    try {
      event = toClusterEvent(value);
    } catch (error) {
      this.watcher.bad(origin, error);
      return;
    }
    this.judge(event, origin);
  }

  judge(event: ClusterEvent, origin: RecordOrigin): void {
    this.watcher.counts.records += 1;
    if (!event.normal) return;
    if (event.apiGroup === 'argoproj.io' && event.kind === 'Application') {
      const user = event.metadata['user'];
      const sync = syncOfMessage(event.message, { application: event.name, namespace: event.namespace, ...(user ? { user } : {}), time: event.time }, 'Argo CD event');
      if (sync) this.deploys.argoCdSync(sync, origin);
      return;
    }
    if (!event.apiGroup.endsWith('.toolkit.fluxcd.io')) return;
    const revision = gitRevisionOf(event.metadata['revision']);
    const deployed = revision ?? gitRevisionOf(event.metadata['originRevision']);
    const object = `${event.kind} ${event.namespace ? `${event.namespace}/` : ''}${event.name}`;
    if (deployed && DEPLOYERS.has(event.kind)) {
      const source = this.fluxSource(event);
      this.deploys.revision({
        deployer: object,
        revision: deployed.commit,
        repoURL: source.repoURL,
        path: source.path,
        targetRevision: deployed.ref,
        recordedIn: `Flux event ${event.reason || 'without a reason'}`,
        time: event.time,
        initiatedBy: '',
        origin,
      });
    }
    if (revision?.ref) this.trackRef(event, object, revision.ref, origin);
  }

  /** A Flux object whose revisions come from another branch than before: its source was repointed. */
  private trackRef(event: ClusterEvent, object: string, ref: string, origin: RecordOrigin): void {
    const key = `${event.apiGroup}/${event.kind}/${event.namespace}/${event.name}`;
    const previous = this.refs.get(key);
    this.refs.set(key, ref);
    if (!previous || previous === ref || (VERSION_TAG.test(previous) && VERSION_TAG.test(ref))) return;
    const recordedIn = `Flux event ${event.reason || 'without a reason'}`;
    this.watcher.context.report(SOURCE_CHANGED, {
      messageId: 'refChanged',
      data: { object, ref, previous, recordedIn },
      origin,
      subject: `${key}:${previous}->${ref}`,
      summary: `${object} deploys ${ref}, was ${previous}`,
      properties: {
        object,
        ref,
        previousRef: previous,
        revision: event.metadata['revision'] ?? '',
        recordedIn,
        ...(event.reportingController ? { reportingController: event.reportingController } : {}),
        ...(event.time ? { time: event.time } : {}),
      },
    });
  }

  /** Where a Kustomization deploys from, as the audit log last showed it and its GitRepository. */
  private fluxSource(event: ClusterEvent): { repoURL: string; path: string } {
    if (event.kind !== 'Kustomization') return { repoURL: '', path: '' };
    const { sources } = this.watcher.state;
    const kustomization = sources.get(`kustomize.toolkit.fluxcd.io/kustomizations/${event.namespace}/${event.name}`);
    if (!kustomization) return { repoURL: '', path: '' };
    const repository = kustomization['sourceRef.kind'] === 'GitRepository'
      ? sources.get(`source.toolkit.fluxcd.io/gitrepositories/${kustomization['sourceRef.namespace'] ?? event.namespace}/${kustomization['sourceRef.name'] ?? ''}`)
      : undefined;
    return { repoURL: repository?.['url'] ?? '', path: kustomization['path'] ?? '' };
  }
}

/**
 * An events file: `kubectl get events -A -o json` (a List; core/v1 or events.k8s.io/v1), one event,
 * or JSON lines (Flux events as notification-controller posts them, saved one per line).
 */
export async function readEventsFile(file: string, judge: ClusterEventJudge, watcher: Watcher): Promise<void> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new RampartError('path-not-found', `cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`, { cause: error });
  });
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch {
    text.split('\n').forEach((line, index) => feedEventLine(judge, watcher, line, { path: file, line: index + 1 }));
    return;
  }
  let line = 1;
  let searchedTo = 0;
  for (const item of eventItems(whole)) {
    // items come in order: the line of each is found after the previous one's
    const at = findItem(text, item, searchedTo);
    if (at >= 0) {
      for (let index = searchedTo; index < at; index += 1) if (text.charCodeAt(index) === 10) line += 1;
      searchedTo = at;
    }
    judge.read(item, { path: file, line });
  }
}

export function feedEventLine(judge: ClusterEventJudge, watcher: Watcher, text: string, origin: RecordOrigin): void {
  const parsed = parseJsonLine(watcher, text, origin);
  if (parsed) for (const item of eventItems(parsed.value)) judge.read(item, origin);
}

function findItem(text: string, item: unknown, from: number): number {
  const metadata = typeof item === 'object' && item !== null ? (item as { metadata?: { uid?: unknown; name?: unknown } }).metadata : undefined;
  const needle = typeof metadata?.uid === 'string' ? metadata.uid : typeof metadata?.name === 'string' ? `"${metadata.name}"` : undefined;
  return needle ? text.indexOf(needle, from) : -1;
}
