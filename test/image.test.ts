import { cp, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectImage } from '../src/image/inspect-image.js';
import { DETECTORS } from '../src/secrets/catalogue.js';
import { runCli } from './helpers/cli.js';
import { buildLayeredImage, run, skopeoCopy } from './helpers/image-build.js';
import { sha256, tarBytes, writeLayout } from './helpers/oci-layout.js';
import { pushImage, pushIndex, pushLayout, startRegistry, type LocalRegistry } from './helpers/registry.js';

let work: string;
let layout: string;

/** a credential of the given detector, taken from its own sample (`KEY: value` on the first line) */
function sampleSecret(id: string): string {
  const sample = DETECTORS.find((detector) => detector.id === id)!.samples.positives[0]!.split('\n')[0]!;
  return sample.slice(sample.indexOf(':') + 1).trim().replace(/^"|"$/g, '');
}
const AWS_KEY = sampleSecret('secret-aws-access-key');
const GITHUB_TOKEN = sampleSecret('secret-github-token');
const OAUTH_TOKEN = sampleSecret('secret-github-oauth-token');

interface JsonImage { platform?: string; manifestDigest?: string; layers: Array<{ digest: string; diffId?: string; compression: string; entries: number; whiteouts: number }> }
interface JsonReport { findings: Array<{ ruleId: string; severity: string; message: string; location: { path: string; line: number }; properties?: Record<string, unknown> }>; diagnostics: Array<{ kind: string; message: string }>; images: JsonImage[] }

async function imageJson(args: readonly string[]): Promise<{ code: number; report: JsonReport; stderr: string }> {
  const result = await runCli(['image', ...args, '-f', 'json']);
  return { code: result.code, report: result.stdout ? JSON.parse(result.stdout) as JsonReport : { findings: [], diagnostics: [], images: [] }, stderr: result.stderr };
}

