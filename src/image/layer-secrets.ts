import { availableParallelism } from 'node:os';
import { LineIndex } from '../model/span.js';
import { DETECTORS } from '../secrets/catalogue.js';
import type { Detector } from '../secrets/detector.js';
import { DEFAULT_MAX_FINDINGS_PER_FILE } from '../secrets/finding-cap.js';
import { Redactions, secretHash, secretPreview } from '../secrets/redact.js';
import { findSecrets, mayHoldSecrets } from '../secrets/scan-text.js';
import { decodeText } from '../sources/read.js';
import { SNIFF_BYTES, textEncoding } from '../sources/text-encoding.js';
import type { LayerVisitor } from './analyze.js';
import { FileBody } from './file-body.js';
import { SecretScanPool } from './secret-scan-pool.js';
import type { ImageEntry, SquashedTree } from './squash.js';

/** Trivy's cap for secret scanning: larger files are data, archives or binaries. */
export const SECRET_SCAN_MAX_BYTES = 10 * 1024 * 1024;

/**
 * Directories of distribution-shipped files, documentation and test data that carry example keys
 * and test certificates by the thousand (Trivy's built-in allow rules): not read for secrets.
 */
const SKIPPED = /^(?:usr\/share|usr\/include|usr\/src|usr\/lib\/(?:python[\d.]*|perl5?|ruby|go|jvm|gcc|x86_64-linux-gnu\/perl))\/|\.dist-info\/|\.egg-info\/|(?:^|\/)node_modules\/(?:.*\/)?(?:tests?|__tests__|docs?|examples?|fixtures?)\/|\.md$/;

export interface LayerSecret {
  readonly detector: Detector;
  readonly hash: string;
  readonly preview: string;
  /** `etc/app/.env`, or `config:Env`, `config:Labels`, `config:history[3]` for the image config */
  readonly path: string;
  /** the layer the file is in; absent for the config */
  readonly layer?: number;
  readonly line: number;
  readonly column: number;
  /** the line with every secret on it redacted, at most 240 characters */
  readonly snippet: string;
  /** a later layer deleted or replaced the file: it is still in the image's layers */
  deleted?: boolean;
}

const SNIPPET_MAX = 240;

/** Every credential in `text`, redacted snippets and positions, capped per detector like a file of the tree. */
export function secretsInText(text: string, scanPath: string, shownPath: string, layer?: number): LayerSecret[] {
  const matches = findSecrets(text, scanPath);
  if (matches.length === 0) return [];
  const redactions = new Redactions(matches);
  const lines = new LineIndex(text);
  const perDetector = new Map<string, number>();
  const found: LayerSecret[] = [];
  for (const match of matches) {
    const count = (perDetector.get(match.detector.id) ?? 0) + 1;
    perDetector.set(match.detector.id, count);
    if (count > DEFAULT_MAX_FINDINGS_PER_FILE) continue;
    const { line, column } = lines.position(match.start);
    const lineStart = text.lastIndexOf('\n', match.start - 1) + 1;
    const lineEndAt = text.indexOf('\n', match.start);
    const snippet = redactions.slice(text, lineStart, lineEndAt === -1 ? text.length : lineEndAt);
    found.push({
      detector: match.detector,
      hash: secretHash(match.secret),
      preview: secretPreview(match.secret),
      path: shownPath,
      ...(layer !== undefined ? { layer } : {}),
      line,
      column,
      snippet: snippet.length > SNIPPET_MAX ? `${snippet.slice(0, SNIPPET_MAX)}…` : snippet,
    });
  }
  return found;
}

/** `text` with every credential in it redacted (history steps shown in reports). */
export function redactSecrets(text: string, scanPath: string): string {
  const matches = findSecrets(text, scanPath);
  return matches.length === 0 ? text : new Redactions(matches).slice(text, 0, text.length);
}

/** A layer secret as it crosses threads and goes into the layer cache: its detector by id. */
export type SerializedSecret = Omit<LayerSecret, 'detector' | 'deleted'> & { readonly detector: string };

