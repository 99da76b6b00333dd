/**
 * The registry API calls the tests need beyond skopeo: store and read manifests, move tags,
 * delete, upload blobs. Plain HTTP to the local registry of `registry.ts`.
 */
import { createHash } from 'node:crypto';
import type { LocalRegistry, PushedImage } from './registry.js';

const ACCEPT_ALL = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** Stores raw manifest bytes under `<repository>:<reference>` through the registry API. */
export async function putManifest(
  registry: LocalRegistry,
  repository: string,
  reference: string,
  body: Buffer,
  mediaType: string,
): Promise<PushedImage> {
  const response = await fetch(`${registry.url}/v2/${repository}/manifests/${reference}`, {
    method: 'PUT',
    headers: { 'content-type': mediaType },
    body,
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`PUT manifest ${repository}:${reference}: ${response.status} ${text}`);
  const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
  return { reference: `${registry.host}/${repository}:${reference}`, digest, mediaType, size: body.length };
}

/** Fetches a manifest's exact bytes and media type (by tag or digest). */
export async function getManifest(
  registry: LocalRegistry,
  repository: string,
  reference: string,
): Promise<{ body: Buffer; mediaType: string; digest: string }> {
  const response = await fetch(`${registry.url}/v2/${repository}/manifests/${reference}`, {
    headers: { accept: ACCEPT_ALL },
  });
  const body = Buffer.from(await response.arrayBuffer());
  if (response.status !== 200) throw new Error(`GET manifest ${repository}:${reference}: ${response.status}`);
  return {
    body,
    mediaType: response.headers.get('content-type') ?? '',
    digest: `sha256:${createHash('sha256').update(body).digest('hex')}`,
  };
}

/** Points `<repository>:<tag>` at the manifest `source` (a tag or digest) of the same repository. */
export async function tagManifest(
  registry: LocalRegistry,
  repository: string,
  source: string,
  tag: string,
): Promise<PushedImage> {
  const manifest = await getManifest(registry, repository, source);
  return putManifest(registry, repository, tag, manifest.body, manifest.mediaType);
}

/** The digest, media type and size the registry reports for a tag or digest (HEAD). */
export async function headManifest(
  registry: LocalRegistry,
  repository: string,
  reference: string,
): Promise<{ digest: string; mediaType: string; size: number }> {
  const response = await fetch(`${registry.url}/v2/${repository}/manifests/${reference}`, {
    method: 'HEAD',
    headers: { accept: ACCEPT_ALL },
  });
  if (response.status !== 200) throw new Error(`HEAD manifest ${repository}:${reference}: ${response.status}`);
  return {
    digest: response.headers.get('docker-content-digest') ?? '',
    mediaType: response.headers.get('content-type') ?? '',
    size: Number(response.headers.get('content-length') ?? '0'),
  };
}

/** Deletes a manifest by digest (the registry is started with deletes enabled). */
export async function deleteManifest(registry: LocalRegistry, repository: string, digest: string): Promise<void> {
  const response = await fetch(`${registry.url}/v2/${repository}/manifests/${digest}`, { method: 'DELETE' });
  await response.arrayBuffer();
  if (response.status !== 202) throw new Error(`DELETE manifest ${repository}@${digest}: ${response.status}`);
}

/** Uploads a blob (monolithic POST + PUT) and returns its digest; for signatures and artifacts. */
export async function pushBlob(registry: LocalRegistry, repository: string, content: Buffer | string): Promise<string> {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const start = await fetch(`${registry.url}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  await start.arrayBuffer();
  const location = start.headers.get('location');
  if (start.status !== 202 || location === null) throw new Error(`start blob upload to ${repository}: ${start.status}`);
  const uploadUrl = new URL(location, registry.url);
  uploadUrl.searchParams.set('digest', digest);
  const put = await fetch(uploadUrl, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: bytes,
  });
  await put.arrayBuffer();
  if (put.status !== 201) throw new Error(`finish blob upload to ${repository}: ${put.status}`);
  return digest;
}
