import { parseGitUrl, type RemoteSource, type TextRange } from './remote-refs.js';

/**
 * A Terraform `module` block's `source`, classified as Terraform's module installer does
 * (https://developer.hashicorp.com/terraform/language/modules/sources):
 * - `local`: `./x`, `../x`: part of this repository;
 * - `registry`: `[host/]namespace/name/provider[//sub]`: pinned by the block's `version`;
 * - `git`: `git::…`, `git@host:…`, `github.com/…`, `bitbucket.org/…`: pinned by `?ref=`;
 * - `hg`: `hg::…?rev=`;
 * - `oci`: OpenTofu `oci://…?tag=|digest=`;
 * - `archive`: HTTP(S) URLs, `s3::`, `gcs::` and their bucket hosts: nothing pins the content.
 */
export type TerraformSource =
  | { readonly kind: 'local' }
  | { readonly kind: 'registry'; readonly address: string }
  | { readonly kind: 'git'; readonly remote: RemoteSource; readonly shorthand: boolean }
  | { readonly kind: 'hg' | 'oci'; readonly ref?: string; readonly refRange?: TextRange; readonly digest: boolean }
  | { readonly kind: 'archive' };

const REGISTRY = /^(?:[\w-]+(?:\.[\w-]+)+(?::\d+)?\/)?[\w-]+\/[\w-]+\/[\w-]+(?:\/\/.*)?$/;
const SHORTHAND = /^(?:github\.com|bitbucket\.org)\//i;
const ARCHIVE_HOSTS = /^(?:s3::|gcs::|[\w-]+\.s3[\w.-]*\.amazonaws\.com\/|s3[\w.-]*\.amazonaws\.com\/|www\.googleapis\.com\/storage\/)/i;

export function parseTerraformSource(source: string): TerraformSource | undefined {
  const text = source.trim();
  if (text === '') return undefined;
  if (/^\.{1,2}[/\\]/.test(text)) return { kind: 'local' };
  if (SHORTHAND.test(text)) {
    const remote = parseGitUrl(text);
    return remote ? { kind: 'git', remote, shorthand: true } : undefined;
  }
  if (text.startsWith('git::') || /^[\w.-]+@[\w.-]+:/.test(text)) {
    const remote = parseGitUrl(text);
    return remote ? { kind: 'git', remote, shorthand: false } : undefined;
  }
  if (text.startsWith('hg::')) return withQueryRef('hg', text, ['rev']);
  if (text.startsWith('oci://')) return withQueryRef('oci', text, ['digest', 'tag']);
  if (ARCHIVE_HOSTS.test(text) || /^https?:\/\//i.test(text)) {
    // Terraform treats a URL ending in .git or with a forced git:: as git; others are archives
    if (/^https?:\/\/[^?]*\.git(?:\/\/|[?]|$)/i.test(text)) {
      const remote = parseGitUrl(text);
      return remote ? { kind: 'git', remote, shorthand: false } : undefined;
    }
    return { kind: 'archive' };
  }
  if (REGISTRY.test(text)) return { kind: 'registry', address: text.replace(/\/\/.*$/, '') };
  return undefined;
}

function withQueryRef(kind: 'hg' | 'oci', text: string, names: readonly string[]): TerraformSource {
  const query = text.indexOf('?');
  if (query === -1) return { kind, digest: false };
  let offset = query + 1;
  for (const pair of text.slice(query + 1).split('&')) {
    const equals = pair.indexOf('=');
    const name = pair.slice(0, equals);
    if (equals !== -1 && names.includes(name)) {
      const start = offset + equals + 1;
      return { kind, ref: pair.slice(equals + 1), refRange: { start, end: start + pair.length - equals - 1 }, digest: name === 'digest' };
    }
    offset += pair.length + 1;
  }
  return { kind, digest: false };
}
