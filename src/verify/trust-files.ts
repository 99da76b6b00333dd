import { safeReadFile } from '../sources/safe-read.js';
import { parseAllowedSigners, type AllowedSigner } from './allowed-signers.js';
import { loadOpenPgpKeyring, type OpenPgpKeyring } from './openpgp-verify.js';

export class TrustFileError extends Error {}

/** Signer lists and keyrings are small; a cap keeps `allowedSigners: /dev/zero`-style names from filling memory. */
const MAX_TRUST_FILE_BYTES = 4 * 1024 * 1024;

/** `within`: the file was named by the repository's config and must stay inside the repository. */
function readTrustFile(path: string, what: string, within: string | undefined): Buffer {
  const read = safeReadFile(path, within === undefined ? { maxBytes: MAX_TRUST_FILE_BYTES, allowSpecial: true } : { maxBytes: MAX_TRUST_FILE_BYTES, within });
  if (read.ok) return read.bytes;
  throw new TrustFileError(`cannot read ${what} ${path}${read.code ? ` (${read.code})` : `: ${read.problem}`}`);
}

export async function loadAllowedSigners(path: string, within?: string): Promise<AllowedSigner[]> {
  const text = readTrustFile(path, 'allowed signers file', within).toString('utf8');
  try {
    return parseAllowedSigners(text, path);
  } catch (error) {
    throw new TrustFileError(error instanceof Error ? error.message : String(error));
  }
}

export async function loadKeyring(path: string, within?: string): Promise<OpenPgpKeyring> {
  const bytes = readTrustFile(path, 'OpenPGP keyring', within);
  try {
    const keyring = await loadOpenPgpKeyring(bytes, path);
    if (keyring.keys.length === 0) throw new Error(`${path}: no OpenPGP public keys`);
    return keyring;
  } catch (error) {
    throw new TrustFileError(error instanceof Error ? error.message : String(error));
  }
}
