import type { Workspace } from '../model/workspace.js';
import { deployBranches, type WantedBranch } from './deploy-branches.js';
import { collectGitHub } from './github.js';
import { collectGitLab } from './gitlab.js';
import type { ForgeHttp } from './http.js';
import { SettingsReader } from './read-settings.js';
import type { ForgeSnapshot } from './snapshot.js';
import type { ForgeTarget } from './target.js';
import type { ForgeToken } from './token.js';

/** What `--forge` / `rampart forge` hands the forge rules: where to ask, with what, and for which branches. */
export interface ForgeSettings {
  readonly target: ForgeTarget;
  readonly http: ForgeHttp;
  readonly token?: ForgeToken;
  /** `--branch`: these branches instead of the ones the repository's manifests deploy from */
  readonly branches?: readonly string[];
}

const snapshots = new WeakMap<Workspace, Promise<ForgeSnapshot | undefined>>();

/**
 * The forge settings of the scanned repository, read once per scan whichever rule asks first.
 * What could not be read becomes an `incomplete` diagnostic naming the setting and what the
 * token lacks, so a missing scope never passes for a clean result.
 */
export function forgeSnapshot(workspace: Workspace, settings: ForgeSettings | undefined): Promise<ForgeSnapshot | undefined> {
  if (!settings) return Promise.resolve(undefined);
  let snapshot = snapshots.get(workspace);
  if (!snapshot) {
    snapshot = collect(workspace, settings).then((result) => {
      for (const item of result.unchecked) {
        workspace.diagnostics.push({ path: '.', message: `forge setting not checked: ${item.what} (${item.url}): ${item.reason}`, kind: 'incomplete' });
      }
      return result;
    }, (error: unknown) => {
      workspace.diagnostics.push({ path: '.', message: `forge settings not checked: ${error instanceof Error ? error.message : String(error)}`, kind: 'incomplete' });
      return undefined;
    });
    snapshots.set(workspace, snapshot);
  }
  return snapshot;
}

async function collect(workspace: Workspace, settings: ForgeSettings): Promise<ForgeSnapshot> {
  const { target } = settings;
  const wanted: WantedBranch[] = settings.branches?.length
    ? settings.branches.map((name) => ({ name, reason: 'named with --branch' }))
    : deployBranches(workspace, target);
  const reader = new SettingsReader(target, settings.http, settings.token?.source);
  if (!settings.token) {
    const names = target.kind === 'gitlab' ? 'GITLAB_TOKEN' : target.host === 'github.com' ? 'GITHUB_TOKEN or GH_TOKEN (or log in with gh)' : 'GH_ENTERPRISE_TOKEN or GITHUB_ENTERPRISE_TOKEN (or log in with gh)';
    reader.note(target.webUrl, 'every setting', `no token for ${target.host}: set ${names}; repository settings are visible to administrators only`);
    return { kind: target.kind, repository: target.path, webUrl: target.webUrl, branches: [], unchecked: reader.unchecked };
  }
  return target.kind === 'github' ? collectGitHub(reader, wanted) : collectGitLab(reader, wanted);
}