export function serializeSecret({ detector, deleted: _deleted, ...secret }: LayerSecret): SerializedSecret {
  return { ...secret, detector: detector.id };
}

function deserializeSecret(secret: SerializedSecret): LayerSecret | undefined {
  const detector = DETECTORS.find((candidate) => candidate.id === secret.detector);
  return detector ? { ...secret, detector } : undefined;
}

/** The secrets in one layer file (text files only). */
export function secretsInFile(path: string, layer: number, content: Uint8Array): LayerSecret[] {
  // most files hold no keyword at all: a pass over the bytes spares decoding them and a second pass over the text
  if (textEncoding(content) === 'utf-8' && !mayHoldSecrets(content)) return [];
  const decoded = decodeText(content);
  if (decoded.kind !== 'text') return [];
  return secretsInText(decoded.text, path, path, layer);
}

export interface LayerSecretScannerOptions {
  /** worker threads (default: one less than the cores, 1 to 4; 0 scans in this thread) */
  readonly workers?: number;
  /**
   * bytes scanned in this thread before workers start: a small image is done before one would be up
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
 * hashing on this one: it is most of a first run's work.
 */
export class LayerSecretScanner implements LayerVisitor {
  readonly found: LayerSecret[] = [];
  private readonly skippedByLayer = new Map<number, number>();
  private readonly workerCount: number;
  /** undefined: the process-wide allowance */
  private inThreadLeft: number | undefined;
  private pool: SecretScanPool<SerializedSecret> | undefined;

  constructor(options: LayerSecretScannerOptions = {}) {
    this.workerCount = options.workers ?? Math.max(0, Math.min(4, availableParallelism() - 1));
    this.inThreadLeft = options.inThreadBytes;
  }

  get skippedLarge(): number {
    let total = 0;
    for (const count of this.skippedByLayer.values()) total += count;
    return total;
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
    const secrets = this.found.filter((secret) => secret.layer === layer).map(({ layer: _layer, ...secret }) => serializeSecret(secret));
    return { secrets, skipped: this.skippedByLayer.get(layer) ?? 0 };
  }

  restoreLayer(layer: number, state: unknown): void {
    const saved = state as { secrets: SerializedSecret[]; skipped: number };
    for (const secret of saved.secrets) {
      const restored = deserializeSecret(secret);
      if (restored) this.found.push({ ...restored, layer });
    }
    if (saved.skipped > 0) this.skippedByLayer.set(layer, saved.skipped);
  }

  visit(entry: ImageEntry, content: Buffer): void | Promise<void> {
    return this.visitBody(entry, FileBody.of(content));
  }

  /** a file for the workers is copied once, from the slices it arrived in, into their shared ring */
  visitBody(entry: ImageEntry, body: FileBody): void | Promise<void> {
    // binaries are known by their first bytes: not copied to a worker to be found binary there
    const first = body.parts[0];
    if (textEncoding(first && first.length >= Math.min(SNIFF_BYTES, body.length) ? first : body.head(SNIFF_BYTES).bytes) === 'binary') return;
    if (this.workerCount === 0 || this.takeInThread(body.length)) {
      this.found.push(...secretsInFile(entry.path, entry.layer, body.bytes));
      return;
    }
    this.pool ??= new SecretScanPool(this.workerCount, SECRET_WORKER, (job) => secretsInFile(job.path, job.layer, job.content).map(serializeSecret));
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
    for (const secret of await this.pool.drain()) {
      const restored = deserializeSecret(secret);
      if (restored) this.found.push(restored);
    }
  }

  close(): void {
    this.pool?.close();
  }

  /** marks the secrets whose file the squashed view no longer holds as this layer's */
  finish(tree: SquashedTree): readonly LayerSecret[] {
    for (const secret of this.found) if (secret.layer !== undefined) secret.deleted = tree.get(secret.path)?.layer !== secret.layer;
    return this.found;
  }
}
