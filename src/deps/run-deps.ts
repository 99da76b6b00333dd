import { append } from '../append.js';
import { loadWorkspace } from '../sources/load-workspace.js';
import type { Workspace } from '../model/workspace.js';
import { ConcurrencyLimit } from '../resolve/limit.js';
import { errorMessage } from '../errors.js';
import { discoverDependencies, type Discovery, type RepositoryAliases, type SkippedReference } from './discover.js';
import type { DependencyFetcher } from './fetcher.js';
import { dependencyKey, type DependencyReference, type DependencySource, type FetchedDependency } from './types.js';
import { fromParent, resolveValues, type ResolvedValues } from './values-resolve.js';

/** Files in a dependency larger than this are not read (charts and bases are small; a bigger file is data). */
const DEPENDENCY_FILE_BYTES = 1024 * 1024;

/** A reference and what it fetched; nested references keep the repository site of the top one. */
export interface ResolvedReference {
  readonly reference: DependencyReference;
  readonly key: string;
  /** 0 for a reference written in the repository, 1 for a chart's own dependency, … */
  readonly depth: number;
  readonly fetched?: FetchedDependency;
  readonly error?: string;
  /** for a chart: the values it is given, all layers applied */
  readonly values?: ResolvedValues;
  /** what about its values could not be read */
  readonly notes?: readonly string[];
}

export interface DependencyRun {
  readonly references: ResolvedReference[];
  /** unique dependencies fetched, by key */
  readonly fetched: ReadonlyMap<string, FetchedDependency>;
  readonly skipped: SkippedReference[];
  /** the fetched tree of a dependency read as a workspace (once per run), undefined when it cannot be read */
  workspaceOf(dependency: FetchedDependency): Promise<Workspace | undefined>;
}

export interface RunDepsOptions {
  readonly fetcher: DependencyFetcher;
  readonly aliases?: RepositoryAliases;
  readonly concurrency?: number;
  /** how deep to follow dependencies of dependencies (default 5) */
  readonly maxDepth?: number;
  readonly onProgress?: (done: number, total: number, label: string) => void;
}

/**
 * Fetches every remote dependency of `workspace`, then those of what was fetched (a chart's own
 * dependencies, a base's remote bases), each unique dependency once.
 */
export async function runDependencies(workspace: Workspace, options: RunDepsOptions): Promise<DependencyRun> {
  const limit = new ConcurrencyLimit(options.concurrency ?? 8);
  const maxDepth = options.maxDepth ?? 5;
  const discovery = discoverDependencies(workspace, options.aliases);
  const references: ResolvedReference[] = [];
  const fetched = new Map<string, FetchedDependency>();
  const nestedOf = new Map<string, Promise<Discovery>>();
  const skipped = [...discovery.skipped];
  const skippedSeen = new Set<string>();
  const trees = new Map<string, Promise<Workspace | undefined>>();
  const workspaceOf = (dependency: FetchedDependency): Promise<Workspace | undefined> => {
    let tree = trees.get(dependency.directory);
    if (!tree) {
      tree = loadWorkspace(dependency.directory, { ignore: [], maxFileSize: DEPENDENCY_FILE_BYTES }).then(({ workspace }) => workspace, () => undefined);
      trees.set(dependency.directory, tree);
    }
    return tree;
  };
  let total = 0;
  let done = 0;
  const readSource = async (source: DependencySource): Promise<string> => (await limit.run(() => options.fetcher.fetch(source))).directory;
  const valuesOf = async (reference: DependencyReference, dependency: FetchedDependency): Promise<Pick<ResolvedReference, 'values' | 'notes'>> => {
    const notes = [...(reference.notes ?? [])];
    if (!reference.values || !isChart(dependency)) return notes.length > 0 ? { notes } : {};
    const resolved = await resolveValues(reference.values, dependency.directory, readSource);
    append(notes, resolved.notes);
    return { values: resolved.values, ...(notes.length > 0 ? { notes } : {}) };
  };

  const visit = async (reference: DependencyReference, depth: number, ancestors: ReadonlySet<string>): Promise<void> => {
    const key = dependencyKey(reference.source);
    total += 1;
    let result: ResolvedReference;
    try {
      const dependency = await limit.run(() => options.fetcher.fetch(reference.source));
      fetched.set(key, dependency);
      result = { reference, key, depth, fetched: dependency, ...(await valuesOf(reference, dependency)) };
    } catch (error) {
      result = { reference, key, depth, error: errorMessage(error) };
    }
    references.push(result);
    done += 1;
    options.onProgress?.(done, total, reference.via);
    const dependency = result.fetched;
    if (!dependency || depth >= maxDepth || ancestors.has(key)) return;
    let nested = nestedOf.get(key);
    if (!nested) {
      nested = workspaceOf(dependency).then(nestedReferences);
      nestedOf.set(key, nested);
    }
    const { references: children, skipped: left } = await nested;
    for (const skip of left) {
      // a reference inside a dependency that cannot be fetched is told at the repository line that pulls the dependency
      const reason = `${[...reference.chain, dependency.label].join(' → ')} → ${skip.path}:${skip.line}: ${skip.reason}`;
      if (skippedSeen.has(`${reference.at.path}\0${reference.line}\0${reason}`)) continue;
      skippedSeen.add(`${reference.at.path}\0${reference.line}\0${reason}`);
      skipped.push({ path: reference.at.path, line: reference.line, reason });
    }
    const chain = [...reference.chain, dependency.label];
    const inner = new Set([...ancestors, key]);
    const parentValues = result.values;
    await Promise.all(children.map((child) => visit({
      ...child,
      ...(parentValues && child.subchart ? { values: [...(child.values ?? []), ...fromParent(parentValues, child.subchart)] } : {}),
      at: reference.at,
      line: reference.line,
      via: reference.via,
      chain: [...chain, child.via],
    }, depth + 1, inner)));
  };

  await Promise.all(discovery.references.map((reference) => visit(reference, 0, new Set())));
  references.sort((a, b) => compare(a.reference.at.path, b.reference.at.path) || a.reference.at.start - b.reference.at.start || a.depth - b.depth || compare(a.key, b.key));
  return { references, fetched, skipped, workspaceOf };
}

/** The dependencies a fetched tree itself declares, as written inside it (`via` names the file in the dependency), and those it cannot fetch. */
function nestedReferences(workspace: Workspace | undefined): Discovery {
  if (!workspace) return { references: [], skipped: [] };
  const found = discoverDependencies(workspace);
  return { references: found.references.map((reference) => ({ ...reference, via: `${reference.at.path}:${reference.line}` })), skipped: found.skipped };
}

function isChart(dependency: FetchedDependency): boolean {
  return dependency.source.type === 'helm' || dependency.source.type === 'helm-oci';
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
