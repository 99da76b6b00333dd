import type { ImageOccurrence } from '../../model/image-occurrence.js';
import { parseImageReference, type ImageReference } from '../../model/image-ref.js';
import type { Workspace } from '../../model/workspace.js';
import { ResolveError } from '../../resolve/errors.js';
import { isIndexMediaType } from '../../resolve/media-types.js';
import { parseIndex } from '../../resolve/registry-client.js';
import type { Descriptor, RegistryClient } from '../../resolve/types.js';
import type { RuleContext } from '../rule.js';

export type Lookup = { readonly ok: true; readonly descriptor: Descriptor } | { readonly ok: false; readonly error: unknown };

/** The shared client of a `--resolve` scan; the rules do nothing without one. */
export function registryOf(context: RuleContext): RegistryClient | undefined {
  return context.settings.resolve?.enabled === false ? undefined : context.settings.resolve?.client;
}

/** Images whose reference can be asked about: parsed, and with a tag or digest that was written. */
export function resolvableImages(workspace: Workspace): Array<{ occurrence: ImageOccurrence; reference: ImageReference }> {
  return workspace.images().flatMap((occurrence) => {
    if (!occurrence.parsed.ok) return [];
    const reference = occurrence.parsed.reference;
    if (occurrence.tagImplicit && !reference.tag && !reference.digest) return [];
    return [{ occurrence, reference }];
  });
}

export async function lookUp(client: RegistryClient, reference: ImageReference): Promise<Lookup> {
  try {
    return { ok: true, descriptor: await client.resolve(reference) };
  } catch (error) {
    return { ok: false, error };
  }
}

/** `name:tag`, dropping the digest, for asking where the tag points now. */
export function tagOnly(reference: ImageReference): ImageReference | undefined {
  if (!reference.tag) return undefined;
  const parsed = parseImageReference(`${reference.name}:${reference.tag}`);
  return parsed.ok ? parsed.reference : undefined;
}

/** Whether `digest` is one of the platform manifests of the index `index` points at. */
export async function indexContains(client: RegistryClient, reference: ImageReference, index: Descriptor, digest: string): Promise<boolean> {
  if (!isIndexMediaType(index.mediaType)) return false;
  try {
    const fetched = await client.getManifest({ ...reference, digest: index.digest });
    return parseIndex(fetched.body, reference).some((child) => child.digest === digest);
  } catch {
    return false;
  }
}

const reportedFailures = new WeakMap<Workspace, Set<string>>();

/**
 * A registry that could not answer (down, refused credentials, digest mismatch) leaves the scan
 * incomplete: one diagnostic per registry and reason, whichever rule met it first.
 */
export function noteLookupFailure(workspace: Workspace, occurrence: ImageOccurrence, reference: ImageReference, error: unknown): void {
  const code = error instanceof ResolveError ? error.code : 'registry-error';
  let seen = reportedFailures.get(workspace);
  if (!seen) {
    seen = new Set();
    reportedFailures.set(workspace, seen);
  }
  const key = `${reference.registry} ${code}`;
  if (seen.has(key)) return;
  seen.add(key);
  const message = error instanceof Error ? error.message : String(error);
  workspace.diagnostics.push({
    path: occurrence.file.path,
    line: occurrence.file.position(occurrence.span.start).line,
    message: `could not check images of ${reference.registry} (${code}): ${message}`,
    kind: 'incomplete',
  });
}
