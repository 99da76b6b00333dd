import type { Workspace } from '../../model/workspace.js';

const caches = new WeakMap<Workspace, Map<string, unknown>>();

/** Computes a derived view of the workspace once per scan: several operator rules read the same ones. */
export function perWorkspace<T>(workspace: Workspace, key: string, compute: () => T): T {
  let cache = caches.get(workspace);
  if (!cache) {
    cache = new Map();
    caches.set(workspace, cache);
  }
  if (!cache.has(key)) cache.set(key, compute());
  return cache.get(key) as T;
}
