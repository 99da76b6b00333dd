import { RampartError } from '../errors.js';

export type ForgeKind = 'github' | 'gitlab';

/** A repository on a forge, with the two bases every request and every finding location start from. */
export interface ForgeTarget {
  readonly kind: ForgeKind;
  /** `github.com`, `gitlab.example.com:8443` */
  readonly host: string;
  /** `owner/name`; for GitLab the full path with subgroups (`group/sub/project`) */
  readonly path: string;
  /** REST base without a trailing slash: `https://api.github.com`, `https://HOST/api/v3`, `https://HOST/api/v4` */
  readonly apiBase: string;
  /** the repository's page: `https://github.com/owner/name` */
  readonly webUrl: string;
}

export interface TargetOptions {
  /** `--forge-type`: needed for a host whose name does not say which forge it runs */
  readonly kind?: ForgeKind;
  /** `--api-url`: the REST base, for a GHES or GitLab behind an unusual path, or a test server */
  readonly apiUrl?: string;
}

/**
 * The forge repository a URL names: `https://github.com/o/r(.git)`, `git@github.com:o/r.git`,
 * `ssh://git@host/o/r`, GitLab paths with subgroups. github.com and gitlab.com are known; any
 * other host needs `--forge-type` unless its name contains `github` or `gitlab`.
 */
export function parseForgeTarget(url: string, options: TargetOptions = {}): ForgeTarget {
  const location = hostAndPath(url.trim());
  if (!location) throw new RampartError('usage', `not a repository URL: "${url}" (expected https://HOST/OWNER/NAME or git@HOST:OWNER/NAME.git)`);
  const { host, scheme } = location;
  const path = location.path.replace(/\/+$/, '').replace(/\.git$/, '').replace(/\/-\/.*$/, '');
  const kind = options.kind ?? guessKind(host);
  if (!kind) throw new RampartError('usage', `cannot tell which forge ${host} runs: pass --forge-type github or --forge-type gitlab`);
  const segments = path.split('/').filter((segment) => segment !== '');
  if (segments.length < 2 || (kind === 'github' && segments.length !== 2)) {
    throw new RampartError('usage', `"${url}" does not name a repository: expected ${kind === 'github' ? 'OWNER/NAME' : 'GROUP/PROJECT'} after the host`);
  }
  const webScheme = scheme === 'http' ? 'http' : 'https';
  const webUrl = `${webScheme}://${host}/${segments.join('/')}`;
  const apiBase = (options.apiUrl ?? defaultApiBase(kind, host, webScheme)).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(apiBase)) throw new RampartError('usage', `--api-url must be an http(s) URL, not "${options.apiUrl ?? ''}"`);
  return { kind, host, path: segments.join('/'), apiBase, webUrl };
}

function guessKind(host: string): ForgeKind | undefined {
  const name = host.toLowerCase();
  if (name.includes('github')) return 'github';
  if (name.includes('gitlab')) return 'gitlab';
  return undefined;
}

function defaultApiBase(kind: ForgeKind, host: string, scheme: string): string {
  if (kind === 'github') return host.toLowerCase() === 'github.com' ? 'https://api.github.com' : `${scheme}://${host}/api/v3`;
  return `${scheme}://${host}/api/v4`;
}

function hostAndPath(url: string): { host: string; path: string; scheme: string } | undefined {
  const scp = /^(?:[\w.-]+@)?([\w.-]+):(?!\/\/)(?!\d+\/)(.+)$/.exec(url);
  if (scp && !url.includes('://')) return { host: scp[1] ?? '', path: scp[2] ?? '', scheme: 'ssh' };
  let parsed: URL;
  try {
    parsed = new URL(url.includes('://') ? url : `https://${url}`);
  } catch {
    return undefined;
  }
  if (!['http:', 'https:', 'ssh:', 'git:', 'git+ssh:'].includes(parsed.protocol) || parsed.hostname === '') return undefined;
  const scheme = parsed.protocol.replace(/:$/, '');
  // ssh ports are not the web's: keep the port only for http(s)
  const host = scheme === 'http' || scheme === 'https' ? parsed.host : parsed.hostname;
  return { host, path: decodeURIComponent(parsed.pathname.replace(/^\/+/, '')), scheme };
}

/** Whether a repository URL written in a manifest (`repoURL`, `spec.url`) names this target. */
export function sameRepository(target: ForgeTarget, url: string): boolean {
  const location = hostAndPath(url.trim());
  if (!location) return false;
  const path = location.path.replace(/\/+$/, '').replace(/\.git$/, '').toLowerCase();
  return location.host.replace(/:\d+$/, '').toLowerCase() === target.host.replace(/:\d+$/, '').toLowerCase()
    && path === target.path.toLowerCase();
}
