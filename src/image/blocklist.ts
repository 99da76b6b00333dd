import { append } from '../append.js';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DEFAULT_CONFIG } from '../config/schema.js';
import type { Finding } from '../model/finding.js';
import imageMalware from '../rules/artifacts/image-malware.js';
import type { LayerVisitor } from './analyze.js';
import { ImageInputError } from './blob-source.js';
import { contentSha256 } from './content-digest.js';
import type { FileBody } from './file-body.js';
import { imageFinding, layerProperties } from './image-findings.js';
import type { InspectedImage } from './inspect-image.js';
import type { ImageAnalysisOptions } from './malware/analyze-image.js';
import type { ImageEntry } from './squash.js';

/** Files larger than this are not hashed for the blocklist (counted as skipped). */
export const BLOCKLIST_MAX_BYTES = 256 * 1024 * 1024;
const MAX_LIST_BYTES = 256 * 1024 * 1024;

export interface Blocklist {
  /** the file as the user named it */
  readonly file: string;
  /** hex SHA-256 → the comment written after it ('' when none) */
  readonly digests: ReadonlyMap<string, string>;
  /** digest of the whole list: a cached layer is hashed again when the list changes */
  readonly fingerprint: string;
}

/**
 * `--blocklist FILE`: one SHA-256 a line (64 hex digits, `sha256:` prefix allowed), then an optional
 * comment; `#` lines and blank lines are skipped. `sha256sum` output is accepted as is (the file name
 * becomes the comment). Any other line is an error naming the file and line.
 */
export async function loadBlocklist(file: string): Promise<Blocklist> {
  let text: string;
  try {
    const bytes = await readFile(file);
    if (bytes.length > MAX_LIST_BYTES) throw new ImageInputError(`blocklist ${file} is larger than 256 MiB`);
    text = bytes.toString('utf8');
  } catch (error) {
    if (error instanceof ImageInputError) throw error;
    throw new ImageInputError(`cannot read blocklist ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const digests = new Map<string, string>();
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:sha256:)?([0-9a-fA-F]{64})(?:\s+\*?(.*))?$/.exec(line);
    if (!match) {
      const shown = line.length > 80 ? `${line.slice(0, 80)}…` : line;
      throw new ImageInputError(`blocklist ${file}:${index + 1}: expected a SHA-256 (64 hex digits) and an optional comment, not ${JSON.stringify(shown)}`);
    }
    digests.set(match[1]!.toLowerCase(), (match[2] ?? '').replace(/^#\s*/, '').trim());
  }
  if (digests.size === 0) throw new ImageInputError(`blocklist ${file} lists no SHA-256`);
  const fingerprint = createHash('sha256').update([...digests.keys()].sort().join('\n')).digest('hex');
  return { file, digests, fingerprint };
}

export interface BlocklistHit {
  readonly path: string;
  readonly layer: number;
  readonly sha256: string;
}

/** Hashes every regular file of every layer (deleted ones too) and keeps those the list names. */
export class BlocklistScanner implements LayerVisitor {
  readonly hits: BlocklistHit[] = [];
  readonly cacheSalt: string;
  private readonly skippedByLayer = new Map<number, number>();

  constructor(private readonly list: Blocklist) {
    this.cacheSalt = `blocklist:${list.fingerprint}`;
  }

  wanted(entry: ImageEntry): number {
    if (entry.type !== 'file' || entry.size === 0 && !this.list.digests.has(EMPTY_SHA256)) return 0;
    if (entry.size > BLOCKLIST_MAX_BYTES) {
      this.skippedByLayer.set(entry.layer, (this.skippedByLayer.get(entry.layer) ?? 0) + 1);
      return 0;
    }
    return BLOCKLIST_MAX_BYTES;
  }

  visit(entry: ImageEntry, content: Buffer): void {
    this.check(entry, contentSha256(content));
  }

  visitBody(entry: ImageEntry, body: FileBody): void {
    this.check(entry, body.sha256());
  }

  private check(entry: ImageEntry, sha256: string): void {
    if (this.list.digests.has(sha256)) this.hits.push({ path: entry.path, layer: entry.layer, sha256 });
  }

  get skipped(): number {
    let total = 0;
    for (const count of this.skippedByLayer.values()) total += count;
    return total;
  }

  saveLayer(layer: number): unknown {
    return { hits: this.hits.filter((hit) => hit.layer === layer).map(({ path, sha256 }) => [path, sha256]), skipped: this.skippedByLayer.get(layer) ?? 0 };
  }

  restoreLayer(layer: number, state: unknown): void {
    const saved = state as { hits: Array<[string, string]>; skipped: number };
    for (const [path, sha256] of saved.hits) this.hits.push({ path, layer, sha256 });
    if (saved.skipped > 0) this.skippedByLayer.set(layer, saved.skipped);
  }
}

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export function blocklistFindings(display: string, image: InspectedImage, scanner: BlocklistScanner, list: Blocklist): Finding[] {
  return scanner.hits.map((hit) => {
    const current = image.tree.get(hit.path);
    const deleted = !current || current.layer !== hit.layer;
    const comment = list.digests.get(hit.sha256) ?? '';
    const finding = imageFinding({
      rule: imageMalware,
      messageId: 'blocklist',
      data: { image: display, path: hit.path, layer: hit.layer, sha256: hit.sha256, list: `${list.file}${comment ? ` (${comment})` : ''}` },
      image: display,
      source: 'layer',
      path: hit.path,
      subject: `${hit.layer}:blocklist:${hit.sha256}`,
      properties: {
        detector: 'blocklist',
        sha256: hit.sha256,
        blocklist: list.file,
        ...(comment ? { blocklistComment: comment } : {}),
        ...layerProperties(image, hit.layer),
        ...(deleted ? { deletedInLaterLayer: true } : {}),
      },
    }, DEFAULT_CONFIG);
    return deleted ? { ...finding, message: `${finding.message} A later layer deleted or replaced it, but it is still in the image.` } : finding;
  });
}

/**
 * Adds a blocklist scanner to each image `analyzeImage` reads; `findings` turns what they found into
 * `image-malware` findings once the images have been read.
 */
export function blocklistVisitors(list: Blocklist, options: ImageAnalysisOptions): { options: ImageAnalysisOptions; findings(display: string, images: readonly InspectedImage[]): { findings: Finding[]; skipped: number } } {
  const scanners = new Map<string | undefined, BlocklistScanner>();
  return {
    options: {
      ...options,
      visitors: (image) => {
        const scanner = new BlocklistScanner(list);
        scanners.set(image.platform, scanner);
        return [...(options.visitors?.(image) ?? []), scanner];
      },
    },
    findings(display, images) {
      const findings: Finding[] = [];
      let skipped = 0;
      for (const image of images) {
        const scanner = scanners.get(image.platform) ?? scanners.get(undefined);
        if (!scanner) continue;
        append(findings, blocklistFindings(display, image, scanner, list));
        skipped += scanner.skipped;
      }
      return { findings, skipped };
    },
  };
}
