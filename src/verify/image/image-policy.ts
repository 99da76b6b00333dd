import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { TrustedRoot } from '@sigstore/protobuf-specs';
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

async function readPolicyFile(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new PolicyError(`cannot read ${what} ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

export async function loadTrustedRoot(path: string): Promise<TrustedRoot> {
  const text = (await readPolicyFile(path, 'trusted root')).toString('utf8');
  try {
    const root = TrustedRoot.fromJSON(JSON.parse(text));
    if (root.tlogs.length === 0 && root.certificateAuthorities.length === 0) throw new Error('it lists no transparency log and no certificate authority');
    return root;
  } catch (error) {
    throw new PolicyError(`${path}: not a Sigstore trusted root: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function loadImagePolicy(input: PolicyInput): Promise<ImagePolicy> {
  const keys = await Promise.all((input.keys ?? []).map(async (path) => {
    const pem = await readPolicyFile(path, 'public key');
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
  const trustedRoot = input.trustedRoot ? await loadTrustedRoot(input.trustedRoot) : undefined;
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
