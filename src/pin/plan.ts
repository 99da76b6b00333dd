import type { TextEdit } from '../model/finding.js';
import type { ImageOccurrence } from '../model/image-occurrence.js';
import type { ImageReference } from '../model/image-ref.js';
import type { SourceFile } from '../model/source-file.js';
import type { Span } from '../model/span.js';
import type { Workspace } from '../model/workspace.js';
import { ResolveError } from '../resolve/errors.js';
import { displayUrl } from '../resolve/git-refs.js';
import { ConcurrencyLimit } from '../resolve/limit.js';
import type { RegistryClient } from '../resolve/types.js';
import { gitPinTargets } from './git-targets.js';
import { imageDigestEdits } from './image-edits.js';

export interface GitResolver {
  resolve(url: string, ref: string): Promise<string>;
}

export interface PinPlanOptions {
  readonly registry: RegistryClient;
  readonly git: GitResolver;
  /** pin images (default true) */
  readonly images?: boolean;
  /** pin Actions `uses:`, Kustomize remotes and Terraform git modules (default true) */
  readonly gitRefs?: boolean;
  /** called as each unique reference is resolved */
  readonly onResolved?: (done: number, total: number) => void;
}

export interface PinEntry {
  readonly path: string;
  readonly line: number;
  /** the reference as written */
  readonly subject: string;
}

export interface PinFailure extends PinEntry {
  readonly reason: string;
}

export interface PinPlan {
  readonly edits: TextEdit[];
  /** every reference that gets a digest or commit, each edited place once */
  readonly pinned: Array<PinEntry & { readonly to: string }>;
  /** references that could not be resolved (malformed, missing, registry or git errors) */
  readonly failures: PinFailure[];
  /** references that no rewrite can pin (assembled from ARGs, a tag the chart decides, release assets) */
  readonly skipped: PinFailure[];
  /** unique image references and git refs resolved */
  readonly resolutions: number;
}

const RESOLUTIONS_IN_FLIGHT = 16;
const GIT_IN_FLIGHT = 4;

/** Finds everything that can be pinned, resolves each unique reference once, and returns the edits. */
export async function planPins(workspace: Workspace, options: PinPlanOptions): Promise<PinPlan> {
  const failures: PinFailure[] = [];
  const skipped: PinFailure[] = [];
  const work: Array<{ entry: PinEntry; key: string; start: () => Promise<string>; edits: (resolved: string) => { edits: TextEdit[] } | { reason: string } }> = [];

  if (options.images !== false) {
    for (const occurrence of workspace.images()) {
      const entry = entryOf(occurrence.file, occurrence.span, occurrence.text);
      const wanted = pinnableReference(occurrence);
      if ('reason' in wanted) {
        (wanted.failed ? failures : skipped).push({ ...entry, reason: wanted.reason });
        continue;
      }
      if (!('reference' in wanted)) continue;
      const reference = wanted.reference;
      work.push({
        entry,
        key: `image ${reference.canonical}`,
        start: async () => (await options.registry.resolve(reference)).digest,
        edits: (digest) => {
          const result = imageDigestEdits(occurrence, digest);
          return result.ok ? { edits: result.edits } : { reason: result.reason };
        },
      });
    }
  }
  if (options.gitRefs !== false) {
    for (const target of gitPinTargets(workspace)) {
      if (target.unpinnable) {
        skipped.push({ ...entryOf(target.file, target.span, displayUrl(target.value)), reason: target.unpinnable });
        continue;
      }
      work.push({
        entry: entryOf(target.file, target.span, displayUrl(target.value)),
        key: `git ${target.cloneUrl} ${target.ref}`,
        start: () => options.git.resolve(target.cloneUrl, target.ref),
        edits: (sha) => ({ edits: target.edits(sha) }),
      });
    }
  }

  const unique = new Map<string, () => Promise<string>>();
  for (const item of work) if (!unique.has(item.key)) unique.set(item.key, item.start);
  const results = await resolveAll(unique, options.onResolved);

  const edits: TextEdit[] = [];
  const seenEdits = new Set<string>();
  const pinned: PinPlan['pinned'] = [];
  for (const item of work) {
    const result = results.get(item.key);
    if (!result || !result.ok) {
      failures.push({ ...item.entry, reason: result?.reason ?? 'not resolved' });
      continue;
    }
    const planned = item.edits(result.value);
    if ('reason' in planned) {
      skipped.push({ ...item.entry, reason: planned.reason });
      continue;
    }
    let added = 0;
    for (const edit of planned.edits) {
      const key = `${edit.path}\0${edit.start}\0${edit.end}\0${edit.text}`;
      if (seenEdits.has(key)) continue; // one ARG default feeding two FROM lines
      seenEdits.add(key);
      edits.push(edit);
      added += 1;
    }
    // the same place reached twice is one reference pinned, not two
    if (added > 0) pinned.push({ ...item.entry, to: result.value });
  }
  const byPlace = (a: PinFailure, b: PinFailure): number => a.path.localeCompare(b.path) || a.line - b.line;
  return { edits, pinned, failures: failures.sort(byPlace), skipped: skipped.sort(byPlace), resolutions: unique.size };
}

type Outcome = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly reason: string };

async function resolveAll(
  unique: Map<string, () => Promise<string>>,
  onResolved: PinPlanOptions['onResolved'],
): Promise<Map<string, Outcome>> {
  const registryLimit = new ConcurrencyLimit(RESOLUTIONS_IN_FLIGHT);
  const gitLimit = new ConcurrencyLimit(GIT_IN_FLIGHT);
  const results = new Map<string, Outcome>();
  let done = 0;
  await Promise.all([...unique].map(async ([key, start]) => {
    const limit = key.startsWith('git ') ? gitLimit : registryLimit;
    try {
      results.set(key, { ok: true, value: await limit.run(start) });
    } catch (error) {
      results.set(key, { ok: false, reason: reasonOf(error) });
    }
    done += 1;
    onResolved?.(done, unique.size);
  }));
  return results;
}

/**
 * The reference to resolve; or why this occurrence is not pinned: a failure (malformed) or a
 * skip (no rewrite can pin it); or nothing to do (already pinned).
 */
function pinnableReference(occurrence: ImageOccurrence): { reference: ImageReference } | { reason: string; failed: boolean } | { done: true } {
  if (!occurrence.parsed.ok) return { reason: `malformed image reference: ${occurrence.parsed.reason}`, failed: true };
  const reference = occurrence.parsed.reference;
  if (reference.digest) return { done: true };
  if (occurrence.pin.kind === 'none') return { reason: occurrence.pin.reason, failed: false };
  if (occurrence.tagImplicit && !reference.tag) return { reason: occurrence.tagImplicit, failed: false };
  return { reference };
}

function reasonOf(error: unknown): string {
  if (error instanceof ResolveError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

function entryOf(file: SourceFile, span: Span, subject: string): PinEntry {
  return { path: file.path, line: file.position(span.start).line, subject };
}
