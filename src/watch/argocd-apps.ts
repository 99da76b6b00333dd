import { readFile } from 'node:fs/promises';
import { RampartError } from '../errors.js';
import { isRecord } from '../is-record.js';
import { BadRecordError, type RecordOrigin } from './audit-event.js';

/** A revision an Argo CD Application (or Flux object) deployed, and what it deployed from. */
export interface DeployedRevision {
  /** `Application argocd/guestbook`, `Kustomization flux-system/apps` */
  readonly deployer: string;
  readonly revision: string;
  readonly repoURL: string;
  readonly path: string;
  readonly targetRevision: string;
  /** where the revision was recorded: `status.history[2]`, `status.operationState`, a log line */
  readonly recordedIn: string;
  readonly time: string;
  readonly initiatedBy: string;
  readonly origin: RecordOrigin;
}

/** The current deployment of an Application: its synced revision and the images its resources run. */
export interface RunningImages {
  readonly deployer: string;
  readonly revision: string;
  readonly repoURL: string;
  readonly path: string;
  readonly images: readonly string[];
  readonly origin: RecordOrigin;
  /** a pod the images were seen in (an audit event), rather than the Application's summary */
  readonly subject?: string;
}

export interface ApplicationDump {
  readonly applications: readonly string[];
  readonly deployed: readonly DeployedRevision[];
  readonly running: readonly RunningImages[];
  /** `group/Kind/namespace/name` of every resource an Application lists in `status.resources` */
  /** each Application's `spec.source(s)`, for records that name only the Application (its controller's log lines) */
  readonly sources: ReadonlyArray<{ readonly namespace: string; readonly name: string; readonly sources: readonly Source[] }>;
  readonly resources: ReadonlyArray<{ readonly group: string; readonly kind: string; readonly namespace: string; readonly name: string; readonly application: string }>;
  readonly bad: ReadonlyArray<{ readonly origin: RecordOrigin; readonly message: string }>;
}

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** `kubectl get applications -A -o json` (a List), or one Application, read from a file. */
export async function readApplicationDump(file: string): Promise<ApplicationDump> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new RampartError('path-not-found', `cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`, { cause: error });
  });
  const dump: Mutable<ApplicationDump> = { applications: [], deployed: [], running: [], sources: [], resources: [], bad: [] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    dump.bad.push({ origin: { path: file, line: 1 }, message: `not JSON (${(error as Error).message})` });
    return dump;
  }
  const items = isRecord(value) && Array.isArray(value['items']) ? value['items'] : [value];
  items.forEach((item, index) => {
    const origin = { path: file, line: lineOf(text, item) };
    try {
      readApplication(item, origin, dump);
    } catch (error) {
      if (!(error instanceof BadRecordError)) throw error;
      dump.bad.push({ origin, message: `items[${index}]: ${error.message}` });
    }
  });
  return dump;
}

type Mutable<T> = { [K in keyof T]: T[K] extends ReadonlyArray<infer U> ? U[] : T[K] };

