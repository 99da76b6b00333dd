import type { Key, PublicKey } from 'openpgp';

/** openpgp is large; it is loaded the first time an OpenPGP signature or keyring is met. */
const openpgp = (): Promise<typeof import('openpgp')> => import('openpgp');

export interface OpenPgpKeyring {
  readonly keys: readonly Key[];
  readonly source: string;
}

export type OpenPgpOutcome =
  | { readonly status: 'good'; readonly keyId: string; readonly fingerprint: string; readonly userIds: readonly string[] }
  | { readonly status: 'bad'; readonly keyId: string; readonly reason: string }
  | { readonly status: 'unknown-key'; readonly keyId: string };

/** Reads a keyring exported by `gpg --export [--armor]`: armored blocks (one or several) or binary packets. */
export async function loadOpenPgpKeyring(bytes: Buffer, source: string): Promise<OpenPgpKeyring> {
  const text = bytes.toString('latin1');
  if (bytes.subarray(8, 12).toString('latin1') === 'KBXf') {
    throw new Error(`${source}: a GnuPG keybox (pubring.kbx), not a keyring; export the keys with \`gpg --export KEYID > keyring.gpg\``);
  }
  try {
    if (text.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')) {
      const blocks = text.match(/-----BEGIN PGP PUBLIC KEY BLOCK-----[\s\S]*?-----END PGP PUBLIC KEY BLOCK-----/g) ?? [];
      const { readKeys } = await openpgp();
      const keys = (await Promise.all(blocks.map((armoredKeys) => readKeys({ armoredKeys })))).flat();
      return { keys, source };
    }
    const { readKeys } = await openpgp();
    return { keys: await readKeys({ binaryKeys: new Uint8Array(bytes) }), source };
  } catch (error) {
    throw new Error(`${source}: not an OpenPGP keyring (${error instanceof Error ? error.message : String(error)})`);
  }
}

function keyIdsOf(signatureKeyIds: readonly { toHex(): string }[]): string {
  return signatureKeyIds.map((id) => id.toHex().toUpperCase()).join(',');
}

/** Verifies a detached OpenPGP signature over the exact payload bytes, against the keyring only. */
export async function verifyOpenPgpDetached(payload: Buffer, armoredSignature: string, keyring: OpenPgpKeyring): Promise<OpenPgpOutcome> {
  const { createMessage, readSignature, verify } = await openpgp();
  let signature;
  try {
    signature = await readSignature({ armoredSignature });
  } catch (error) {
    return { status: 'bad', keyId: '', reason: `unreadable OpenPGP signature: ${error instanceof Error ? error.message : String(error)}` };
  }
  const keyId = keyIdsOf(signature.getSigningKeyIDs());
  const message = await createMessage({ binary: new Uint8Array(payload) });
  const date = signatureDate(signature);
  const result = await verify({ message, signature, verificationKeys: keyring.keys as PublicKey[], format: 'binary', ...(date ? { date } : {}) }).catch(() => undefined);
  return outcomeOf(keyId, keyring, result);
}

/** Verifies a clear-signed message (Helm `.prov`); returns the signed text on success. */
export async function verifyOpenPgpCleartext(armored: string, keyring: OpenPgpKeyring): Promise<OpenPgpOutcome & { readonly text?: string }> {
  const { readCleartextMessage, verify } = await openpgp();
  const message = await readCleartextMessage({ cleartextMessage: armored });
  const keyId = keyIdsOf(message.getSigningKeyIDs());
  const result = await verify({ message, verificationKeys: keyring.keys as PublicKey[] }).catch(() => undefined);
  const outcome = await outcomeOf(keyId, keyring, result);
  return outcome.status === 'good' && result ? { ...outcome, text: String(result.data) } : outcome;
}

type VerifyResult = Awaited<ReturnType<typeof import('openpgp').verify>> | undefined;

async function outcomeOf(keyId: string, keyring: OpenPgpKeyring, result: VerifyResult): Promise<OpenPgpOutcome> {
  const first = result?.signatures[0];
  if (!first) return { status: 'bad', keyId, reason: 'no signature' };
  const key = keyring.keys.find((candidate) => candidate.getKeyIDs().some((id) => id.equals(first.keyID)));
  if (!key) return { status: 'unknown-key', keyId: first.keyID.toHex().toUpperCase() };
  try {
    await first.verified;
  } catch (error) {
    return { status: 'bad', keyId: first.keyID.toHex().toUpperCase(), reason: error instanceof Error ? error.message : String(error) };
  }
  return { status: 'good', keyId: first.keyID.toHex().toUpperCase(), fingerprint: key.getFingerprint().toUpperCase(), userIds: key.getUserIDs() };
}

/** Key validity (expiry) is judged at the signature's creation time, as gpg does; revocations always count. */
function signatureDate(signature: import('openpgp').Signature): Date | undefined {
  const packet = signature.packets[0] as { created?: Date | null } | undefined;
  return packet?.created ?? undefined;
}
