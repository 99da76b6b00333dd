import { append } from '../append.js';
import { availableParallelism } from 'node:os';
import { SNIFF_BYTES, textEncoding } from '../sources/text-encoding.js';
import type { LayerVisitor } from './analyze.js';
import { FileBody } from './file-body.js';
import type { LayerSecret } from './layer-secrets.js';
import type { SecretScanPool } from './secret-scan-pool.js';
import type { ImageEntry, SquashedTree } from './squash.js';

/** Trivy's cap for secret scanning: larger files are data, archives or binaries. */
export const SECRET_SCAN_MAX_BYTES = 10 * 1024 * 1024;

/**
 * Directories of distribution-shipped files, documentation and test data that carry example keys
 * and test certificates by the thousand (Trivy's built-in allow rules): not read for secrets.
 */
const SKIPPED = /^(?:usr\/share|usr\/include|usr\/src|usr\/lib\/(?:python[\d.]*|perl5?|ruby|go|jvm|gcc|x86_64-linux-gnu\/perl))\/|\.dist-info\/|\.egg-info\/|(?:^|\/)node_modules\/(?:.*\/)?(?:tests?|__tests__|docs?|examples?|fixtures?)\/|\.md$/;

/** A layer secret as it crosses threads and goes into the layer cache: its detector by id. */
export type SerializedSecret = Omit<LayerSecret, 'detector' | 'deleted'> & { readonly detector: string };

type SecretsEngine = typeof import('./layer-secrets.js');

let engine: Promise<SecretsEngine> | undefined;
/** the secrets engine (layer-secrets.ts), loaded once, when first needed */
export function loadSecretsEngine(): Promise<SecretsEngine> {
  engine ??= import('./layer-secrets.js');
  return engine;
}

export interface LayerSecretScannerOptions {
  /** worker threads (default: one less than the cores, 1 to 4; 0 scans in this thread) */
  readonly workers?: number;
  /**
   * bytes of files holding a keyword scanned in this thread before workers start: a small image is done before one would be up
   * (default: 32 MiB for the whole process, shared by every scanner; the workers, once started, are shared too)
   */
  readonly inThreadBytes?: number;
}

export const SECRET_WORKER = { base: import.meta.url, name: 'layer-secret-worker' };

/** what is left of the default in-thread allowance: a run reading many images starts the workers once, for all */
let processInThreadBytes = 32 * 1024 * 1024;

/**
 * Scans every layer's own files (not only the squashed view): a file deleted later is still in the
 * image. Past the first `inThreadBytes` the scan moves to worker threads, beside decompression and
 * hashing on this one: it is most of a first run's work. What it finds is kept with each detector
 * by id: the detectors themselves are loaded only to scan a file or to report a secret.
 */
export class LayerSecretScanner implements LayerVisitor {
  private readonly found: SerializedSecret[] = [];
  private readonly skippedByLayer = new Map<number, number>();
  private readonly workerCount: number;
  /** undefined: the process-wide allowance */
  private inThreadLeft: number | undefined;
  private pool: SecretScanPool<SerializedSecret> | undefined;
  private engine: SecretsEngine | undefined;
  private poolModule: typeof import('./secret-scan-pool.js') | undefined;

  constructor(options: LayerSecretScannerOptions = {}) {
    this.workerCount = options.workers ?? Math.max(0, Math.min(4, availableParallelism() - 1));
    this.inThreadLeft = options.inThreadBytes;
  }

  get skippedLarge(): number {
    let total = 0;
    for (const count of this.skippedByLayer.values()) total += count;
    return total;
  }

  async beginLayer(): Promise<void> {
    this.engine ??= await loadSecretsEngine();
    // the workers' pool (and its shared ring) is code a run answered by the layer cache never loads
    if (this.workerCount > 0) this.poolModule ??= await import('./secret-scan-pool.js');
  }

  wanted(entry: ImageEntry): number {
    if (entry.type !== 'file' || entry.size === 0 || SKIPPED.test(entry.path)) return 0;
    if (entry.size > SECRET_SCAN_MAX_BYTES) {
      this.skippedByLayer.set(entry.layer, (this.skippedByLayer.get(entry.layer) ?? 0) + 1);
      return 0;
    }
    return SECRET_SCAN_MAX_BYTES;
  }

  saveLayer(layer: number): unknown {
    const secrets = this.found.filter((secret) => secret.layer === layer).map(({ layer: _layer, ...secret }) => secret);
    return { secrets, skipped: this.skippedByLayer.get(layer) ?? 0 };
  }

  restoreLayer(layer: number, state: unknown): void {
    const saved = state as { secrets: SerializedSecret[]; skipped: number };
    for (const secret of saved.secrets) this.found.push({ ...secret, layer });
    if (saved.skipped > 0) this.skippedByLayer.set(layer, saved.skipped);
  }

  visit(entry: ImageEntry, content: Buffer): void | Promise<void> {
    return this.visitBody(entry, FileBody.of(content));
  }

  /**
   * Binaries are known by their first bytes, and text without any detector keyword by one pass over
   * its slices where they are: neither is copied to a worker. A file with a keyword is copied once,
   * from its slices, into the workers' shared ring.
   */
  visitBody(entry: ImageEntry, body: FileBody): void | Promise<void> {
    const first = body.parts[0];
    const encoding = textEncoding(first && first.length >= Math.min(SNIFF_BYTES, body.length) ? first : body.head(SNIFF_BYTES).bytes);
    if (encoding === 'binary') return;
    const secrets = this.engine;
    if (!secrets || (this.workerCount > 0 && !this.poolModule)) return this.beginLayer().then(() => this.visitBody(entry, body));
    if (encoding === 'utf-8' && !secrets.mayHoldSecrets(body.parts)) return;
    if (this.workerCount === 0 || this.takeInThread(body.length)) {
      append(this.found, secrets.secretsInFile(entry.path, entry.layer, body.bytes, true).map(secrets.serializeSecret));
      return;
    }
    this.pool ??= new this.poolModule!.SecretScanPool(this.workerCount, SECRET_WORKER, (job) => secrets.secretsInFile(job.path, job.layer, job.content, true).map(secrets.serializeSecret));
    return this.pool.submit({ path: entry.path, layer: entry.layer, content: body });
  }

  /** whether `bytes` more are scanned in this thread, counted against this scanner's or the process's allowance */
  private takeInThread(bytes: number): boolean {
    if (this.inThreadLeft !== undefined) {
      if (this.inThreadLeft <= 0) return false;
      this.inThreadLeft -= bytes;
      return true;
    }
    if (processInThreadBytes <= 0) return false;
    processInThreadBytes -= bytes;
    return true;
  }

  /** waits for the workers' answers on this layer's files, in the order the files came */
  async endLayer(): Promise<void> {
    if (!this.pool) return;
    append(this.found, (await this.pool.drain()));
  }

  close(): void {
    this.pool?.close();
  }

  /** what was found, in the order it was found, with the detectors (loaded only when there is something) */
  async secrets(): Promise<LayerSecret[]> {
    if (this.found.length === 0) return [];
    const { deserializeSecret } = await loadSecretsEngine();
    return this.found.flatMap((secret) => deserializeSecret(secret) ?? []);
  }

  /** every secret found, those whose file the squashed view no longer holds marked as deleted */
  async finish(tree: SquashedTree): Promise<readonly LayerSecret[]> {
    const found = await this.secrets();
    for (const secret of found) if (secret.layer !== undefined) secret.deleted = tree.get(secret.path)?.layer !== secret.layer;
    return found;
  }
}
