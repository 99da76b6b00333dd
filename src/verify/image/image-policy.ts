import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { safeReadFile } from '../../sources/safe-read.js';
import { describeKeylessProblem, readKeylessSigner, type KeylessIdentity, type KeylessSigner } from '../keyless-signer.js';

/** Who may sign an image: cosign public keys and/or a keyless identity, with the trust root for both. */
export interface ImagePolicy {
  readonly keys: readonly { readonly name: string; readonly key: KeyObject }[];
  readonly identity?: KeylessIdentity;
  readonly trustedRoot?: TrustedRoot;
  readonly ignoreTlog: boolean;
  /** an in-toto predicate type URI: verify attestations of this type instead of signatures */
  readonly attestationType?: string;
  /** identifies the policy for caching */
  readonly id: string;
}

export interface PolicyInput extends KeylessSigner {
  readonly keys?: readonly string[];
  readonly trustedRoot?: string;
  readonly insecureIgnoreTlog?: boolean;
  readonly attestationType?: string;
}

export class PolicyError extends Error {}

/** Public keys and trusted roots are small; a cap keeps a device or a huge file from filling memory. */
const MAX_POLICY_FILE_BYTES = 4 * 1024 * 1024;

/** Where the repository's config named a file, the directory it must stay within. */
export interface PolicyFilesWithin {
  readonly keys?: string;
  readonly trustedRoot?: string;
}

async function readPolicyFile(path: string, what: string, within?: string): Promise<Buffer> {
  const read = safeReadFile(path, within === undefined ? { maxBytes: MAX_POLICY_FILE_BYTES, allowSpecial: true } : { maxBytes: MAX_POLICY_FILE_BYTES, within });
  if (read.ok) return read.bytes;
  throw new PolicyError(`cannot read ${what} ${path} (${read.code ?? read.problem})`);
}

export async function loadTrustedRoot(path: string, within?: string): Promise<TrustedRoot> {
  const text = (await readPolicyFile(path, 'trusted root', within)).toString('utf8');
  try {
    const root = TrustedRoot.fromJSON(JSON.parse(text));
    if (root.tlogs.length === 0 && root.certificateAuthorities.length === 0) throw new Error('it lists no transparency log and no certificate authority');
    return root;
  } catch (error) {
    throw new PolicyError(`${path}: not a Sigstore trusted root: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function loadImagePolicy(input: PolicyInput, within: PolicyFilesWithin = {}): Promise<ImagePolicy> {
  const keys = await Promise.all((input.keys ?? []).map(async (path) => {
    const pem = await readPolicyFile(path, 'public key', within.keys);
    try {
      return { name: path, key: createPublicKey(pem) };
    } catch {
      throw new PolicyError(`${path}: not a PEM public key`);
    }
  }));
  const { identity, problems } = readKeylessSigner(input);
  const keyless = input.certificateIdentity !== undefined || input.certificateIdentityRegexp !== undefined;
  if (keys.length === 0 && !keyless) throw new PolicyError('no trusted signer: give --key, or --certificate-identity[-regexp] with --certificate-oidc-issuer[-regexp]');
  if (problems[0]) throw new PolicyError(describeKeylessProblem(problems[0]));
  const trustedRoot = input.trustedRoot ? await loadTrustedRoot(input.trustedRoot, within.trustedRoot) : undefined;
  if (keyless && !trustedRoot) throw new PolicyError('keyless verification needs a Sigstore trusted root: --trusted-root FILE (none is built in)');
  const id = createHash('sha256').update(JSON.stringify({
    keys: keys.map(({ key }) => key.export({ type: 'spki', format: 'der' }).toString('base64')),
    subject: input.certificateIdentity, subjectRegexp: input.certificateIdentityRegexp, issuer: input.certificateOidcIssuer, issuerRegexp: input.certificateOidcIssuerRegexp,
    root: input.trustedRoot, ignoreTlog: input.insecureIgnoreTlog === true, attestation: input.attestationType,
  })).digest('hex');
  return {
    keys,
    ...(identity ? { identity } : {}),
    ...(trustedRoot ? { trustedRoot } : {}),
    ignoreTlog: input.insecureIgnoreTlog === true,
    ...(input.attestationType ? { attestationType: input.attestationType } : {}),
    id,
  };
}
