import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Workspace } from '../model/workspace.js';
import { readLock, type Lock, type LockEntry } from './lock.js';
import type { DependencyRun, ResolvedReference } from './run-deps.js';
import type { DependencySession } from './session.js';
import type { ResolvedContent } from './types.js';

/** `scan --deps` and `rampart deps verify`: what to fetch with and how to judge it. */
export interface DependencySettings {
  readonly session: DependencySession;
  /** `--locked` / `deps verify`: compare with the lock and report dependencies missing from it */
  readonly locked: boolean;
  /** the lock file; default `<root>/rampart.lock` */
  readonly lockPath?: string;
}

export type LockVerdict =
  | { readonly kind: 'changed'; readonly reference: ResolvedReference; readonly entry: LockEntry; readonly field: string; readonly locked: string; readonly now: string }
  | { readonly kind: 'not-locked'; readonly reference: ResolvedReference; readonly entry?: LockEntry; readonly lockPath: string; readonly lockExists: boolean };

/** A lock entry no reference of the tree (or of a fetched dependency) pulls any more. */
export interface StaleEntry {
  readonly key: string;
  readonly entry: LockEntry;
}

export interface DependencyCheck {
  readonly run: DependencyRun;
  readonly lock?: Lock;
  readonly lockPath: string;
  readonly verdicts: LockVerdict[];
  /** entries of the lock nothing references any more (only with a lock) */
  readonly stale: StaleEntry[];
}

const checks = new WeakMap<Workspace, Promise<DependencyCheck>>();

/** Fetches the workspace's dependencies once per scan (every deps rule shares the run) and judges them against the lock. */
export function checkDependencies(workspace: Workspace, settings: DependencySettings): Promise<DependencyCheck> {
  let pending = checks.get(workspace);
  if (!pending) {
    pending = runCheck(workspace, settings);
    checks.set(workspace, pending);
  }
  return pending;
}

async function runCheck(workspace: Workspace, settings: DependencySettings): Promise<DependencyCheck> {
  const lockPath = settings.lockPath ?? path.join(workspace.root || '.', 'rampart.lock');
  const [run, lock] = await Promise.all([settings.session.run(workspace), settings.locked ? readLock(lockPath) : Promise.resolve(undefined)]);
  return { run, ...(lock ? { lock } : {}), lockPath, verdicts: settings.locked ? compareWithLock(run, lock, lockPath) : [], stale: lock ? staleEntries(run, lock, workspace) : [] };
}

const IDENTITY_FIELDS = ['commit', 'digest', 'sha256', 'signer', 'cosignSigner', 'gitSigner'] as const;

/**
 * Each fetched reference against the lock: the same version (or ref) with other content is
 * `changed`; a dependency the lock does not have, or a range that now picks another version, is
 * `not-locked`.
 */
export function compareWithLock(run: DependencyRun, lock: Lock | undefined, lockPath: string): LockVerdict[] {
  const verdicts: LockVerdict[] = [];
  const seen = new Set<string>();
  for (const reference of run.references) {
    const fetched = reference.fetched;
    if (!fetched) continue;
    const site = `${reference.key}\0${reference.reference.at.path}\0${reference.reference.at.start}`;
    if (seen.has(site)) continue;
    seen.add(site);
    const entry = lock?.entries.get(reference.key);
    if (!entry) {
      verdicts.push({ kind: 'not-locked', reference, lockPath, lockExists: lock !== undefined });
      continue;
    }
    if (entry.version !== undefined && fetched.content.version !== undefined && entry.version !== fetched.content.version) {
      verdicts.push({ kind: 'not-locked', reference, entry, lockPath, lockExists: true });
      continue;
    }
    const changed = IDENTITY_FIELDS.find((field) => entry[field] !== undefined && fetched.content[field] !== undefined && entry[field] !== fetched.content[field]);
    if (changed) {
      verdicts.push({ kind: 'changed', reference, entry, field: changed, locked: entry[changed] ?? '', now: (fetched.content as ResolvedContent)[changed] ?? '' });
    }
  }
  return verdicts;
}

/**
 * Lock entries whose dependency no reference asks for now (a removed chart, a bumped version's old
 * entry). An entry is judged only where the scan saw what used to reference it: not when a file that
 * referenced it is still there but left out (`scan FILE`, the config's `ignore`), nor when the
 * dependency that pulled it in could not be fetched this time.
 */
export function staleEntries(run: DependencyRun, lock: Lock, workspace: Workspace): StaleEntry[] {
  const referenced = new Set(run.references.map((reference) => reference.key));
  const unreached = new Set(run.references.filter((reference) => reference.error).map(({ reference }) => `${reference.at.path}:${reference.line}`));
  const seen = (site: string): boolean => {
    const match = /^(.+?):(\d+)(?: \(|$)/.exec(site);
    if (!match?.[1]) return true;
    if (unreached.has(`${match[1]}:${match[2]}`)) return false;
    return workspace.has(match[1]) || !leftOut(workspace, match[1]);
  };
  return [...lock.entries]
    .filter(([key, entry]) => !referenced.has(key) && entry.referencedBy.every(seen))
    .map(([key, entry]) => ({ key, entry }));
}

/** A file of the repository that the scan did not read although it is there. */
function leftOut(workspace: Workspace, file: string): boolean {
  const normal = path.posix.normalize(file);
  if (normal.startsWith('../') || path.posix.isAbsolute(normal) || !workspace.root) return false;
  return existsSync(path.join(workspace.root, normal));
}

/** `HelmRelease/apps/podinfo → chart podinfo 6.5.0`: how the repository reaches a dependency. */
export function chainOf(reference: ResolvedReference): string {
  return [...reference.reference.chain, reference.fetched?.label ?? ''].filter(Boolean).join(' → ');
}

/** Fetch failures, as one line each, for the rule that must say the check is incomplete. */
export function fetchFailures(run: DependencyRun): string[] {
  const lines = new Set<string>();
  for (const { reference, error } of run.references) if (error) lines.add(`${reference.at.path}:${reference.line} ${reference.chain.join(' → ')}: ${error}`);
  return [...lines];
}

/** The lock's path as the scan names files: relative to the scanned root when it lies inside it. */
export function lockPathIn(root: string, file: string): string {
  if (root && file.startsWith(`${root}/`)) return file.slice(root.length + 1);
  return file;
}
