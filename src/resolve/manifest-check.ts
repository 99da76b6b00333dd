import { ResolveError } from './errors.js';
import { DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_INDEX, OCI_MANIFEST, isIndexMediaType } from './media-types.js';

const KNOWN = new Set([OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST]);

/**
 * The media type of a manifest a registry returned, once its bytes are seen to be one: a JSON
 * object of schema version 2 that is an OCI or Docker image manifest (a `config` descriptor and a
 * `layers` list) or an index / manifest list (a `manifests` list). A matching digest proves only
 * that the bytes are what the registry meant; pinning HTML, an error page or a schema 1 manifest
 * would pin something no runtime can pull. `shown` names the reference in errors.
 */
export function checkManifest(body: Buffer, contentType: string | undefined, shown: string): string {
  const refuse = (why: string): ResolveError => new ResolveError('registry-error', `${shown}: the registry returned ${why}, not an image manifest or index`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw refuse('a document that is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw refuse('JSON that is not an object');
  const manifest = parsed as { schemaVersion?: unknown; mediaType?: unknown; config?: unknown; layers?: unknown; manifests?: unknown };
  const header = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const declared = typeof manifest.mediaType === 'string' ? manifest.mediaType : KNOWN.has(header) ? header : undefined;
  // OCI lets mediaType be left out of the body; the shape then says which it is
  const mediaType = declared ?? (Array.isArray(manifest.manifests) ? OCI_INDEX : OCI_MANIFEST);
  if (!KNOWN.has(mediaType)) throw refuse(`a document of media type "${mediaType.slice(0, 100)}"`);
  if (manifest.schemaVersion !== 2) throw refuse(`a manifest of schema version ${JSON.stringify(manifest.schemaVersion ?? null)?.slice(0, 20)}`);
  if (isIndexMediaType(mediaType)) {
    if (!Array.isArray(manifest.manifests)) throw refuse(`an index (${mediaType}) without a manifests list`);
  } else if (!isDescriptor(manifest.config) || !Array.isArray(manifest.layers)) {
    throw refuse(`a manifest (${mediaType}) without a config descriptor and a layers list`);
  }
  return mediaType;
}

function isDescriptor(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { digest?: unknown }).digest === 'string';
}
