import { stat } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { ResolvedConfig } from '../config/schema.js';
import type { VerifySettings } from '../engine/settings.js';
import { RampartError } from '../errors.js';
import type { Finding } from '../model/finding.js';
import type { Severity } from '../model/severity.js';
import type { ScanReport } from '../report/report.js';
import { watchRules } from '../rules/operators/watch-rules.js';
import { VERSION } from '../version.js';
import type { KeyPairFiles } from '../admission/server.js';
import { feedAuditEvent, feedAuditLine } from './audit-input.js';
import { readApplicationDump, type ApplicationDump } from './argocd-apps.js';
import { DeployRepository } from './deploy-repository.js';
import { DeployFeed } from './deploy-feed.js';
import { feedArgoCdLogLine } from './argocd-log-input.js';
import { controllerIdentities } from './identities.js';
import { judgeAnomalousAccess } from './judges/anomalous-access.js';
import { PodImagesJudge } from './judges/pod-images.js';
import { judgeSourceChanged } from './judges/source-changed.js';
import { judgeUnmanagedChange } from './judges/unmanaged-change.js';
import { readLines, STDIN } from './line-reader.js';
import { tailLines } from './tail.js';
import { isRecord } from '../is-record.js';
import { BadRecordError, eventListItems, type RecordOrigin } from './audit-event.js';
import { ClusterEventJudge, feedEventLine, readEventsFile } from './cluster-event-input.js';
import { toClusterEvent } from './cluster-events.js';
import type { IncomingHttpHeaders } from 'node:http';
import { BadBodyError, checkFluxSignature, MAX_AUDIT_BODY_BYTES, MAX_EVENT_BODY_BYTES, startListener, type Listener, type ListenerRoute } from './listener.js';
import type { Controller } from './management.js';
import { objectKey, Watcher, type AuditJudge, type WatchState } from './watcher.js';

export interface WatchOptions {
  readonly config: ResolvedConfig;
  readonly auditLogs: readonly string[];
  readonly controllers?: Partial<Record<Controller, readonly string[]>>;
  readonly argocdLabelTracking?: boolean;
  /** namespaces besides their own whose Secrets the controllers may read */
  readonly secretNamespaces?: readonly string[];
  readonly failOn?: Severity | 'none';
  /** `kubectl get applications -A -o json` dumps */
  readonly argocdApps?: readonly string[];
  /** Argo CD application controller (and API server) logs: logrus text or JSON lines */
  readonly argocdLogs?: readonly string[];
  /** Kubernetes Events (`kubectl get events -o json`) and Flux events (JSON lines) */
  readonly events?: readonly string[];
  /** the local clone deployments should match */
  readonly repo?: string;
  readonly protectedBranch?: string;
  /** trusted commit signers (allowed signers, keyring), as `scan` takes them */
  readonly verify?: VerifySettings;
  /** `--listen`: the HTTPS endpoint audit webhook backends post to, until stopped */
  readonly listen?: ListenSettings;
  /** each finding as it is found (streaming); batch runs collect them instead */
  readonly onFinding?: (finding: Finding) => void;
}

export interface ListenSettings extends KeyPairFiles {
  readonly host: string;
  readonly port: number;
  /** the token of Flux's generic-hmac Provider: POST /flux bodies must be signed with it */
  readonly fluxHmacKey?: Buffer;
  /** told the port listened on (a test asks for port 0) */
  readonly onListening?: (port: number) => void;
}

export const AUDIT_JUDGES: readonly AuditJudge[] = [judgeUnmanagedChange, judgeAnomalousAccess, judgeSourceChanged];

export function createWatcher(options: Pick<WatchOptions, 'config' | 'controllers' | 'argocdLabelTracking' | 'secretNamespaces'>, onFinding: (finding: Finding) => void): Watcher {
  const state: WatchState = {
    config: options.config,
    identities: controllerIdentities(options.controllers),
    management: { argocdLabelTracking: options.argocdLabelTracking ?? false, knownApplications: new Set() },
    managed: new Map(),
    secretNamespaces: new Set(options.secretNamespaces),
    sources: new Map(),
  };
  return new Watcher(state, AUDIT_JUDGES, onFinding);
}

