import type { FileDigest, ImagePackage, PackageFile } from './package.js';
import { RpmHeader, RPMTAG } from './rpm-header.js';

type Found = Omit<ImagePackage, 'path' | 'layer'>;

/** rpm's PGPHASHALGO numbers (rpmpgp.h); a header without FILEDIGESTALGO uses MD5 */
const DIGEST_ALGORITHMS: Readonly<Record<number, FileDigest['algorithm']>> = { 1: 'md5', 2: 'sha1', 8: 'sha256', 9: 'sha384', 10: 'sha512', 11: 'sha224' };

const RPMFILE_CONFIG = 1 << 0;
const RPMFILE_GHOST = 1 << 6;

/** `openssl-3.0.7-24.el9.src.rpm` → name `openssl`, version `3.0.7-24.el9` */
export function parseSourceRpm(file: string): { name: string; version: string } | undefined {
  const match = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(file);
  return match ? { name: match[1]!, version: `${match[2]}-${match[3]}` } : undefined;
}

/** The files of a header: DIRNAMES[DIRINDEXES[i]] + BASENAMES[i] (or old OLDFILENAMES), with digests, modes and flags. */
function filesOf(header: RpmHeader): PackageFile[] {
  let paths: string[];
  const basenames = header.stringArray(RPMTAG.BASENAMES);
  if (basenames.length > 0) {
    const dirnames = header.stringArray(RPMTAG.DIRNAMES);
    const dirIndexes = header.numbers(RPMTAG.DIRINDEXES);
    paths = basenames.map((base, index) => `${dirnames[dirIndexes[index] ?? -1] ?? ''}${base}`);
  } else {
    paths = header.stringArray(RPMTAG.OLDFILENAMES);
  }
  if (paths.length === 0) return [];
  const digests = header.stringArray(RPMTAG.FILEDIGESTS);
  const algorithm = DIGEST_ALGORITHMS[header.number(RPMTAG.FILEDIGESTALGO) ?? 1];
  const modes = header.numbers(RPMTAG.FILEMODES);
  const flags = header.numbers(RPMTAG.FILEFLAGS);
  const sizes = header.has(RPMTAG.LONGFILESIZES) ? header.numbers(RPMTAG.LONGFILESIZES) : header.numbers(RPMTAG.FILESIZES);
  const links = header.stringArray(RPMTAG.FILELINKTOS);
  return paths.map((path, index) => {
    const digest = digests[index];
    const flag = flags[index] ?? 0;
    const mode = modes[index];
    const size = sizes[index];
    const link = links[index];
    return {
      path,
      ...(digest && algorithm ? { digest: { algorithm, value: digest.toLowerCase() } } : {}),
      ...(mode !== undefined ? { mode } : {}),
      ...(size !== undefined ? { size } : {}),
      ...(link ? { linkTarget: link } : {}),
      ...(flag & RPMFILE_CONFIG ? { config: true } : {}),
      ...(flag & RPMFILE_GHOST ? { ghost: true } : {}),
    };
  });
}

/** An installed package from one rpmdb header blob; `undefined` for blobs without a name and version. */
export function rpmPackageOf(blob: Buffer): Found | undefined {
  const header = new RpmHeader(blob);
  const name = header.string(RPMTAG.NAME);
  const version = header.string(RPMTAG.VERSION);
  const release = header.string(RPMTAG.RELEASE);
  if (!name || !version) return undefined;
  const epoch = header.number(RPMTAG.EPOCH);
  const arch = header.string(RPMTAG.ARCH);
  const sourceRpm = header.string(RPMTAG.SOURCERPM);
  const source = sourceRpm ? parseSourceRpm(sourceRpm) : undefined;
  const license = header.string(RPMTAG.LICENSE);
  const vendor = header.string(RPMTAG.VENDOR);
  return {
    type: 'rpm',
    name,
    version: release ? `${version}-${release}` : version,
    ...(epoch !== undefined ? { epoch: String(epoch) } : {}),
    ...(arch ? { arch } : {}),
    ...(sourceRpm ? { sourceRpm } : {}),
    ...(source ? { source } : {}),
    ...(license ? { licenses: [license] } : {}),
    ...(vendor ? { vendor } : {}),
    files: filesOf(header),
    foundBy: 'rpm',
  };
}
