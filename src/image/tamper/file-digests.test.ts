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
      // where dpkg and apk install: hashed in every layer
      expect(collector.get(1, 'usr/bin/ls')?.md5).toBeDefined();
    }
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