/** Reads every input to its end, judging records in order, and reports like `scan` does. */
export async function runWatch(options: WatchOptions): Promise<ScanReport> {
  const started = performance.now();
  const findings: Finding[] = [];
  const watcher = createWatcher(options, (finding) => {
    findings.push(finding);
    options.onFinding?.(finding);
  });
  let bytes = 0;
  const repository = await openRepository(options);
  try {
    const feed = new DeployFeed(watcher, repository, false);
    watcher.addJudge(podImagesJudge(feed));
    for (const file of options.argocdApps ?? []) bytes += await inputSize(file);
    await readApplicationDumps(options, watcher, feed);
    for (const file of [...options.auditLogs, ...(options.argocdLogs ?? []), ...(options.events ?? [])]) if (file !== STDIN) bytes += await inputSize(file);
    for (const file of options.auditLogs) {
      for await (const { text, line, path } of readLines(file)) feedAuditLine(watcher, text, { path, line });
    }
    for (const file of options.argocdLogs ?? []) {
      for await (const { text, line, path } of readLines(file)) feedArgoCdLogLine(watcher, feed, text, { path, line });
    }
    const events = new ClusterEventJudge(watcher, feed);
    for (const file of options.events ?? []) await readEventsFile(file, events, watcher);
    await feed.settled();
  } finally {
    await repository?.close();
  }
  const enabled = watchRules.filter((rule) => options.config.rules.get(rule.id)?.enabled ?? true);
  return {
    toolVersion: VERSION,
    root: [...(options.argocdApps ?? []), ...options.auditLogs, ...(options.argocdLogs ?? []), ...(options.events ?? [])].map((file) => (file === STDIN ? '<stdin>' : file)).join(', '),
    findings,
    diagnostics: watcher.diagnostics(),
    complete: true,
    suppressed: 0,
    rules: enabled,
    failOn: options.failOn ?? options.config.failOn,
    docsBaseUrl: options.config.docsBaseUrl,
    stats: { files: options.auditLogs.length + (options.argocdApps?.length ?? 0) + (options.argocdLogs?.length ?? 0) + (options.events?.length ?? 0), bytes, durationMs: performance.now() - started, skippedBinary: 0, skippedLarge: 0 },
  };
}

