import type { ImagePackage } from './package.js';
import { RpmDbError } from './rpm-header.js';
import { rpmPackageOf } from './rpm-packages.js';
import { bdbHashValues } from './rpmdb-bdb.js';
import { ndbPackageBlobs } from './rpmdb-ndb.js';
import { sqlitePackageBlobs } from './rpmdb-sqlite.js';

type Found = Omit<ImagePackage, 'path' | 'layer'>;

/** rpm's package databases, in /var/lib/rpm or (Fedora 36+, SUSE) /usr/lib/sysimage/rpm */
export const RPM_DATABASE = /^(?:var\/lib\/rpm|usr\/lib\/sysimage\/rpm|usr\/share\/rpm)\/(rpmdb\.sqlite|Packages|Packages\.db)$/;

/** The header blobs of an rpm database, whichever of the three backends wrote it (told by its magic, not its name). */
export function rpmDatabaseBlobs(content: Buffer): Buffer[] {
  if (content.length >= 16 && content.toString('latin1', 0, 16) === 'SQLite format 3\0') return sqlitePackageBlobs(content);
  if (content.length >= 4 && content.toString('latin1', 0, 4) === 'RpmP') return ndbPackageBlobs(content);
  if (content.length >= 16 && (content.readUInt32LE(12) === 0x00061561 || content.readUInt32BE(12) === 0x00061561)) {
    // key 0 of a Berkeley DB Packages file holds rpm's next header number, not a header
    return bdbHashValues(content).filter(({ key }) => !(key.length === 4 && key.readUInt32LE(0) === 0)).map(({ value }) => value);
  }
  if (content.length === 0) return [];
  throw new RpmDbError('not a SQLite, Berkeley DB hash or ndb rpm database');
}

/** The installed packages of an rpm database; a header that cannot be read is an error naming it. */
export function parseRpmDatabase(content: Buffer): Found[] {
  const packages: Found[] = [];
  for (const [index, blob] of rpmDatabaseBlobs(content).entries()) {
    try {
      const pkg = rpmPackageOf(blob);
      if (pkg) packages.push(pkg);
    } catch (error) {
      throw new RpmDbError(`header ${index + 1}: ${(error as Error).message}`);
    }
  }
  return packages;
}
