/**
 * Bounds on what one image's layers may cost to read, whatever their bytes say (decompression
 * bombs, registries that never stop sending).
 *
 * - Expansion: an image's layers may decompress to at most `floor + ratio × their stored bytes`
 *   (counted over the image's layers read so far, so many small layers share one floor). Real
 *   layers expand 2–10×; gzip cannot pass about 1,030× and zstd reaches 30,000×. Defaults: 2 GiB
 *   plus 100× the stored bytes, set with `RAMPART_IMAGE_MAX_EXPANSION=RATIO` and
 *   `RAMPART_IMAGE_EXPANSION_FLOOR_MIB=MIB`. A layer past it stops decompressing and is reported
 *   incomplete (its stored bytes are still hashed, so its digest is still checked).
 * - Stored bytes: a registry blob is read to at most its descriptor's size; a registry that sends
 *   more is cut off there (the blob then fails its digest).
 */
export interface ExpansionBudget {
  readonly floor: number;
  readonly ratio: number;
  /** stored and uncompressed bytes of the image's layers read before this one */
  readonly storedBefore: number;
  readonly expandedBefore: number;
}

export interface LayerLimits {
  /** stored bytes past this are not read */
  readonly maxStoredBytes?: number;
  readonly expansion?: ExpansionBudget;
}

const MiB = 1024 * 1024;
export const DEFAULT_EXPANSION_RATIO = 100;
export const DEFAULT_EXPANSION_FLOOR = 2048 * MiB;

function positiveNumber(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** the image-wide expansion account, as set by the environment */
export class ExpansionAccount {
  private stored = 0;
  private expanded = 0;

  constructor(
    private readonly ratio = positiveNumber('RAMPART_IMAGE_MAX_EXPANSION', DEFAULT_EXPANSION_RATIO),
    private readonly floor = positiveNumber('RAMPART_IMAGE_EXPANSION_FLOOR_MIB', DEFAULT_EXPANSION_FLOOR / MiB) * MiB,
  ) {}

  budget(): ExpansionBudget {
    return { floor: this.floor, ratio: this.ratio, storedBefore: this.stored, expandedBefore: this.expanded };
  }

  add(stored: number, expanded: number): void {
    this.stored += stored;
    this.expanded += expanded;
  }
}

/** the error when `expanded` uncompressed bytes from `stored` stored bytes pass the budget; undefined while within it */
export function expansionExceeded(budget: ExpansionBudget, stored: number, expanded: number): string | undefined {
  const allowed = budget.floor + budget.ratio * (budget.storedBefore + stored);
  if (budget.expandedBefore + expanded <= allowed) return undefined;
  return `decompresses to more than ${formatBytes(allowed - budget.expandedBefore)} from ${formatBytes(stored)} stored `
    + `(the image's layers may expand to ${formatBytes(budget.floor)} + ${budget.ratio}× their stored size; RAMPART_IMAGE_MAX_EXPANSION, `
    + 'RAMPART_IMAGE_EXPANSION_FLOOR_MIB): a decompression bomb? not read further';
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * MiB) return `${(bytes / 1024 / MiB).toFixed(1)} GiB`;
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(1)} MiB`;
  return `${bytes} bytes`;
}
