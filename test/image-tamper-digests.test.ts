import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LayerMemory } from '../src/image/layer-cache.js';
import { analyzeImage } from '../src/image/malware/analyze-image.js';
import type { Finding } from '../src/model/finding.js';
import { tarBytes, writeLayout, type TarMember } from './helpers/oci-layout.js';

/**
 * The digests a file is hashed with depend on the package databases below its layer (MD5 for dpkg,
 * SHA-1 for apk): these images share layers between a dpkg and an apk system, or add a database of
 * another kind above one, and every tampered file must still be found with its database's digest.
 */
const ORIGINAL = 'the packaged tool\n';
const REPLACED = 'a replaced tool\n';
const md5 = (text: string): string => createHash('md5').update(text).digest('hex');
const apkSha1 = (text: string): string => `Q1${createHash('sha1').update(text).digest('base64')}`;

const dpkgSystem: TarMember[] = [
  { name: 'bin/tool', content: ORIGINAL, mode: 0o755 },
  { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID=12\n' },
  { name: 'var/lib/dpkg/info/tool.md5sums', content: `${md5(ORIGINAL)}  bin/tool\n` },
  { name: 'var/lib/dpkg/status', content: 'Package: tool\nStatus: install ok installed\nVersion: 1.0-1\nArchitecture: amd64\n\n' },
];
const apkSystem: TarMember[] = [
  { name: 'bin/tool', content: ORIGINAL, mode: 0o755 },
  { name: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.20.0\n' },
  { name: 'lib/apk/db/installed', content: `P:tool\nV:1.0-r0\nA:x86_64\nF:bin\nR:tool\nZ:${apkSha1(ORIGINAL)}\n\n` },
];
/** one layer, byte for byte the same in both images: it replaces the packaged file */
const replacing: TarMember[] = [{ name: 'bin/tool', content: REPLACED, mode: 0o755 }];
/** above a dpkg system, a layer that installs apk and a file it owns, the file before the database (as tar sorts them) */
const apkAbove: TarMember[] = [
  { name: 'bin/apk-tool', content: REPLACED, mode: 0o755 },
  { name: 'lib/apk/db/installed', content: `P:apk-tool\nV:2.0-r0\nA:x86_64\nF:bin\nR:apk-tool\nZ:${apkSha1(ORIGINAL)}\n\n` },
];

let work: string;
let layout: string;

/** both images in one layout (their shared layer is one blob, so one cache key) */
async function writeImages(images: Record<string, TarMember[][]>): Promise<void> {
  const manifests: unknown[] = [];
  for (const [tag, layers] of Object.entries(images)) {
    const { manifestDigest } = await writeLayout(layout, layers.map((members) => ({ tar: tarBytes(members) })), { tag });
    const { size } = await stat(path.join(layout, 'blobs', 'sha256', manifestDigest.slice(7)));
    manifests.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifestDigest, size, annotations: { 'org.opencontainers.image.ref.name': tag } });
  }
  await writeFile(path.join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
}

function tampered(findings: readonly Finding[]): Array<{ path: string; algorithm: unknown; layer: unknown }> {
  return findings.filter((finding) => finding.ruleId === 'image-tampered-package-file').map((finding) => ({ path: finding.location.path, algorithm: finding.properties?.['digestAlgorithm'], layer: finding.properties?.['layer'] }));
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'rampart-tamper-digests-'));
  layout = path.join(work, 'layout');
  await writeImages({ dpkg: [dpkgSystem, replacing], apk: [apkSystem, replacing], 'apk-above-dpkg': [dpkgSystem, apkAbove] });
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('digests for tampering checks, chosen by the package databases', () => {
  it.each([['dpkg', 'apk'], ['apk', 'dpkg']])('a layer shared by a dpkg and an apk image, read for the %s image first, is checked with each database\'s digest', async (first, second) => {
    const memory = new LayerMemory();
    const cacheDirectory = path.join(work, `cache-${first}`);
    const found: Record<string, ReturnType<typeof tampered>> = {};
    for (const tag of [first!, second!]) found[tag] = tampered((await analyzeImage(`${layout}:${tag}`, { cacheDirectory, layerMemory: memory })).findings);
    expect(found['dpkg']).toEqual([{ path: 'bin/tool', algorithm: 'md5', layer: 1 }]);
    expect(found['apk']).toEqual([{ path: 'bin/tool', algorithm: 'sha1', layer: 1 }]);
    // and again from the cache on disk alone, in the other order
    for (const tag of [second!, first!]) {
      expect(tampered((await analyzeImage(`${layout}:${tag}`, { cacheDirectory })).findings)).toEqual(found[tag]);
    }
  });

  it('a layer that adds an apk database above a dpkg system is read again for the SHA-1 of the files before it', async () => {
    const { findings, diagnostics } = await analyzeImage(`${layout}:apk-above-dpkg`, { cacheDirectory: false });
    expect(tampered(findings)).toEqual([{ path: 'bin/apk-tool', algorithm: 'sha1', layer: 1 }]);
    expect(diagnostics.filter((diagnostic) => diagnostic.kind === 'incomplete')).toEqual([]);
  });

  it('the layers were written as the test means: the shared layer is one blob', async () => {
    const index = JSON.parse(await readFile(path.join(layout, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
    const layers = await Promise.all(index.manifests.map(async ({ digest }) => (JSON.parse(await readFile(path.join(layout, 'blobs', 'sha256', digest.slice(7)), 'utf8')) as { layers: Array<{ digest: string }> }).layers.map((layer) => layer.digest)));
    expect(layers[0]![1]).toBe(layers[1]![1]);
  });
});
