/** The kind of signature by its armor; x509 covers gitsign and gpgsm (`-----BEGIN SIGNED MESSAGE-----`). */
export type SignatureFormat = 'ssh' | 'openpgp' | 'x509' | 'unknown';

/** A commit or tag object split into the exact bytes that were signed and the signature. */
export interface SignedObject {
  readonly type: 'commit' | 'tag';
  /** the object with its signature removed: what the signer signed */
  readonly payload: Buffer;
  readonly signature?: string;
  readonly format?: SignatureFormat;
  /** `Name <email>` of the committer (commits) or tagger (tags) */
  readonly signer: { readonly name: string; readonly email: string; readonly date: Date } | undefined;
  readonly author: { readonly name: string; readonly email: string; readonly date: Date } | undefined;
  readonly subjectLine: string;
}

const SIGNATURE_HEADERS = new Set(['gpgsig', 'gpgsig-sha256']);
const TAG_SIGNATURE_START = /^-----BEGIN (PGP SIGNATURE|SSH SIGNATURE|SIGNED MESSAGE)-----$/m;

export function signatureFormat(signature: string): SignatureFormat {
  if (signature.includes('-----BEGIN SSH SIGNATURE-----')) return 'ssh';
  if (signature.includes('-----BEGIN PGP SIGNATURE-----')) return 'openpgp';
  if (signature.includes('-----BEGIN SIGNED MESSAGE-----')) return 'x509';
  return 'unknown';
}

/**
 * Splits a raw commit or tag object as git does (`parse_signed_commit`, `parse_signature`): for a
 * commit, every `gpgsig`/`gpgsig-sha256` header with its continuation lines is removed from the
 * payload; for a tag, the signature is the armored block that ends the message.
 */
export function splitSignedObject(type: 'commit' | 'tag', raw: Buffer): SignedObject {
  const text = raw.toString('utf8');
  const headerEnd = text.indexOf('\n\n');
  const headerText = headerEnd === -1 ? text : text.slice(0, headerEnd);
  const message = headerEnd === -1 ? '' : text.slice(headerEnd + 2);
  const headers = parseHeaders(headerText);
  const people = {
    signer: parsePerson(headers.get(type === 'commit' ? 'committer' : 'tagger')),
    author: parsePerson(headers.get(type === 'commit' ? 'author' : 'tagger')),
    subjectLine: message.split('\n')[0] ?? '',
  };
  if (type === 'commit') {
    const { payload, signature } = splitCommit(raw);
    return { type, payload, ...people, ...(signature ? { signature, format: signatureFormat(signature) } : {}) };
  }
  const start = TAG_SIGNATURE_START.exec(message);
  if (!start) return { type, payload: raw, ...people };
  const payloadLength = Buffer.byteLength(text.slice(0, headerEnd + 2) + message.slice(0, start.index), 'utf8');
  const signature = raw.subarray(payloadLength).toString('utf8');
  return { type, payload: raw.subarray(0, payloadLength), signature, format: signatureFormat(signature), ...people };
}

/** Works on bytes so the payload is exactly what was signed, whatever the encoding of the message. */
function splitCommit(raw: Buffer): { payload: Buffer; signature?: string } {
  const kept: Buffer[] = [];
  const signatures = new Map<string, string[]>();
  let current: string[] | undefined;
  let offset = 0;
  let inHeaders = true;
  while (offset < raw.length) {
    const newline = raw.indexOf(0x0a, offset);
    const end = newline === -1 ? raw.length : newline + 1;
    const line = raw.subarray(offset, end);
    offset = end;
    if (!inHeaders || (line.length === 1 && line[0] === 0x0a)) {
      inHeaders = false;
      kept.push(line);
      continue;
    }
    const lineText = line.toString('utf8');
    if (current && lineText.startsWith(' ')) {
      current.push(lineText.slice(1));
      continue;
    }
    const name = lineText.slice(0, lineText.indexOf(' '));
    current = SIGNATURE_HEADERS.has(name) && !signatures.has(name) ? [lineText.slice(name.length + 1)] : undefined;
    if (current) signatures.set(name, current);
    else if (!SIGNATURE_HEADERS.has(name)) kept.push(line);
  }
  // Both algorithms' signatures are removed from the payload; the SHA-1 one (`gpgsig`) is verified first.
  const chosen = signatures.get('gpgsig') ?? signatures.get('gpgsig-sha256');
  return chosen ? { payload: Buffer.concat(kept), signature: chosen.join('') } : { payload: Buffer.concat(kept) };
}

function parseHeaders(headerText: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of headerText.split('\n')) {
    if (line.startsWith(' ')) continue;
    const space = line.indexOf(' ');
    if (space === -1) continue;
    const name = line.slice(0, space);
    if (!headers.has(name)) headers.set(name, line.slice(space + 1));
  }
  return headers;
}

/** `Name <email> 1700000000 +0100` */
function parsePerson(value: string | undefined): SignedObject['signer'] {
  const match = value ? /^(.*?) ?<([^>]*)> (\d+) [+-]\d{4}$/.exec(value) : null;
  if (!match) return undefined;
  return { name: match[1] ?? '', email: match[2] ?? '', date: new Date(Number(match[3]) * 1000) };
}