async function manifestOf(layoutDir: string): Promise<{ layers: Array<{ digest: string }>; config: { digest: string } }> {
  const index = JSON.parse(await readFile(path.join(layoutDir, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
  return JSON.parse(await readFile(path.join(layoutDir, 'blobs', 'sha256', index.manifests[0]!.digest.slice(7)), 'utf8'));
}

/** inverts every bit of one byte, in place */
function flipByte(bytes: Buffer, at: number): void {
  bytes[at] = bytes[at]! ^ 0xff;
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'rampart-image-test-'));
  // the layer cache of these tests lives and dies with them
  process.env['XDG_CACHE_HOME'] = path.join(work, 'cache');
  layout = await buildLayeredImage(work, 'app', 'v1', [
    { files: { 'etc/a': 'one\n', 'opt/app/.env': `AWS_ACCESS_KEY_ID=${AWS_KEY}\n`, 'opt/app/keep': 'keep\n', 'usr/bin/tool': '#!/bin/sh\n', 'usr/share/doc/tool/example.conf': `token=${GITHUB_TOKEN}\n` } },
    { remove: ['etc/a', 'opt/app/.env'], createdBy: `/bin/sh -c GITHUB_TOKEN=${GITHUB_TOKEN} ./fetch-private.sh && rm /opt/app/.env` },
    { files: { 'opt/app/new': 'new\n' } },
  ], { env: ['PATH=/usr/bin', `GITHUB_OAUTH=${OAUTH_TOKEN}`] });
}, 60_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('rampart image reads an OCI layout', () => {
  it('verifies every layer and applies whiteouts in the squashed view while each layer keeps its own entries', async () => {
    const inspection = await inspectImage(layout);
    expect(inspection.findings.filter((finding) => finding.ruleId === 'image-layer-digest-mismatch')).toEqual([]);
    expect(inspection.complete).toBe(true);
    const [image] = inspection.images;
    expect(image?.layers).toHaveLength(3);
    expect(image?.layers.map((layer) => layer.diffId)).toEqual(image?.config.diffIds);
    expect(image?.layers[0]?.entries).toBeGreaterThanOrEqual(4);
    expect(image?.layers[1]?.whiteouts).toBe(2);
    expect(image?.tree.get('etc/a')).toBeUndefined();
    expect(image?.tree.get('opt/app/.env')).toBeUndefined();
    expect(image?.tree.get('opt/app/keep')?.layer).toBe(0);
    expect(image?.tree.get('opt/app/new')?.layer).toBe(2);
  });

  it('names one image of a layout with PATH:TAG and says which tags exist when the tag is wrong', async () => {
    expect((await imageJson([`${layout}:v1`])).code).toBe(1); // the secrets baked into the test image
    const missing = await runCli(['image', `${layout}:v9`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no image is tagged v9 (tags: v1)');
  });

  it('reads zstd layers (by magic bytes) with the zstd program and with the JavaScript decoder alike', async () => {
    const zstdLayout = path.join(work, 'zstd');
    await skopeoCopy(`oci:${layout}:v1`, `oci:${zstdLayout}:v1`, ['--dest-compress-format', 'zstd', '--dest-compress']);
    const gzip = await imageJson([layout]);
    const native = await imageJson([zstdLayout]);
    expect(native.code).toBe(1); // the secrets baked into the test image
    expect(native.report.images[0]?.layers.map((layer) => layer.compression)).toEqual(['zstd', 'zstd', 'zstd']);
    expect(native.report.images[0]?.layers.map((layer) => layer.diffId)).toEqual(gzip.report.images[0]?.layers.map((layer) => layer.diffId));
    process.env['RAMPART_ZSTD'] = 'js';
    try {
      const javascript = await imageJson([zstdLayout]);
      expect(javascript.code).toBe(1); // the secrets baked into the test image
      expect(javascript.report.images[0]?.layers.map((layer) => layer.diffId)).toEqual(gzip.report.images[0]?.layers.map((layer) => layer.diffId));
    } finally {
      delete process.env['RAMPART_ZSTD'];
    }
  });

  it('applies an opaque directory before the same layer\'s own entries, and a file replacing a directory removes its subtree', async () => {
    const directory = path.join(work, 'opaque');
    await writeLayout(directory, [
      { tar: tarBytes([{ name: 'etc/', type: '5' }, { name: 'etc/old.conf', content: 'old' }, { name: 'etc/keep/x', content: 'x' }, { name: 'var/lib/thing/file', content: 'f' }]) },
      // the opaque marker comes after the layer's own file in tar order: it still hides only lower entries
      { tar: tarBytes([{ name: 'etc/new.conf', content: 'new' }, { name: 'etc/.wh..wh..opq' }, { name: 'var/lib/thing', content: 'now a file' }]) },
    ]);
    const [image] = (await inspectImage(directory)).images;
    expect(image?.tree.get('etc/new.conf')?.layer).toBe(1);
    expect(image?.tree.get('etc/old.conf')).toBeUndefined();
    expect(image?.tree.get('etc/keep/x')).toBeUndefined();
    expect(image?.tree.get('var/lib/thing')?.type).toBe('file');
    expect(image?.tree.get('var/lib/thing/file')).toBeUndefined();
  });
});

describe('secrets baked into an image', () => {
  it('finds a secret in a file a later layer deleted, in Env and in a history step, names the layer and step, and never prints the secret', async () => {
    const result = await runCli(['image', layout, '-f', 'json']);
    expect(result.code).toBe(1);
    for (const secret of [AWS_KEY, GITHUB_TOKEN, OAUTH_TOKEN]) expect(result.stdout).not.toContain(secret);
    const report = JSON.parse(result.stdout) as JsonReport;
    const aws = report.findings.find((finding) => finding.ruleId === 'secret-aws-access-key');
    expect(aws?.location).toMatchObject({ path: 'opt/app/.env', line: 1 });
    expect(aws?.properties).toMatchObject({ layer: 0, deletedInLaterLayer: true, historyStep: 'layer 0', image: layout });
    expect(aws?.message).toContain('in layer 0, deleted by a later layer but still in the image');
    const history = report.findings.find((finding) => finding.ruleId === 'secret-github-token');
    // umoci's own config step is history[0..1]; the second layer's step comes after
    expect(history?.location.path).toMatch(/^config:history\[\d+\]$/);
    expect(history?.properties?.['layer']).toBeUndefined();
    expect(history?.properties).toMatchObject({ imageSource: 'config', configField: 'history' });
    const env = report.findings.find((finding) => finding.ruleId === 'secret-github-oauth-token');
    expect(env?.location.path).toBe('config:Env');
    // usr/share holds documentation and examples: skipped, as Trivy does
    expect(report.findings.some((finding) => finding.location.path.startsWith('usr/share/'))).toBe(false);
    expect(report.findings).toHaveLength(3);
  });

  it('puts the image, layer and path in SARIF properties', async () => {
    const result = await runCli(['image', layout, '-f', 'sarif']);
    const sarif = JSON.parse(result.stdout) as { runs: Array<{ results: Array<{ ruleId: string; properties: Record<string, unknown> }>; tool: { driver: { rules: Array<{ id: string }> } } }> };
    const results = sarif.runs[0]!.results;
    const aws = results.find((item) => item.ruleId === 'secret-aws-access-key');
    expect(aws?.properties).toMatchObject({ image: layout, imageSource: 'layer', layer: 0, path: 'opt/app/.env', historyStep: 'layer 0' });
    expect(aws?.properties['layerDigest']).toMatch(/^sha256:[0-9a-f]{64}$/);
    // a secret in the config is in no layer: `layer` is never the check's name there, as it is for a repository finding
    const env = results.find((item) => item.ruleId === 'secret-github-oauth-token');
    expect(env?.properties).toMatchObject({ image: layout, imageSource: 'config', configField: 'Env', path: 'config:Env' });
    const step = results.find((item) => item.ruleId === 'secret-github-token');
    expect(step?.properties).toMatchObject({ image: layout, imageSource: 'config', configField: 'history', path: step?.properties['path'] });
    expect(step?.properties['path']).toBe(`config:history[${String(step?.properties['historyIndex'])}]`);
    expect(step?.properties['historyStep']).toContain('./fetch-private.sh');
    for (const result of results) expect(result.properties['layer'] === undefined || typeof result.properties['layer'] === 'number').toBe(true);
    expect(env?.properties).not.toHaveProperty('layer');
    expect(step?.properties).not.toHaveProperty('layer');
    expect(sarif.runs[0]!.tool.driver.rules.map((rule) => rule.id)).toContain('secret-aws-access-key');
    // (the rule help quotes the detector's own samples, which this test borrowed: only results are checked)
    expect(JSON.stringify(sarif.runs[0]!.results)).not.toContain(AWS_KEY);
  });
});

describe('rampart image reads docker save archives', () => {
  it('reads the legacy manifest.json form skopeo writes, with the same diff_ids', async () => {
    const archive = path.join(work, 'legacy.tar');
    await skopeoCopy(`oci:${layout}:v1`, `docker-archive:${archive}:example.com/app:v1`);
    const result = await imageJson([archive]);
    expect(result.code).toBe(1);
    expect(result.report.findings.map((finding) => finding.ruleId).sort()).toEqual(['secret-aws-access-key', 'secret-github-oauth-token', 'secret-github-token']);
    const fromLayout = await imageJson([layout]);
    expect(result.report.images[0]?.layers.map((layer) => layer.diffId)).toEqual(fromLayout.report.images[0]?.layers.map((layer) => layer.diffId));
    expect((await imageJson([`${archive}:v1`])).code).toBe(1); // the secrets baked into the test image
  });

  it('reads the Docker 25+ form: an OCI layout and manifest.json in one tar', async () => {
    const archive = path.join(work, 'oci-in-tar.tar');
    await writeFile(path.join(layout, 'manifest.json'), '[]');
    await run('tar', ['-cf', archive, '-C', layout, 'oci-layout', 'index.json', 'manifest.json', 'blobs']);
    await rm(path.join(layout, 'manifest.json'));
    const result = await imageJson([archive]);
    expect(result.code).toBe(1); // the secrets baked into the test image
    expect(result.report.images[0]?.layers).toHaveLength(3);
  });

  it('refuses a file that is no image with a clear message', async () => {
    const junk = path.join(work, 'junk.tar');
    await writeFile(junk, tarBytes([{ name: 'hello.txt', content: 'hi' }]));
    const result = await runCli(['image', junk]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('neither an OCI layout nor a docker save archive');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('integrity', () => {
  it('reports a layer blob whose bytes were replaced as image-layer-digest-mismatch, critical, exit 1', async () => {
    const tampered = path.join(work, 'tampered');
    await cp(layout, tampered, { recursive: true });
    const { layers } = await manifestOf(tampered);
    const victim = path.join(tampered, 'blobs', 'sha256', layers[2]!.digest.slice(7));
    await writeFile(victim, gzipSync(tarBytes([{ name: 'opt/app/new', content: 'evil\n' }])));
    const result = await imageJson([tampered]);
    expect(result.code).toBe(1);
    const findings = result.report.findings.filter((finding) => finding.ruleId === 'image-layer-digest-mismatch');
    expect(findings.map((finding) => finding.severity)).toEqual(['critical', 'critical']);
    expect(findings.map((finding) => finding.message).join('\n')).toMatch(/layer 2 hashes to sha256:[0-9a-f]{64}, not sha256:/);
    expect(findings.map((finding) => finding.message).join('\n')).toMatch(/rootfs\.diff_ids\[2\]/);
    expect(findings[0]?.properties).toMatchObject({ layer: 2, path: layers[2]!.digest });
  });

  it('reports a gzip layer whose stored bytes were flipped as the mismatch it is (exit 1), the unreadable rest a note, in json, sarif and text', async () => {
    const tampered = path.join(work, 'flipped');
    await cp(layout, tampered, { recursive: true });
    const { layers } = await manifestOf(tampered);
    const victim = path.join(tampered, 'blobs', 'sha256', layers[0]!.digest.slice(7));
    const bytes = await readFile(victim);
    flipByte(bytes, bytes.length >> 1); // in the deflate data: the blob no longer decompresses
    await writeFile(victim, bytes);
    const json = await imageJson([tampered, '--no-cache']);
    expect(json.code).toBe(1);
    const mismatch = json.report.findings.filter((finding) => finding.ruleId === 'image-layer-digest-mismatch');
    expect(mismatch).toHaveLength(1);
    expect(mismatch[0]).toMatchObject({ severity: 'critical', properties: { layer: 0, imageSource: 'layer', path: layers[0]!.digest } });
    expect(mismatch[0]?.message).toMatch(/layer 0 hashes to sha256:[0-9a-f]{64}, not sha256:/);
    expect(json.report.diagnostics.filter((diagnostic) => diagnostic.kind === 'incomplete')).toEqual([]);
    const note = json.report.diagnostics.find((diagnostic) => diagnostic.message.includes('not analysed'));
    expect(note).toMatchObject({ kind: 'note', path: layers[0]!.digest });
    expect(note?.message).toMatch(/^layer 0 \(sha256:[0-9a-f]{64}\): .+; layer 0 not analysed: its bytes are not the image's$/);
    expect((JSON.parse((await runCli(['image', tampered, '-f', 'json', '--no-cache'])).stdout) as { complete: boolean }).complete).toBe(true);

    const sarif = await runCli(['image', tampered, '-f', 'sarif', '--no-cache']);
    expect(sarif.code).toBe(1);
    const run = (JSON.parse(sarif.stdout) as { runs: Array<{ results: Array<{ ruleId: string; level: string; properties: Record<string, unknown> }>; invocations: Array<{ executionSuccessful: boolean; toolExecutionNotifications: Array<{ level: string; message: { text: string } }> }> }> }).runs[0]!;
    expect(run.results.filter((item) => item.ruleId === 'image-layer-digest-mismatch').map((item) => [item.level, item.properties['layer'], item.properties['layerDigest'] ?? item.properties['path']])).toEqual([['error', 0, layers[0]!.digest]]);
    expect(run.invocations[0]?.executionSuccessful).toBe(true);
    expect(run.invocations[0]?.toolExecutionNotifications.filter((item) => item.message.text.includes('not analysed')).map((item) => item.level)).toEqual(['warning']);

    const text = await runCli(['image', tampered, '--no-cache']);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/CRITICAL .*layer 0 hashes to sha256:[0-9a-f]{64}, not sha256:.*image-layer-digest-mismatch/);
    expect(text.stdout).toMatch(/note sha256:[0-9a-f]{64}: layer 0 .*layer 0 not analysed: its bytes are not the image's/);
    expect(text.stdout).not.toContain('scan incomplete');
    for (const output of [json.stderr, sarif.stderr, text.stderr]) expect(output).not.toMatch(/\n\s+at /);
  });

  it('leaves an unreadable layer whose digest matches incomplete (exit 2): the image itself is broken, not proven tampered', async () => {
    const directory = path.join(work, 'broken-as-published');
    const good = tarBytes([{ name: 'ok', content: 'fine' }]);
    const unreadable = Buffer.from(gzipSync(tarBytes([{ name: 'etc/app.conf', content: 'x'.repeat(4000) }])));
    flipByte(unreadable, unreadable.length >> 1);
    await writeLayout(directory, [{ tar: good }, { tar: tarBytes([{ name: 'etc/app.conf', content: 'x'.repeat(4000) }]), blob: unreadable }]);
    const result = await imageJson([directory, '--no-cache']);
    expect(result.code).toBe(2);
    expect(result.report.findings.filter((finding) => finding.ruleId === 'image-layer-digest-mismatch')).toEqual([]);
    const incomplete = result.report.diagnostics.filter((diagnostic) => diagnostic.kind === 'incomplete');
    expect(incomplete.map((diagnostic) => diagnostic.message)).toEqual([expect.stringMatching(/^layer 1 \(sha256:[0-9a-f]{64}\): /)]);
    expect(result.report.diagnostics.some((diagnostic) => diagnostic.message.includes('not analysed'))).toBe(false);
  });

  it('in a docker save archive (no layer digests): an unreadable gzip layer cannot be checked (exit 2); an uncompressed one is checked by its diff_id (exit 1)', async () => {
    const archive = path.join(work, 'to-break.tar');
    await skopeoCopy(`oci:${layout}:v1`, `docker-archive:${archive}:example.com/app:v1`);
    const unpacked = path.join(work, 'to-break');
    await rm(unpacked, { recursive: true, force: true });
    await run('mkdir', ['-p', unpacked]);
    await run('tar', ['-xf', archive, '-C', unpacked]);
    const [entry] = JSON.parse(await readFile(path.join(unpacked, 'manifest.json'), 'utf8')) as Array<{ Layers: string[] }>;
    const layerFile = path.join(unpacked, entry!.Layers[0]!);
    const original = await readFile(layerFile);
    const repack = async (name: string, layerBytes: Buffer): Promise<string> => {
      await writeFile(layerFile, layerBytes);
      const target = path.join(work, name);
      await run('tar', ['-cf', target, '-C', unpacked, '.']);
      return target;
    };
    // gzip whose middle byte was flipped: nothing names the gzip's digest, and what it inflates to cannot be hashed whole
    const gzipped = Buffer.from(gzipSync(original));
    flipByte(gzipped, gzipped.length >> 1);
    const unchecked = await imageJson([await repack('broken-gzip.tar', gzipped), '--no-cache']);
    expect(unchecked.code).toBe(2);
    expect(unchecked.report.findings.some((finding) => finding.ruleId === 'image-layer-digest-mismatch')).toBe(false);
    expect(unchecked.report.diagnostics.filter((diagnostic) => diagnostic.kind === 'incomplete').map((diagnostic) => diagnostic.message)).toEqual([expect.stringMatching(/^layer 0 /)]);
    // a tar stored as is: a flipped header byte stops the reading, but the stored bytes are the tar the config's diff_id names
    const flipped = Buffer.from(original);
    flipByte(flipped, 10);
    const checked = await imageJson([await repack('broken-tar.tar', flipped), '--no-cache']);
    expect(checked.code).toBe(1);
    expect(checked.report.findings.filter((finding) => finding.ruleId === 'image-layer-digest-mismatch').map((finding) => finding.message)).toEqual([expect.stringMatching(/layer 0 uncompressed hashes to sha256:[0-9a-f]{64}, not rootfs\.diff_ids\[0\]/)]);
    expect(checked.report.diagnostics.find((diagnostic) => diagnostic.message.includes('not analysed'))?.message).toMatch(/bad header checksum.*layer 0 not analysed: its bytes are not the image's/);
    expect(checked.report.diagnostics.filter((diagnostic) => diagnostic.kind === 'incomplete')).toEqual([]);
  });

  it('reports diff_ids that do not match and a count that does not agree', async () => {
    const directory = path.join(work, 'diffids');
    const layer = tarBytes([{ name: 'a', content: 'a' }]);
    await writeLayout(directory, [{ tar: layer, diffId: sha256(Buffer.from('other')) }], { extraDiffIds: [sha256(Buffer.from('x'))] });
    const result = await imageJson([directory]);
    expect(result.code).toBe(1);
    const messages = result.report.findings.map((finding) => finding.message).join('\n');
    expect(messages).toContain('the manifest lists 1 layers but the config\'s rootfs.diff_ids 2');
    expect(messages).toContain('layer 0 uncompressed hashes to');
  });

  it('turns a truncated layer, corrupt gzip, a lying size and names climbing out of the root into clear errors, never a crash', async () => {
    const directory = path.join(work, 'hostile');
    const good = tarBytes([{ name: 'ok', content: 'fine' }]);
    const badGzip = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.alloc(64, 0x41)]);
    const lying = tarBytes([{ name: 'big', content: 'tiny', declaredSize: 10 * 1024 * 1024 * 1024 }], { end: false });
    const climbing = tarBytes([{ name: '../../../etc/passwd', content: 'root::0:0' }, { name: 'x'.repeat(300), content: 'long' }, { name: 'a/.wh.', content: '' }]);
    await writeLayout(directory, [{ tar: good }, { tar: good, blob: badGzip }, { tar: lying }, { tar: climbing }]);
    const { layers } = await manifestOf(directory);
    const first = path.join(directory, 'blobs', 'sha256', layers[0]!.digest.slice(7));
    await truncate(first, 20);
    const result = await imageJson([directory]);
    expect(result.code).toBe(2);
    const diagnostics = result.report.diagnostics.map((diagnostic) => `${diagnostic.kind}: ${diagnostic.message}`).join('\n');
    // the truncated blob no longer hashes to its digest: its unreadable end is a note beside that finding
    expect(diagnostics).toMatch(/note: layer 0 .*(unexpected end|gzip).*layer 0 not analysed: its bytes are not the image's/i);
    expect(diagnostics).toMatch(/incomplete: layer 1 .*gzip data is corrupt/);
    expect(diagnostics).toMatch(/incomplete: layer 2 .*tar ends inside "big"/);
    expect(diagnostics).toContain('"../../../etc/passwd" climbs out of the root; not placed');
    expect(diagnostics).toContain('is not a valid whiteout');
    // the truncated blob also no longer hashes to its digest
    expect(result.report.findings.some((finding) => /layer 0 hashes to/.test(finding.message))).toBe(true);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const inspection = await inspectImage(directory);
    expect(inspection.images[0]?.tree.get('x'.repeat(300))?.size).toBe(4);
  });
});

describe('rampart image pulls from a registry', () => {
  let registry: LocalRegistry;
  beforeAll(async () => {
    registry = await startRegistry();
  }, 30_000);
  afterAll(async () => {
    await registry?.stop();
  });

  it('reads a pushed image by tag and by pinned digest through the OCI client', async () => {
    const pushed = await pushLayout(registry, layout, 'v1', 'team/app', 'v1');
    const byTag = await imageJson([pushed.reference, '--insecure-registry', registry.host]);
    expect(byTag.code).toBe(1); // the secrets baked into the test image
    expect(byTag.report.images[0]?.manifestDigest).toBe(pushed.digest);
    expect(byTag.report.images[0]?.layers).toHaveLength(3);
    const byDigest = await imageJson([`${registry.host}/team/app@${pushed.digest}`, '--insecure-registry', registry.host]);
    expect(byDigest.code).toBe(1); // the secrets baked into the test image
    const wrongPin = await imageJson([`${registry.host}/team/app@${sha256(Buffer.from('not it'))}`, '--insecure-registry', registry.host]);
    expect(wrongPin.code).toBe(2);
  });

  it('chooses the platform of an index: linux/amd64 by default, --platform, --all-platforms', async () => {
    const amd64 = await pushImage(registry, 'team/multi', 'amd64', { architecture: 'amd64' });
    const arm64 = await pushImage(registry, 'team/multi', 'arm64', { architecture: 'arm64' });
    const index = await pushIndex(registry, 'team/multi', 'v1', [amd64, arm64]);
    const flags = ['--insecure-registry', registry.host];
    const chosen = await imageJson([index.reference, ...flags]);
    expect(chosen.report.images.map((image) => [image.platform, image.manifestDigest])).toEqual([['linux/amd64', amd64.digest]]);
    const arm = await imageJson([index.reference, '--platform', 'linux/arm64', ...flags]);
    expect(arm.report.images.map((image) => image.manifestDigest)).toEqual([arm64.digest]);
    const all = await imageJson([index.reference, '--all-platforms', ...flags]);
    expect(all.report.images.map((image) => image.platform)).toEqual(['linux/amd64', 'linux/arm64']);
    const none = await runCli(['image', index.reference, '--platform', 'linux/s390x', ...flags]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('has no image for linux/s390x (it has linux/amd64, linux/arm64)');
  });

  it('reports a blob changed in the registry\'s storage as image-layer-digest-mismatch', async () => {
    const pushed = await pushLayout(registry, layout, 'v1', 'team/tampered', 'v1');
    const { layers } = await manifestOf(layout);
    const hex = layers[0]!.digest.slice(7);
    const stored = path.join(registry.storageDir, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data');
    const original = await readFile(stored);
    const flipped = Buffer.from(original);
    flipByte(flipped, flipped.length - 10);
    await writeFile(stored, flipped);
    // without the cache: a registry blob verified once is not downloaded again (its digest names its content)
    const result = await imageJson([pushed.reference, '--insecure-registry', registry.host, '--no-cache']).finally(() => writeFile(stored, original));
    expect(result.report.findings.filter((finding) => finding.ruleId === 'image-layer-digest-mismatch').map((finding) => finding.message)).toEqual([expect.stringMatching(/layer 0 hashes to/)]);
    // the flipped blob no longer inflates either: that is a note, since the finding already says its bytes are not the image's
    expect(result.report.diagnostics.filter((diagnostic) => diagnostic.kind === 'incomplete')).toEqual([]);
    expect(result.report.diagnostics.some((diagnostic) => diagnostic.kind === 'note' && diagnostic.message.endsWith('layer 0 not analysed: its bytes are not the image\'s'))).toBe(true);
    expect(result.code).toBe(1);
  });

  it('never downloads a cached registry layer again, and gives the same report', async () => {
    const pushed = await pushLayout(registry, layout, 'v1', 'team/cached', 'v1');
    process.env['XDG_CACHE_HOME'] = path.join(work, 'cache-registry');
    const flags = ['--insecure-registry', registry.host];
    const cold = await imageJson([pushed.reference, ...flags]);
    // the registry loses every layer blob: only the cache can answer now
    const { layers } = await manifestOf(layout);
    for (const layer of layers) {
      const hex = layer.digest.slice(7);
      await rm(path.join(registry.storageDir, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex), { recursive: true, force: true });
    }
    const warm = await imageJson([pushed.reference, ...flags]);
    expect(warm.code).toBe(cold.code);
    expect(warm.report.images).toEqual(cold.report.images);
    expect(warm.report.findings.map((finding) => [finding.ruleId, finding.message, finding.properties])).toEqual(cold.report.findings.map((finding) => [finding.ruleId, finding.message, finding.properties]));
    const uncached = await imageJson([pushed.reference, ...flags, '--no-cache']);
    expect(uncached.code).toBe(2);
  });
});

describe('layer cache', () => {
  it('reads a local blob again when its file changed since it was cached, and reports the change', async () => {
    const copy = path.join(work, 'cached-layout');
    await cp(layout, copy, { recursive: true });
    process.env['XDG_CACHE_HOME'] = path.join(work, 'cache-local');
    const cold = await imageJson([copy]);
    expect(cold.report.findings.some((finding) => finding.ruleId === 'image-layer-digest-mismatch')).toBe(false);
    const warm = await imageJson([copy]);
    expect(warm.report.images).toEqual(cold.report.images);
    const { layers } = await manifestOf(copy);
    await writeFile(path.join(copy, 'blobs', 'sha256', layers[0]!.digest.slice(7)), gzipSync(tarBytes([{ name: 'opt/app/keep', content: 'swapped\n' }])));
    const changed = await imageJson([copy]);
    expect(changed.report.findings.some((finding) => finding.ruleId === 'image-layer-digest-mismatch' && /layer 0 hashes to/.test(finding.message))).toBe(true);
  });
});
