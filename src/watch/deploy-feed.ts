import { errorMessage } from '../errors.js';
import type { DeployedRevision, RunningImages } from './argocd-apps.js';
import type { LoggedSync } from './argocd-log.js';
import type { RecordOrigin } from './audit-event.js';
import type { PodImages } from './judges/pod-images.js';
import type { DeployRepository } from './deploy-repository.js';
import { DeploymentJudge } from './judges/deployments.js';
import type { Watcher } from './watcher.js';

const UNVERIFIED = 'deploy-revision-unverified';
const IMAGE = 'deploy-image-not-in-git';

export interface DeploySource {
  readonly repoURL: string;
  readonly path: string;
  readonly targetRevision: string;
  readonly chart: boolean;
}

type Job = () => Promise<void>;

/**
 * Deployed revisions and running images from every input (Application dumps, controller logs, Flux
 * events), judged against the clone one at a time in the order they came. A batch run judges them
 * when its inputs are read (`settled`); a streaming run as they come.
 */
export class DeployFeed {
  private readonly judge: DeploymentJudge | undefined;
  private readonly queued: Job[] = [];
  private chain: Promise<void> = Promise.resolve();
  /** Applications' namespaces by name, for records that name only the Application */
  private readonly namespaces = new Map<string, Set<string>>();
  private readonly sources = new Map<string, readonly DeploySource[]>();

  constructor(private readonly watcher: Watcher, repository: DeployRepository | undefined, private readonly streaming: boolean) {
    this.judge = repository ? new DeploymentJudge(repository, watcher.context) : undefined;
  }

  /** An Application's sources, from a dump: what log lines naming it deployed from. */
  learnApplication(namespace: string, name: string, sources: readonly DeploySource[]): void {
    this.learnNamespace(name, namespace);
    this.sources.set(`${namespace}/${name}`, sources);
  }

  /** the revision each deployer last deployed, as the records came: what its pods should run */
  private readonly current = new Map<string, { revision: string; repoURL: string; path: string }>();

  revision(record: DeployedRevision): void {
    this.current.set(record.deployer, { revision: record.revision, repoURL: record.repoURL, path: record.path });
    this.add(async () => {
      if (this.judge) await this.judge.revision(record);
      else this.watcher.context.unjudged(UNVERIFIED, 'no --repo was given to check revisions against', record.deployer);
    }, UNVERIFIED, record.deployer);
  }

  images(record: RunningImages): void {
    this.current.set(record.deployer, { revision: record.revision, repoURL: record.repoURL, path: record.path });
    this.add(async () => {
      if (this.judge) await this.judge.images(record);
      else this.watcher.context.unjudged(IMAGE, 'no --repo was given to read the synced revision from', record.deployer);
    }, IMAGE, record.deployer);
  }

  /** A sync an Argo CD log line or event records: each revision, with the Application's source when it is known. */
  argoCdSync(sync: LoggedSync, origin: RecordOrigin): void {
    if (sync.namespace) this.learnNamespace(sync.application, sync.namespace);
    const namespaces = this.namespaces.get(sync.application);
    const namespace = sync.namespace || (namespaces?.size === 1 ? [...namespaces][0]! : '');
    const qualified = namespace ? `${namespace}/${sync.application}` : sync.application;
    const sources = this.sources.get(qualified) ?? this.sourcesSeenInAudit(namespace, sync.application);
    sync.revisions.forEach((revision, index) => {
      const source = sources[index] ?? (sources.length === 1 ? sources[0] : undefined);
      if (source?.chart) return;
      this.revision({
        deployer: `Application ${qualified}`,
        revision,
        repoURL: source?.repoURL ?? '',
        path: source?.path ?? '',
        targetRevision: source?.targetRevision ?? '',
        recordedIn: sync.what,
        time: sync.time,
        initiatedBy: sync.initiatedBy,
        origin,
      });
    });
  }

  /** A pod's images, against the revision its deployer last deployed (from the dumps, logs and events read so far). */
  podImages(pod: PodImages): void {
    const deployer = this.qualified(pod.deployer);
    const current = this.current.get(deployer);
    if (!current) {
      this.watcher.context.unjudged(IMAGE, 'no revision of its deployer was seen (give --argocd-apps, --argocd-log or --events before the audit log)', deployer);
      return;
    }
    this.images({ deployer, ...current, images: pod.images, origin: pod.origin, subject: pod.pod });
  }

  /** `Application shop` (a tracking id without the namespace) as `Application argocd/shop` when one namespace has it. */
  private qualified(deployer: string): string {
    const match = /^Application ([^/]+)$/.exec(deployer);
    const namespaces = match ? this.namespaces.get(match[1]!) : undefined;
    return match && namespaces?.size === 1 ? `Application ${[...namespaces][0]!}/${match[1]!}` : deployer;
  }

  /** Judges what a batch run collected, in order; in a streaming run, waits for what is being judged. */
  async settled(): Promise<void> {
    for (const job of this.queued.splice(0)) await job();
    await this.chain;
  }

  private add(run: Job, ruleId: string, deployer: string): void {
    const job: Job = () => run().catch((error: unknown) => this.watcher.context.unjudged(ruleId, `git failed: ${errorMessage(error)}`, deployer));
    if (this.streaming) this.chain = this.chain.then(job);
    else this.queued.push(job);
  }

  private learnNamespace(name: string, namespace: string): void {
    let known = this.namespaces.get(name);
    if (!known) {
      known = new Set();
      this.namespaces.set(name, known);
    }
    known.add(namespace);
  }

  /** The source of an Application as the last audit event with its spec showed it. */
  private sourcesSeenInAudit(namespace: string, name: string): DeploySource[] {
    const seen = this.watcher.state.sources.get(`argoproj.io/applications/${namespace}/${name}`);
    if (!seen) return [];
    if (seen['source.repoURL'] !== undefined) {
      return [{ repoURL: seen['source.repoURL'], path: seen['source.path'] ?? '', targetRevision: seen['source.targetRevision'] ?? 'HEAD', chart: Boolean(seen['source.chart']) }];
    }
    try {
      const list = JSON.parse(seen['sources'] ?? '[]') as Array<Record<string, unknown>>;
      return list.map((source) => ({
        repoURL: typeof source['repoURL'] === 'string' ? source['repoURL'] : '',
        path: typeof source['path'] === 'string' ? source['path'] : '',
        targetRevision: typeof source['targetRevision'] === 'string' ? source['targetRevision'] : 'HEAD',
        chart: typeof source['chart'] === 'string' && source['chart'] !== '',
      }));
    } catch {
      return [];
    }
  }
}
