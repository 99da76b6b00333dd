import { parseStanzas, type ImagePackage, type OsIdentity, type PackageFile } from './package.js';

type Found = Omit<ImagePackage, 'path' | 'layer'>;

/** `Package` stanzas of a dpkg status file (or a distroless status.d file) that are installed. */
export function parseDpkgStatus(text: string): Found[] {
  const packages: Found[] = [];
  for (const stanza of parseStanzas(text)) {
    const name = stanza.get('Package');
    const version = stanza.get('Version');
    if (!name || !version) continue;
    const status = stanza.get('Status');
    // distroless status.d stanzas carry no Status; dpkg's own file lists removed packages too
    if (status !== undefined && !/\binstalled$/.test(status)) continue;
    const sourceField = stanza.get('Source');
    let source: Found['source'];
    if (sourceField) {
      const match = /^(\S+)(?:\s+\(([^)]+)\))?/.exec(sourceField);
      if (match) source = { name: match[1]!, version: match[2] ?? version };
    }
    const arch = stanza.get('Architecture');
    const conffiles = parseConffiles(stanza.get('Conffiles'));
    packages.push({ type: 'deb', name, version, ...(arch ? { arch } : {}), source: source ?? { name, version }, ...(conffiles.length > 0 ? { files: conffiles } : {}), foundBy: 'dpkg' });
  }
  return packages;
}

/** The `Conffiles:` field of a status stanza: ` /etc/login.defs <md5> [obsolete]` lines. */
function parseConffiles(field: string | undefined): PackageFile[] {
  if (!field) return [];
  const files: PackageFile[] = [];
  for (const line of field.split('\n')) {
    const match = /^(\/\S.*?)\s+([0-9a-f]{32})(?:\s+\S+)*$/.exec(line.trim());
    if (match) files.push({ path: match[1]!, digest: { algorithm: 'md5', value: match[2]! }, config: true });
  }
  return files;
}

/** A dpkg `info/<package>[:<arch>].md5sums` file: `<md5>  <path relative to />` lines. */
export function parseDpkgMd5sums(text: string): PackageFile[] {
  const files: PackageFile[] = [];
  for (const line of text.split('\n')) {
    const match = /^([0-9a-f]{32}) [ *]?(.+)$/.exec(line);
    if (match) files.push({ path: `/${match[2]!.replace(/^\.?\//, '')}`, digest: { algorithm: 'md5', value: match[1]! } });
  }
  return files;
}

/**
 * apk's `lib/apk/db/installed`: single-letter keys, a blank line between packages; `F:` names a
 * directory, each `R:` after it a file in it, and a `Z:` after an `R:` the file's checksum (`Q1` +
 * base64 SHA-1 of the contents).
 */
export function parseApkInstalled(text: string): Found[] {
  const packages: Found[] = [];
  let fields = new Map<string, string>();
  let files: PackageFile[] = [];
  let directory = '';
  const flush = (): void => {
    const name = fields.get('P');
    const version = fields.get('V');
    if (name && version) {
      const arch = fields.get('A');
      const origin = fields.get('o');
      const license = fields.get('L');
      packages.push({ type: 'apk', name, version, ...(arch ? { arch } : {}), ...(origin ? { source: { name: origin, version } } : {}), ...(license ? { licenses: [license] } : {}), ...(files.length ? { files } : {}), foundBy: 'apk' });
    }
    fields = new Map();
    files = [];
    directory = '';
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      flush();
      continue;
    }
    if (line[1] !== ':') continue;
    const key = line[0]!;
    const value = line.slice(2).trim();
    if (key === 'F') directory = value;
    else if (key === 'R') files.push({ path: `/${directory ? `${directory}/` : ''}${value}` });
    else if (key === 'Z' && files.length > 0 && value.startsWith('Q1')) {
      const last = files[files.length - 1]!;
      if (!last.digest) files[files.length - 1] = { ...last, digest: { algorithm: 'sha1', value: Buffer.from(value.slice(2), 'base64').toString('hex') } };
    } else if (!fields.has(key)) fields.set(key, value);
  }
  flush();
  return packages;
}

/** `ID`, `VERSION_ID`, `PRETTY_NAME` of os-release (quotes removed). */
export function parseOsRelease(text: string): OsIdentity | undefined {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) values.set(match[1]!, match[2]!.replace(/^(["'])(.*)\1$/, '$2'));
  }
  const id = values.get('ID');
  if (!id) return undefined;
  const versionId = values.get('VERSION_ID');
  const prettyName = values.get('PRETTY_NAME');
  return { id, ...(versionId ? { versionId } : {}), ...(prettyName ? { prettyName } : {}) };
}