async function inputSize(file: string): Promise<number> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new RampartError('usage', `${file} is not a file`);
    return info.size;
  } catch (error) {
    if (error instanceof RampartError) throw error;
    throw new RampartError('path-not-found', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`, { cause: error });
  }
}

/**
 * `--follow`: judges records as they arrive, files as they grow and standard input to its end,
 * until every input has ended or `signal` aborts. Findings go to `onFinding` as they are found.
 */
export async function followWatch(options: WatchOptions & { onFinding: (finding: Finding) => void; onBad: (origin: RecordOrigin, message: string) => void; log: (entry: Record<string, unknown>) => void }, signal: AbortSignal): Promise<Watcher> {
  for (const file of [...options.auditLogs, ...(options.argocdLogs ?? []), ...(options.argocdApps ?? []), ...(options.events ?? [])]) if (file !== STDIN) await inputSize(file);
  const watcher = createWatcher(options, options.onFinding);
  watcher.onBad = options.onBad;
  const repository = await openRepository(options);
  const feed = new DeployFeed(watcher, repository, true);
  watcher.addJudge(podImagesJudge(feed));
  let listener: Listener | undefined;
  try {
    await readApplicationDumps(options, watcher, feed);
    const events = new ClusterEventJudge(watcher, feed);
    listener = options.listen ? await startListener({ ...options.listen, log: options.log, routes: [auditRoute(watcher), fluxRoute(events, options.listen.fluxHmacKey)] }) : undefined;
    if (listener) options.listen?.onListening?.(listener.port);
    await Promise.all([
      readInputs(options, watcher, feed, events, signal),
      ...(listener ? [new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })))] : []),
    ]);
    await feed.settled();
  } finally {
    await listener?.close();
    await repository?.close();
  }
  return watcher;
}

/** POST /audit: the `audit.k8s.io/v1` EventList the API server's webhook backend sends, in batch and blocking mode alike. */
function auditRoute(watcher: Watcher): ListenerRoute {
  return {
    path: '/audit',
    limit: MAX_AUDIT_BODY_BYTES,
    describe: 'an audit.k8s.io/v1 EventList',
    accept: (body, sequence) => {
      let items: unknown[];
      try {
        if (isRecord(body) && body['apiVersion'] !== undefined && body['apiVersion'] !== 'audit.k8s.io/v1') throw new BadRecordError(`apiVersion ${JSON.stringify(body['apiVersion'])} is not audit.k8s.io/v1`);
        items = eventListItems(body);
      } catch (error) {
        if (error instanceof BadRecordError) throw new BadBodyError(error.message);
        throw error;
      }
      const path = `<webhook /audit batch ${sequence}>`;
      items.forEach((item, index) => feedAuditEvent(watcher, item, { path, line: index + 1 }));
    },
  };
}

/** POST /flux: one Flux event, as a notification-controller `generic` Provider (or a controller's --events-addr) posts it. */
function fluxRoute(events: ClusterEventJudge, hmacKey: Buffer | undefined): ListenerRoute {
  return {
    path: '/flux',
    limit: MAX_EVENT_BODY_BYTES,
    describe: 'a Flux event',
    ...(hmacKey ? { authorize: (text: string, headers: IncomingHttpHeaders) => checkFluxSignature(hmacKey, text, headers) } : {}),
    accept: (body, sequence) => {
      let event;
      try {
        event = toClusterEvent(body);
      } catch (error) {
        if (error instanceof BadRecordError) throw new BadBodyError(error.message);
        throw error;
      }
      events.judge(event, { path: `<webhook /flux event ${sequence}>`, line: 1 });
    },
  };
}

async function readInputs(options: WatchOptions, watcher: Watcher, feed: DeployFeed, events: ClusterEventJudge, signal: AbortSignal): Promise<void> {
  const inputs: Array<{ file: string; feedLine: (text: string, origin: RecordOrigin) => void }> = [
    ...options.auditLogs.map((file) => ({ file, feedLine: (text: string, origin: RecordOrigin) => feedAuditLine(watcher, text, origin) })),
    ...(options.argocdLogs ?? []).map((file) => ({ file, feedLine: (text: string, origin: RecordOrigin) => feedArgoCdLogLine(watcher, feed, text, origin) })),
    // followed, an events file is JSON lines: Flux events, or `kubectl get events -o json --watch-only` compacted by jq -c
    ...(options.events ?? []).map((file) => ({ file, feedLine: (text: string, origin: RecordOrigin) => feedEventLine(events, watcher, text, origin) })),
  ];
  // standard input may stay open with nothing coming: stop reading it when told to stop
  if (inputs.some((input) => input.file === STDIN)) signal.addEventListener('abort', () => process.stdin.destroy(), { once: true });
  await Promise.all(inputs.map(async ({ file, feedLine }) => {
    if (file === STDIN) {
      for await (const { text, line, path } of readLines(file)) {
        if (signal.aborted) break;
        feedLine(text, { path, line });
      }
      return;
    }
    await tailLines(file, (text, line) => feedLine(text, { path: file, line }), signal);
  }));
}

function podImagesJudge(feed: DeployFeed): AuditJudge {
  const judge = new PodImagesJudge((pod) => feed.podImages(pod));
  return (event, context) => judge.judge(event, context);
}

function openRepository(options: WatchOptions): Promise<DeployRepository | undefined> {
  return options.repo ? DeployRepository.open(options.repo, options.protectedBranch ?? 'main', options.verify) : Promise.resolve(undefined);
}

/** Application dumps: what they tell the audit judges, and the revisions and images they record, queued for the clone. */
async function readApplicationDumps(options: WatchOptions, watcher: Watcher, feed: DeployFeed): Promise<void> {
  const dumps: ApplicationDump[] = [];
  for (const file of options.argocdApps ?? []) dumps.push(learnApplications(watcher, feed, await readApplicationDump(file)));
  for (const dump of dumps) for (const entry of dump.deployed) feed.revision(entry);
  for (const dump of dumps) for (const entry of dump.running) feed.images(entry);
}

/** What an Application dump tells the audit judges: which Applications exist and which objects they manage. */
function learnApplications(watcher: Watcher, feed: DeployFeed, dump: ApplicationDump): ApplicationDump {
  for (const { origin, message } of dump.bad) watcher.bad(origin, new BadRecordError(message));
  const { state } = watcher;
  for (const { namespace, name, sources } of dump.sources) feed.learnApplication(namespace, name, sources);
  for (const name of dump.applications) state.management.knownApplications.add(name);
  for (const resource of dump.resources) {
    const key = objectKey({ apiGroup: resource.group, resource: resourceOfKind(resource.kind), namespace: resource.namespace, name: resource.name });
    if (!state.managed.get(key)) state.managed.set(key, { controller: 'argocd', owner: `Application ${resource.application}`, evidence: 'status.resources of the Application' });
  }
  return dump;
}

/** The resource of a kind as the API server names it by default (lower case, plural). */
export function resourceOfKind(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower === 'endpoints') return lower;
  if (/(s|x|ch|sh)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}
