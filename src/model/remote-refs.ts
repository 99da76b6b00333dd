import { decodeUriOrKeep } from '../decode-uri.js';
import type { Span } from './span.js';

/** A range of UTF-16 offsets inside the parsed text (not the file): add the value's span start to place it. */
export interface TextRange {
  readonly start: number;
  readonly end: number;
}

/**
 * A remote dependency written as one string: a Kustomize remote resource, a Terraform module
 * source, a GitHub Actions `uses:`. `ref` is the revision asked for; `refRange` is where it is
 * written (so `rampart pin` can replace it) or, when there is none, `insertAt` is where a
 * `?ref=…` / `@…` would go.
 */
export interface RemoteSource {
  readonly text: string;
  /** `git`: a repository cloned at a revision; `file`: one file fetched over HTTP(S) */
  readonly kind: 'git' | 'file';
  /** `github.com/org/repo`: host and path, lower-cased, without scheme, user, port or `.git` */
  readonly repository: string;
  readonly host: string;
  /** directory or file inside the repository (after `//`, or after org/repo on GitHub) */
  readonly subPath?: string;
  readonly ref?: string;
  readonly refRange?: TextRange;
  /** a GitHub `releases/latest/download/` asset: whichever release is newest, no revision */
  readonly latestRelease?: boolean;
  /** how the revision is given: `?ref=`, `?version=`, a raw/release URL path segment, `@` */
  readonly refSource?: 'ref' | 'version' | 'path' | 'at';
  readonly insertAt?: number;
  /** what goes before `ref=` at `insertAt`: `?`, or `&` when the URL already has a query */
  readonly insertSeparator?: '?' | '&';
}

/** `span` of the value's content plus a range inside it → the file span of that range. */
export function spanWithin(span: Span, range: TextRange): Span {
  return { path: span.path, start: span.start + range.start, end: span.start + range.end };
}

const KNOWN_GIT_HOSTS = new Set(['github.com', 'gitlab.com', 'bitbucket.org']);
/**
 * `github.com/org/repo` without a scheme: a host whose last label is a top-level domain, not a
 * local directory such as `config.d/` or `crds.yaml/` (Kustomize reads those from disk).
 */
const SCHEMELESS_HOST = /^[\w-]+(?:\.[\w-]+)*\.(?!ya?ml\/|json\/)[a-z]{2,}(?::\d+)?\/[\w.-]+\//i;

/**
 * Parses a git URL in any form git, Kustomize and Terraform accept:
 * `https://host/org/repo.git`, `git::https://…`, `ssh://git@host/org/repo`, `git@host:org/repo`,
 * scheme-less `github.com/org/repo`; with `//sub/path` and `?ref=` / `?version=` query.
 * `offset` is where `url` starts inside the original text, so ranges point into that text.
 */
export function parseGitUrl(url: string, offset = 0): RemoteSource | undefined {
  const text = url;
  let rest = url;
  let base = offset;
  if (rest.startsWith('git::')) {
    rest = rest.slice(5);
    base += 5;
  }
  const query = rest.indexOf('?');
  const beforeQuery = query === -1 ? rest : rest.slice(0, query);
  const refInfo = query === -1 ? undefined : findRefParam(rest.slice(query + 1), base + query + 1);
  const location = splitHostAndPath(beforeQuery);
  if (!location) return undefined;
  const { host, path } = location;
  const { repoPath, subPath } = splitRepoPath(host, path);
  if (repoPath === '') return undefined;
  return {
    text,
    kind: 'git',
    repository: `${host}/${repoPath}`.toLowerCase(),
    host,
    ...(subPath ? { subPath } : {}),
    ...(refInfo ? { ref: refInfo.value, refRange: refInfo.range, refSource: refInfo.name } : query === -1
      ? { insertAt: base + rest.length, insertSeparator: '?' as const }
      : { insertAt: base + rest.length, insertSeparator: '&' as const }),
  };
}

