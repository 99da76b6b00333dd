import { describe, expect, it } from 'vitest';
import type { ImageEntry } from '../squash.js';
import { FileDigestCollector } from './file-digests.js';

function file(layer: number, path: string, content = 'x'): { entry: ImageEntry; content: Buffer } {
  return { entry: { path, type: 'file', mode: 0o644, uid: 0, gid: 0, size: content.length, linkname: '', layer }, content: Buffer.from(content) };
}

/** reads the layers through the collector as the layer reader does: beginLayer, then wanted and visit for each member */
function read(collector: FileDigestCollector, layers: ReadonlyArray<readonly string[]>): void {
  layers.forEach((paths, layer) => {
    collector.beginLayer(layer);
    for (const path of paths) {
      const { entry, content } = file(layer, path);
      if (collector.wanted(entry) > 0) collector.visit(entry, content);
    }
  });
}

describe('FileDigestCollector', () => {
  it('does not hash application directories above a dpkg or apk system without rpm, and hashes them in the layer that installs it', () => {
    for (const database of ['var/lib/dpkg/status', 'lib/apk/db/installed', 'var/lib/dpkg/status.d/base']) {
      const collector = new FileDigestCollector();
      read(collector, [['opt/base/tool', 'usr/bin/ls', database], ['opt/app/server.js', 'srv/www/index.html', 'usr/local/bin/app', 'usr/bin/ls']]);
      expect(collector.get(0, 'opt/base/tool')?.sha256).toBeDefined();
      expect(collector.get(1, 'opt/app/server.js')).toBeUndefined();
      expect(collector.get(1, 'srv/www/index.html')).toBeUndefined();
      expect(collector.get(1, 'usr/local/bin/app')).toBeUndefined();
      // where dpkg and apk install: hashed in every layer, with the digest the database below records
      expect(collector.get(1, 'usr/bin/ls')?.[database.startsWith('lib/apk/') ? 'sha1' : 'md5']).toBeDefined();
    }
  });

  it('hashes a layer with what the databases below it record, and the layer that installs the system with everything', () => {
    const expected = { 'var/lib/dpkg/status': ['md5'], 'lib/apk/db/installed': ['sha1'], 'var/lib/rpm/rpmdb.sqlite': ['md5', 'sha1', 'sha256'] };
    for (const [database, algorithms] of Object.entries(expected)) {
      const collector = new FileDigestCollector();
      read(collector, [['usr/bin/ls', database], ['usr/bin/ls']]);
      expect(Object.keys(collector.get(0, 'usr/bin/ls')!).sort()).toEqual(['md5', 'sha1', 'sha256']);
      expect(Object.keys(collector.get(1, 'usr/bin/ls')!).sort()).toEqual(algorithms);
      expect(collector.readAgain(1)).toBe(false);
    }
    // a dpkg and an apk database below: both digests
    const both = new FileDigestCollector();
    read(both, [['var/lib/dpkg/status'], ['lib/apk/db/installed'], ['usr/bin/ls']]);
    expect(Object.keys(both.get(2, 'usr/bin/ls')!).sort()).toEqual(['md5', 'sha1']);
  });

  it('asks to read again a layer that adds a database of another kind, and then hashes it with everything', () => {
    const collector = new FileDigestCollector();
    read(collector, [['var/lib/dpkg/status'], ['bin/apk-tool', 'lib/apk/db/installed']]);
    expect(collector.get(1, 'bin/apk-tool')?.sha1).toBeUndefined();
    expect(collector.readAgain(1)).toBe(true);
    collector.beginLayer(1);
    for (const path of ['bin/apk-tool', 'lib/apk/db/installed']) {
      const { entry, content } = file(1, path);
      if (collector.wanted(entry) > 0) collector.visit(entry, content);
    }
    expect(collector.get(1, 'bin/apk-tool')?.sha1).toBeDefined();
    expect(collector.readAgain(1)).toBe(false);
  });

  it('does not restore a cached layer without a digest the image needs, and reads it with both sets', () => {
    const dpkg = new FileDigestCollector();
    read(dpkg, [['var/lib/dpkg/status'], ['bin/tool']]);
    const saved = JSON.parse(JSON.stringify(dpkg.saveLayer(1))) as unknown;
    const apk = new FileDigestCollector();
    read(apk, [['lib/apk/db/installed']]);
    expect(apk.restorable(1, saved)).toBe(false);
    read(apk, [['lib/apk/db/installed'], ['bin/tool']]);
    expect(Object.keys(apk.get(1, 'bin/tool')!).sort()).toEqual(['md5', 'sha1']);
    // what it saves serves both
    const again = JSON.parse(JSON.stringify(apk.saveLayer(1))) as unknown;
    expect(dpkg.restorable(1, again)).toBe(true);
    // a cache entry written before the choice was made holds all of them
    expect(apk.restorable(1, { files: [], skipped: 0 })).toBe(true);
  });

  it('hashes application directories in every layer of an rpm system, and of one whose lower layers are not all known', () => {
    for (const database of ['var/lib/rpm/Packages', 'usr/lib/sysimage/rpm/rpmdb.sqlite', 'var/lib/rpm/Packages.db']) {
      const collector = new FileDigestCollector();
      read(collector, [['var/lib/dpkg/status', database], ['opt/app/server.js']]);
      expect(collector.get(1, 'opt/app/server.js')?.sha256).toBeDefined();
    }
    const unknown = new FileDigestCollector();
    const { entry, content } = file(1, 'opt/app/server.js');
    unknown.beginLayer(1);
    if (unknown.wanted(entry) > 0) unknown.visit(entry, content);
    expect(unknown.get(1, 'opt/app/server.js')?.sha256).toBeDefined();
  });

  it('knows the databases of layers restored from the cache', () => {
    const first = new FileDigestCollector();
    read(first, [['var/lib/dpkg/status']]);
    const collector = new FileDigestCollector();
    collector.restoreLayer(0, JSON.parse(JSON.stringify(first.saveLayer(0))));
    collector.beginLayer(1);
    const { entry } = file(1, 'opt/app/server.js');
    expect(collector.wanted(entry)).toBe(0);
    // a cache entry written before databases were recorded: not known, so hashed
    const old = new FileDigestCollector();
    old.restoreLayer(0, { files: [], skipped: 0 });
    old.beginLayer(1);
    expect(old.wanted(entry)).toBeGreaterThan(0);
  });
});