function readApplication(item: unknown, origin: RecordOrigin, dump: Mutable<ApplicationDump>): void {
  if (!isRecord(item) || item['kind'] !== 'Application' || !isRecord(item['metadata'])) throw new BadRecordError('not an Argo CD Application');
  const name = text(item['metadata']['name']);
  const namespace = text(item['metadata']['namespace']);
  if (!name) throw new BadRecordError('metadata.name is missing');
  const deployer = `Application ${namespace ? `${namespace}/` : ''}${name}`;
  dump.applications.push(name, ...(namespace ? [`${namespace}/${name}`] : []));
  const spec = isRecord(item['spec']) ? item['spec'] : {};
  const status = isRecord(item['status']) ? item['status'] : {};
  const specSources = sourcesOf(spec);
  dump.sources.push({ namespace, name, sources: specSources });
  const record = (revision: unknown, sources: Source[], recordedIn: string, time: unknown, initiatedBy: unknown): void => {
    const revisions = Array.isArray(revision) ? revision : [revision];
    revisions.forEach((one, index) => {
      const source = sources[index] ?? sources[0];
      if (typeof one !== 'string' || !SHA.test(one) || !source || source.chart) return;
      dump.deployed.push({ deployer, revision: one, repoURL: source.repoURL, path: source.path, targetRevision: source.targetRevision, recordedIn, time: text(time), initiatedBy: initiator(initiatedBy), origin });
    });
  };
  const history = Array.isArray(status['history']) ? status['history'] : [];
  history.forEach((entry, index) => {
    if (!isRecord(entry)) return;
    const sources = isRecord(entry['source']) ? [toSource(entry['source'])] : Array.isArray(entry['sources']) ? entry['sources'].filter(isRecord).map(toSource) : specSources;
    record(entry['revisions'] ?? entry['revision'], sources, `status.history[${index}]`, entry['deployedAt'], entry['initiatedBy']);
  });
  const operation = isRecord(status['operationState']) ? status['operationState'] : undefined;
  const syncResult = operation && isRecord(operation['syncResult']) ? operation['syncResult'] : undefined;
  if (operation && syncResult && operation['phase'] === 'Succeeded') {
    const sources = isRecord(syncResult['source']) ? [toSource(syncResult['source'])] : Array.isArray(syncResult['sources']) ? syncResult['sources'].filter(isRecord).map(toSource) : specSources;
    const op = isRecord(operation['operation']) ? operation['operation'] : {};
    record(syncResult['revisions'] ?? syncResult['revision'], sources, 'status.operationState', operation['finishedAt'], op['initiatedBy']);
  }
  const sync = isRecord(status['sync']) ? status['sync'] : {};
  const synced = sync['revision'];
  const summary = isRecord(status['summary']) ? status['summary'] : {};
  const images = Array.isArray(summary['images']) ? summary['images'].filter((image): image is string => typeof image === 'string') : [];
  const single = specSources.length === 1 ? specSources[0] : undefined;
  if (typeof synced === 'string' && SHA.test(synced) && single && !single.chart && images.length > 0) {
    dump.running.push({ deployer, revision: synced, repoURL: single.repoURL, path: single.path, images, origin });
  }
  const resources = Array.isArray(status['resources']) ? status['resources'] : [];
  for (const resource of resources) {
    if (!isRecord(resource)) continue;
    dump.resources.push({ group: text(resource['group']), kind: text(resource['kind']), namespace: text(resource['namespace']), name: text(resource['name']), application: `${namespace ? `${namespace}/` : ''}${name}` });
  }
}

export interface Source {
  readonly repoURL: string;
  readonly path: string;
  readonly targetRevision: string;
  readonly chart: boolean;
}

function sourcesOf(spec: Record<string, unknown>): Source[] {
  if (isRecord(spec['source'])) return [toSource(spec['source'])];
  return Array.isArray(spec['sources']) ? spec['sources'].filter(isRecord).map(toSource) : [];
}

function toSource(source: Record<string, unknown>): Source {
  return { repoURL: text(source['repoURL']), path: text(source['path']), targetRevision: text(source['targetRevision']) || 'HEAD', chart: typeof source['chart'] === 'string' && source['chart'] !== '' };
}

function initiator(value: unknown): string {
  if (!isRecord(value)) return '';
  if (value['automated'] === true) return 'automated';
  return text(value['username']);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The line an item starts on in a pretty-printed dump, found by its uid or name; 1 when not found. */
function lineOf(dumpText: string, item: unknown): number {
  const metadata = isRecord(item) && isRecord(item['metadata']) ? item['metadata'] : {};
  const needle = typeof metadata['uid'] === 'string' ? metadata['uid'] : typeof metadata['name'] === 'string' ? `"${metadata['name']}"` : undefined;
  const at = needle ? dumpText.indexOf(needle) : -1;
  if (at < 0) return 1;
  let line = 1;
  for (let index = 0; index < at; index += 1) if (dumpText.charCodeAt(index) === 10) line += 1;
  return line;
}
