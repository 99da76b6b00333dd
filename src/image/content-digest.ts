import { createHash } from 'node:crypto';

const sha256ByContent = new WeakMap<Buffer, string>();

/**
 * Hex SHA-256 of a layer file's bytes, computed once per file: the blocklist, the tampering
 * digests and anyone else handed the same buffer for the same tar member share it.
 */
export function contentSha256(content: Buffer): string {
  let digest = sha256ByContent.get(content);
  if (digest === undefined) {
    digest = createHash('sha256').update(content).digest('hex');
    sha256ByContent.set(content, digest);
  }
  return digest;
}

/** the digest `contentSha256` has of `content`, if any */
export function knownSha256(content: Buffer): string | undefined {
  return sha256ByContent.get(content);
}

/** records a digest computed elsewhere (from the file's slices) for `contentSha256` to share */
export function rememberSha256(content: Buffer, digest: string): void {
  sha256ByContent.set(content, digest);
}
