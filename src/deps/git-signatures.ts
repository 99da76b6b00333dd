import { createHash } from 'node:crypto';
import type { SignatureVerdict, SignatureVerifier } from '../verify/commit-verifier.js';
import { splitSignedObject } from '../verify/git-object.js';

/** Flux `GitRepository.spec.verify.mode`: which objects must carry a trusted signature. */
export type GitVerifyMode = 'head' | 'tag' | 'tag-and-head';

/** The raw objects a git dependency resolved to: its commit, and the annotated tag when a tag was asked for. */
export interface GitObjects {
  readonly commit: Buffer;
  readonly tag?: Buffer;
}

export class GitSignatureError extends Error {}

/**
 * Who signed the tag and the commit of a git dependency, checked with the commit verifier of
 * `scan --verify` (SSH allowed signers, OpenPGP keys): `tag <signer>`, `commit <signer>` (both,
 * comma-separated, when both are signed), `unsigned`, or `untrusted …` for a signature no trusted
 * key made. A signature that does not match its object is an error (the object was altered); with
 * Flux's `verify`, so is an object it requires that is unsigned or untrusted, as Flux refuses it.
 */
export async function gitSigner(objects: GitObjects, verifier: SignatureVerifier, mode: GitVerifyMode | undefined): Promise<string> {
  const parts: string[] = [];
  const check = async (type: 'commit' | 'tag', raw: Buffer, required: boolean): Promise<void> => {
    const verdict = await verifier.verify(objectId(type, raw), splitSignedObject(type, raw));
    const described = describe(type, verdict);
    if (verdict.status === 'untrusted' && verdict.reason === 'bad-signature') throw new GitSignatureError(`the ${type} signature does not verify: ${verdict.detail}`);
    if (required && verdict.status !== 'trusted') throw new GitSignatureError(`GitRepository verify needs a trusted ${type} signature, and the ${type} is ${described}`);
    if (verdict.status !== 'unsigned') parts.push(described);
  };
  if (mode === 'tag' || mode === 'tag-and-head') {
    if (!objects.tag) throw new GitSignatureError('GitRepository verify needs a signed tag, and the reference is no annotated tag');
    await check('tag', objects.tag, true);
  } else if (objects.tag) {
    await check('tag', objects.tag, false);
  }
  await check('commit', objects.commit, mode === 'head' || mode === 'tag-and-head');
  return parts.length > 0 ? parts.join(', ') : 'unsigned';
}

function describe(type: 'commit' | 'tag', verdict: SignatureVerdict): string {
  if (verdict.status === 'trusted') return `${type} ${verdict.signer}`;
  if (verdict.status === 'unsigned') return 'unsigned';
  return `untrusted ${type} (${verdict.detail})`;
}

/** The git object id (SHA-1) of a raw object, for the verifier's cache. */
function objectId(type: string, raw: Buffer): string {
  return createHash('sha1').update(`${type} ${raw.length}\0`).update(raw).digest('hex');
}
