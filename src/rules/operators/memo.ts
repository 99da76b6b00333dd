import type { Workspace } from '../../model/workspace.js';

/** Computes a derived view of the workspace once per scan: several operator rules read the same ones. */
export function perWorkspace<T>(workspace: Workspace, key: string, compute: () => T): T {
  return workspace.derived(`operators ${key}`, compute);
}