function findRefParam(query: string, queryOffset: number): { value: string; range: TextRange; name: 'ref' | 'version' } | undefined {
  let position = 0;
  let found: { value: string; range: TextRange; name: 'ref' | 'version' } | undefined;
  for (const pair of query.split('&')) {
    const equals = pair.indexOf('=');
    const name = equals === -1 ? pair : pair.slice(0, equals);
    if ((name === 'ref' || name === 'version') && equals !== -1 && !(found?.name === 'ref')) {
      const start = queryOffset + position + equals + 1;
      const raw = pair.slice(equals + 1);
      found = { value: decodeUriOrKeep(raw), range: { start, end: start + raw.length }, name };
    }
    position += pair.length + 1;
  }
  return found;
}

function splitHostAndPath(url: string): { host: string; path: string } | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  if (scheme) {
    if (scheme[1]?.toLowerCase() === 'file') return undefined;
    const afterScheme = url.slice(scheme[0].length);
    const slash = afterScheme.indexOf('/');
    if (slash <= 0) return undefined;
    return { host: stripUserAndPort(afterScheme.slice(0, slash)), path: afterScheme.slice(slash + 1) };
  }
  const scp = /^([\w.-]+@)?([\w.-]+\.[\w-]+):(?!\d+\/)(.+)$/.exec(url);
  if (scp?.[1] !== undefined && scp[2] && scp[3]) return { host: scp[2].toLowerCase(), path: scp[3].replace(/^\//, '') };
  const bare = /^([\w-]+(?:\.[\w-]+)+(?::\d+)?)\/(.+)$/.exec(url);
  if (bare?.[1] && bare[2]) return { host: stripUserAndPort(bare[1]), path: bare[2] };
  return undefined;
}

function stripUserAndPort(authority: string): string {
  const at = authority.lastIndexOf('@');
  return authority.slice(at + 1).replace(/:\d*$/, '').toLowerCase();
}

function splitRepoPath(host: string, path: string): { repoPath: string; subPath?: string } {
  const doubleSlash = path.indexOf('//');
  if (doubleSlash !== -1) return finish(path.slice(0, doubleSlash), path.slice(doubleSlash + 2));
  const dotGit = /\.git(?:\/|$)/.exec(path);
  if (dotGit) return finish(path.slice(0, dotGit.index + 4), path.slice(dotGit.index + dotGit[0].length));
  const azure = /^(.+?\/_git\/[^/]+)(?:\/(.*))?$/.exec(path);
  if (azure?.[1]) return finish(azure[1], azure[2] ?? '');
  if (KNOWN_GIT_HOSTS.has(host)) {
    const segments = path.split('/');
    return finish(segments.slice(0, 2).join('/'), segments.slice(2).join('/'));
  }
  return finish(path, '');
}

function finish(repoPath: string, subPath: string): { repoPath: string; subPath?: string } {
  const repo = repoPath.replace(/\/+$/, '').replace(/\.git$/, '');
  const sub = subPath.replace(/^\/+|\/+$/g, '');
  return sub ? { repoPath: repo, subPath: sub } : { repoPath: repo };
}

/**
 * `github.com/org/repo`-style identity of any git URL, for comparing a repoURL with the scanned
 * repository's own remotes (`git@github.com:Org/Repo.git` and `https://github.com/org/repo`
 * are the same repository).
 */
export function normaliseGitUrl(url: string): string | undefined {
  const trimmed = url.trim().replace(/\/+$/, '');
  const location = splitHostAndPath(trimmed.replace(/^git::/, '').replace(/[?#].*$/, ''));
  if (!location) return undefined;
  const path = location.path.replace(/\/+$/, '').replace(/\.git$/, '');
  return path ? `${location.host}/${path}`.toLowerCase() : undefined;
}

/**
 * A Kustomize `resources`/`bases`/`components` entry that is not a local path: a git
 * repository (every form of `parseGitUrl`) or a file fetched over HTTP(S). Raw-file URLs
 * (`raw.githubusercontent.com/org/repo/<ref>/…`, `github.com/org/repo/raw/<ref>/…`, GitLab
 * `/-/raw/<ref>/`) and release assets (`…/releases/download/<tag>/…`) carry their revision in
 * the path; `…/releases/latest/download/…` is the newest release's asset. Undefined for local paths; callers check the tree first, as Kustomize does.
 */
export function parseKustomizeRemote(entry: string): RemoteSource | undefined {
  const text = entry.trim();
  if (text === '' || /^(?:\.{1,2}\/|\/|~)/.test(text) || text.startsWith('file://')) return undefined;
  const http = /^https?:\/\/([^/?#]+)\/([^?#]*)/i.exec(text);
  if (http?.[1] !== undefined && http[2] !== undefined) {
    const fileUrl = parseFileUrl(text, stripUserAndPort(http[1]), http[2], http[0].length - http[2].length);
    if (fileUrl) return fileUrl;
    if (!looksLikeGitRepository(text, stripUserAndPort(http[1]))) {
      return { text, kind: 'file', repository: normaliseGitUrl(text) ?? text.toLowerCase(), host: stripUserAndPort(http[1]) };
    }
  }
  if (!/^(?:git::|ssh:\/\/|https?:\/\/|[\w.-]+@[\w.-]+:)/i.test(text) && !SCHEMELESS_HOST.test(text)) return undefined;
  return parseGitUrl(text);
}

function looksLikeGitRepository(url: string, host: string): boolean {
  return KNOWN_GIT_HOSTS.has(host) || /\.git(?:[/?]|$)|\/\/|_git\/|[?&](?:ref|version)=/.test(url.replace(/^https?:\/\//i, ''));
}

function parseFileUrl(text: string, host: string, path: string, pathOffset: number): RemoteSource | undefined {
  const segments = path.split('/');
  const at = (index: number): number => pathOffset + segments.slice(0, index).reduce((sum, segment) => sum + segment.length + 1, 0);
  const withRef = (repoSegments: number, refIndex: number): RemoteSource | undefined => {
    let refEnd = refIndex + 1;
    // refs/heads/main/… and refs/tags/v1/… spell the ref over three segments
    if (segments[refIndex] === 'refs' && (segments[refIndex + 1] === 'heads' || segments[refIndex + 1] === 'tags')) refEnd = refIndex + 3;
    if (segments.length <= refEnd) return undefined;
    const start = at(refIndex);
    const ref = segments.slice(refIndex, refEnd).join('/');
    return {
      text,
      kind: 'file',
      repository: `${repositoryHost(host)}/${segments.slice(0, repoSegments).join('/')}`.toLowerCase(),
      host,
      subPath: segments.slice(refEnd).join('/'),
      ref,
      refRange: { start, end: start + ref.length },
      refSource: 'path',
    };
  };
  if (host === 'raw.githubusercontent.com' && segments.length >= 4) return withRef(2, 2);
  if (host === 'github.com' && segments.length >= 5 && (segments[2] === 'raw' || segments[2] === 'blob')) return withRef(2, 3);
  if (host === 'github.com' && segments.length >= 6 && segments[2] === 'releases' && segments[3] === 'download') return withRef(2, 4);
  // GitHub redirects releases/latest/download/<file> to the newest release's asset
  if (host === 'github.com' && segments.length >= 6 && segments[2] === 'releases' && segments[3] === 'latest' && segments[4] === 'download') {
    return { text, kind: 'file', repository: `${host}/${segments.slice(0, 2).join('/')}`.toLowerCase(), host, subPath: segments.slice(5).join('/'), latestRelease: true };
  }
  const gitlabRaw = segments.indexOf('-');
  if (gitlabRaw >= 2 && segments[gitlabRaw + 1] === 'raw' && segments.length > gitlabRaw + 3) return withRef(gitlabRaw, gitlabRaw + 2);
  return undefined;
}

function repositoryHost(host: string): string {
  return host === 'raw.githubusercontent.com' ? 'github.com' : host;
}
