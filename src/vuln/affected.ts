import type { OsvAffected, OsvRange } from './osv.js';
import { goOrder, semverOrder, versionOrderFor, type VersionOrder } from './versions/index.js';

/** What one affected entry says about an installed version. */
export type AffectedVerdict =
  | { readonly kind: 'affected'; readonly fixed?: string; readonly lastAffected?: string; readonly by: 'range' | 'versions' }
  | { readonly kind: 'not-affected' }
  /** the entry's ranges cannot be evaluated for this version (an ordering Rampart lacks, or a version it cannot place) */
  | { readonly kind: 'unknown'; readonly reason: string };

/** `SEMVER` ranges are semver, except Go's, which the Go toolchain's spelling may reach. */
function orderForRange(range: OsvRange, ecosystem: string): VersionOrder | undefined {
  if (range.type === 'SEMVER') return ecosystem === 'Go' ? goOrder : semverOrder;
  if (range.type === 'ECOSYSTEM') return versionOrderFor(ecosystem);
  return undefined;
}

type Bound = { kind: 'introduced' | 'fixed' | 'last_affected' | 'limit'; version: string };

function boundsOf(range: OsvRange): Bound[] {
  return range.events.flatMap((event): Bound[] => {
    if (event.introduced !== undefined) return [{ kind: 'introduced', version: event.introduced }];
    if (event.fixed !== undefined) return [{ kind: 'fixed', version: event.fixed }];
    if (event.last_affected !== undefined) return [{ kind: 'last_affected', version: event.last_affected }];
    if (event.limit !== undefined) return [{ kind: 'limit', version: event.limit }];
    return [];
  });
}

/** `introduced: "0"` is before every version; a `limit` of `*` is after every version. */
function compareBound(order: VersionOrder, version: string, bound: string): number {
  if (bound === '0') return version === '0' ? 0 : 1;
  if (bound === '*') return -1;
  return order.compare(version, bound);
}

/**
 * A range whose events cannot be ordered, or that closes before it opens (a `fixed` below its own
 * `introduced`: OSV's Alpine conversion has shipped such ranges, which would flag every later
 * version), is left out rather than guessed at.
 */
function rangeProblem(order: VersionOrder, bounds: readonly Bound[]): string | undefined {
  for (const bound of bounds) {
    if (bound.version !== '0' && bound.version !== '*' && !order.isValid(bound.version)) return `the ${bound.kind} version ${bound.version} is not a ${order.name} version`;
  }
  let opened: string | undefined;
  for (const bound of bounds) {
    if (bound.kind === 'introduced') opened = bound.version;
    else if (opened !== undefined && bound.kind !== 'limit' && bound.version !== '0' && opened !== '0' && order.compare(bound.version, opened) < 0) {
      return `the range closes (${bound.kind} ${bound.version}) below where it opens (introduced ${opened})`;
    }
  }
  return undefined;
}

/**
 * OSV's evaluation of one range (osv-schema "Evaluation"): walk the events sorted by version;
 * `introduced` at or below the version makes it vulnerable, `fixed` at or below / `last_affected`
 * below clears it; with `limit` events, the version must also be below one of them.
 */
function inRange(order: VersionOrder, version: string, bounds: readonly Bound[]): { affected: boolean; fixed?: string; lastAffected?: string } {
  const limits = bounds.filter((bound) => bound.kind === 'limit');
  if (limits.length > 0 && !limits.some((limit) => compareBound(order, version, limit.version) < 0)) return { affected: false };
  const events = bounds
    .filter((bound) => bound.kind !== 'limit')
    .map((bound, index) => ({ bound, index }))
    .sort((a, b) => {
      if (a.bound.version === '0' || b.bound.version === '0') return a.bound.version === b.bound.version ? a.index - b.index : a.bound.version === '0' ? -1 : 1;
      return order.compare(a.bound.version, b.bound.version) || a.index - b.index;
    })
    .map(({ bound }) => bound);
  let affected = false;
  for (const event of events) {
    const position = compareBound(order, version, event.version);
    if (event.kind === 'introduced' && position >= 0) affected = true;
    else if (event.kind === 'fixed' && position >= 0) affected = false;
    else if (event.kind === 'last_affected' && position > 0) affected = false;
  }
  if (!affected) return { affected };
  // the fix that ends the interval holding the version: the first fixed/last_affected above it
  const closing = events.find((event) => (event.kind === 'fixed' && compareBound(order, version, event.version) < 0) || (event.kind === 'last_affected' && compareBound(order, version, event.version) <= 0));
  if (closing?.kind === 'fixed') return { affected, fixed: closing.version };
  if (closing?.kind === 'last_affected') return { affected, lastAffected: closing.version };
  return { affected };
}

/** Whether `version` of the entry's package is affected, per the OSV schema. */
export function evaluateAffected(entry: OsvAffected, version: string): AffectedVerdict {
  const ecosystem = entry.package.ecosystem.split(':')[0]!;
  const ecosystemOrder = versionOrderFor(ecosystem);
  if (entry.versions?.includes(version)) return { kind: 'affected', by: 'versions' };
  let unknown: string | undefined;
  for (const range of entry.ranges ?? []) {
    if (range.type === 'GIT') continue;
    const order = orderForRange(range, ecosystem);
    if (!order) {
      unknown ??= `no ${range.type} ordering for ecosystem ${entry.package.ecosystem}`;
      continue;
    }
    if (!order.isValid(version)) {
      unknown ??= `${version} is not a ${order.name} version`;
      continue;
    }
    const bounds = boundsOf(range);
    const problem = rangeProblem(order, bounds);
    if (problem) {
      unknown ??= problem;
      continue;
    }
    const verdict = inRange(order, version, bounds);
    if (verdict.affected) {
      return { kind: 'affected', by: 'range', ...(verdict.fixed ? { fixed: verdict.fixed } : {}), ...(verdict.lastAffected ? { lastAffected: verdict.lastAffected } : {}) };
    }
  }
  // a listed version spelled differently (PyPI `1.0` and `1.0.0`) is the same version
  if (ecosystemOrder?.isValid(version) && entry.versions?.some((listed) => ecosystemOrder.isValid(listed) && ecosystemOrder.compare(listed, version) === 0)) {
    return { kind: 'affected', by: 'versions' };
  }
  // a range that could not be evaluated might have held the version: say so rather than "not affected"
  if (unknown) return { kind: 'unknown', reason: unknown };
  return { kind: 'not-affected' };
}
