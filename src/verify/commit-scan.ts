import { ancestorsBefore, listCommits, listTags, readObjects, resolveRevision } from '../sources/git/commit-objects.js';
import { allRefsHistory } from '../sources/git/ref-reach.js';
import type { VerifySettings } from '../engine/settings.js';
import { SignatureVerifier, type SignatureVerdict, type SignerTrust } from './commit-verifier.js';
import { splitSignedObject, type SignedObject } from './git-object.js';
import { RekorSearch } from './rekor-search.js';
import { loadAllowedSigners, loadKeyring } from './trust-files.js';

/** One checked commit or tag with its verdict. */
export interface CheckedObject {
  readonly id: string;
  readonly object: SignedObject;
  /** the tag name for tags */
  readonly tag?: string;
  /** a commit off HEAD in an all-refs check: the refs that reach it */
  readonly refs?: readonly string[];
  readonly verdict: SignatureVerdict;
}

export interface CommitScanOptions {
  readonly repo: string;
  /** `A..B`, or a revision whose history is checked; default every ref (`git rev-list --all`) */
  readonly range?: string;
  readonly verify: VerifySettings;
}

export async function loadSignerTrust(verify: VerifySettings): Promise<SignerTrust> {
  const { trustedRoot } = verify;
  return {
    ...(verify.allowedSigners ? { allowedSigners: await loadAllowedSigners(verify.allowedSigners, withinFor(verify, verify.allowedSigners)) } : {}),
    ...(verify.gpgKeyring ? { keyring: await loadKeyring(verify.gpgKeyring, withinFor(verify, verify.gpgKeyring)) } : {}),
    ...(trustedRoot ? { sigstore: await (await import('./gitsign-trust.js')).loadGitsignTrust({ ...verify, trustedRoot }) } : {}),
    ...(trustedRoot && verify.rekorUrl ? { rekor: new RekorSearch(verify.rekorUrl) } : {}),
  };
}

function withinFor(verify: VerifySettings, file: string): string | undefined {
  const named = verify.repositoryFilesWithin;
  return named?.files.includes(file) ? named.directory : undefined;
}

/**
 * Whether a scan checks commit (and tag) signatures: a commit trust file or `--require-signed-since`,
 * or a keyless identity with a trusted root for gitsign commits: the config's `verify.commits`, or
 * the identity flags without `--verify` (with it they name image signers).
 */
export function checksCommitSignatures(verify: VerifySettings | undefined): boolean {
  if (!verify) return false;
  const signer = verify.commitSigner ?? (verify.images ? undefined : verify);
  const keylessCommits = verify.trustedRoot !== undefined && signer !== undefined
    && (signer.certificateIdentity !== undefined || signer.certificateIdentityRegexp !== undefined);
  return verify.allowedSigners !== undefined || verify.gpgKeyring !== undefined || verify.requireSignedSince !== undefined || keylessCommits;
}

/** Reads and verifies every commit of the range (and tags with `tags`), skipping history before `requireSignedSince`. */
export async function checkCommitSignatures(options: CommitScanOptions, verifier?: SignatureVerifier): Promise<CheckedObject[]> {
  if (verifier) return checkWith(options, verifier);
  // a verifier made here is closed here: it may hold Rekor connections (--rekor-url)
  const signatures = new SignatureVerifier(await loadSignerTrust(options.verify));
  return checkWith(options, signatures).finally(() => signatures.close());
}

async function checkWith(options: CommitScanOptions, signatures: SignatureVerifier): Promise<CheckedObject[]> {
  const { repo, verify } = options;
  const history = options.range ? undefined : await allRefsHistory(repo);
  let ids = history ? history.commits : await listCommits(repo, options.range);
  if (verify.requireSignedSince) {
    await resolveRevision(repo, verify.requireSignedSince);
    const exempt = await ancestorsBefore(repo, verify.requireSignedSince);
    ids = ids.filter((id) => !exempt.has(id));
  }
  const checked: CheckedObject[] = [];
  for (const raw of await readObjects(repo, ids)) {
    const object = splitSignedObject('commit', raw.body);
    const refs = history?.offHead.get(raw.id);
    checked.push({ id: raw.id, object, ...(refs ? { refs } : {}), verdict: await signatures.verify(raw.id, object) });
  }
  if (verify.tags) checked.push(...await checkTags(repo, signatures));
  return checked;
}

async function checkTags(repo: string, signatures: SignatureVerifier): Promise<CheckedObject[]> {
  const tags = await listTags(repo);
  const annotated = tags.filter((tag) => tag.type === 'tag');
  const objects = new Map((await readObjects(repo, annotated.map((tag) => tag.id))).map((raw) => [raw.id, raw]));
  const checked: CheckedObject[] = [];
  for (const tag of tags) {
    const raw = objects.get(tag.id);
    if (!raw) {
      // A lightweight tag is a bare ref: it cannot carry a signature.
      checked.push({ id: tag.id, tag: tag.name, object: { type: 'tag', payload: Buffer.alloc(0), signer: undefined, author: undefined, subjectLine: '' }, verdict: { status: 'unsigned' } });
      continue;
    }
    const object = splitSignedObject('tag', raw.body);
    checked.push({ id: raw.id, tag: tag.name, object, verdict: await signatures.verify(raw.id, object) });
  }
  return checked;
}
