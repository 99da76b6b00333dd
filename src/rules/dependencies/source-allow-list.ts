import { normaliseGitUrl } from '../../model/remote-refs.js';
import { matchesEntry } from '../artifacts/registry-allow-list.js';

const TERRAFORM_REGISTRY = 'registry.terraform.io';

/**
 * Where a source lives, as `host/path` in lower case without scheme, user, port, query or `.git`:
 * `https://github.com/Acme/apps.git` and `git@github.com:acme/apps` are both `github.com/acme/apps`;
 * `oci://ghcr.io/acme/charts` is `ghcr.io/acme/charts`. Undefined when it names no place (a local
 * path, a Helm repository alias `@stable`, `file://`).
 */
export function sourceLocation(url: string): string | undefined {
  const text = url.trim();
  if (text === '' || /^(?:file:\/\/|@|alias:|\.{0,2}\/)/i.test(text)) return undefined;
  const withScheme = /^(?:[a-z][a-z0-9+.-]*::)?(?:https?|oci|s3|gs|gcs):\/\/([^/?#]+)(\/[^?#]*)?/i.exec(text);
  if (withScheme?.[1] !== undefined) {
    const host = withScheme[1].replace(/^[^@]*@/, '').replace(/:\d+$/, '');
    const path = (withScheme[2] ?? '').replace(/\/\/.*$/, '').replace(/\/+$/, '').replace(/\.git$/, '');
    return `${host}${path}`.toLowerCase();
  }
  return normaliseGitUrl(text);
}

/** A Terraform registry module address (`ns/name/provider` or `host/ns/name/provider`) as a location. */
export function terraformRegistryLocation(address: string): string {
  const parts = address.split('/');
  return (parts.length === 3 ? `${TERRAFORM_REGISTRY}/${address}` : address).toLowerCase();
}

/** Whether a location is inside an entry of `sources.allowed` (written with or without a scheme). */
export function sourceAllowed(location: string, allowed: readonly string[]): boolean {
  return allowed.some((entry) => {
    const normalised = sourceLocation(entry) ?? entry.trim().toLowerCase().replace(/\/+$/, '');
    return matchesEntry(location, normalised);
  });
}
