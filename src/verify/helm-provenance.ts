import { createHash } from 'node:crypto';
import { parse } from 'yaml';
import { verifyOpenPgpCleartext, type OpenPgpKeyring } from './openpgp-verify.js';

export type ChartVerdict =
  | { readonly verified: true; readonly chart: string; readonly version: string; readonly digest: string; readonly signer: string; readonly keyId: string }
  | { readonly verified: false; readonly reason: 'bad-signature' | 'untrusted-key' | 'digest-mismatch' | 'not-listed'; readonly detail: string };

export class ProvenanceError extends Error {}

/**
 * Verifies a Helm provenance file as `helm verify` does: the clear-signed text must verify with a
 * key of the keyring, and its `files:` section must list the archive's name with its sha256.
 */
export async function verifyChartProvenance(archive: Buffer, archiveName: string, provenance: string, keyring: OpenPgpKeyring): Promise<ChartVerdict> {
  if (!provenance.includes('-----BEGIN PGP SIGNED MESSAGE-----')) throw new ProvenanceError('not a provenance file: no PGP clear-signed message');
  let outcome;
  try {
    outcome = await verifyOpenPgpCleartext(provenance, keyring);
  } catch (error) {
    throw new ProvenanceError(`unreadable provenance file: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (outcome.status === 'unknown-key') return { verified: false, reason: 'untrusted-key', detail: `signed by key ${outcome.keyId}, which is not in ${keyring.source}` };
  if (outcome.status === 'bad') return { verified: false, reason: 'bad-signature', detail: `the signature by ${outcome.keyId || 'an unknown key'} does not verify: ${outcome.reason}` };
  const { metadata, files } = parseSignedBody(outcome.text ?? '');
  const digest = `sha256:${createHash('sha256').update(archive).digest('hex')}`;
  const listed = files[archiveName];
  if (listed === undefined) {
    return { verified: false, reason: 'not-listed', detail: `the provenance file lists ${Object.keys(files).join(', ') || 'no files'}, not ${archiveName}` };
  }
  if (listed !== digest) return { verified: false, reason: 'digest-mismatch', detail: `${archiveName} has digest ${digest}, the provenance file signs ${listed}` };
  return {
    verified: true,
    chart: String(metadata['name'] ?? ''),
    version: String(metadata['version'] ?? ''),
    digest,
    signer: outcome.userIds[0] ?? outcome.keyId,
    keyId: outcome.keyId,
  };
}

/** The signed text: Chart.yaml metadata, a `...` line, then `files: {<archive>: sha256:<hex>}`. */
function parseSignedBody(text: string): { metadata: Record<string, unknown>; files: Record<string, string> } {
  const parts = text.split(/\r?\n\.\.\.\r?\n/);
  if (parts.length < 2) throw new ProvenanceError('provenance file has no `...` separator between chart metadata and files');
  const load = (part: string): Record<string, unknown> => {
    try {
      const value: unknown = parse(part);
      return value !== null && typeof value === 'object' ? value as Record<string, unknown> : {};
    } catch (error) {
      throw new ProvenanceError(`provenance file holds invalid YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
  };
  const filesSection = load(parts.slice(1).join('\n...\n'))['files'];
  const files: Record<string, string> = {};
  if (filesSection && typeof filesSection === 'object') {
    for (const [name, sum] of Object.entries(filesSection)) if (typeof sum === 'string') files[name] = sum;
  }
  return { metadata: load(parts[0] ?? ''), files };
}
