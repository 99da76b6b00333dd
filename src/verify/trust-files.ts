import { readFile } from 'node:fs/promises';
import { parseAllowedSigners, type AllowedSigner } from './allowed-signers.js';
import { loadOpenPgpKeyring, type OpenPgpKeyring } from './openpgp-verify.js';

export class TrustFileError extends Error {}

async function readTrustFile(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TrustFileError(`cannot read ${what} ${path}${code ? ` (${code})` : ''}`);
  }
}

export async function loadAllowedSigners(path: string): Promise<AllowedSigner[]> {
  const text = (await readTrustFile(path, 'allowed signers file')).toString('utf8');
  try {
    return parseAllowedSigners(text, path);
  } catch (error) {
    throw new TrustFileError(error instanceof Error ? error.message : String(error));
  }
}

export async function loadKeyring(path: string): Promise<OpenPgpKeyring> {
  const bytes = await readTrustFile(path, 'OpenPGP keyring');
  try {
    const keyring = await loadOpenPgpKeyring(bytes, path);
    if (keyring.keys.length === 0) throw new Error(`${path}: no OpenPGP public keys`);
    return keyring;
  } catch (error) {
    throw new TrustFileError(error instanceof Error ? error.message : String(error));
  }
}
