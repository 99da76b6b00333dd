import { createHash } from 'node:crypto';
import { appendFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LayerCache } from '../src/image/layer-cache.js';
import { yaraIdentity } from '../src/image/malware/yara-identity.js';
import { analysisResultKey, RESULT_FORMAT } from '../src/image/result-cache.js';
import { DETECTORS } from '../src/secrets/catalogue.js';
import { buildLayeredImage } from './helpers/image-build.js';
import { tarBytes } from './helpers/oci-layout.js';

/**
 * The result cache of `rampart image`: a second run on the same inputs is answered whole, and
 * anything the analysis depends on (rule files, platform, a blob's bytes, the config, the version,
 * the stored format) makes it analyse again, as the report shows.
 */

function sampleSecret(id: string): string {
  const sample = DETECTORS.find((detector) => detector.id === id)!.samples.positives[0]!.split('\n')[0]!;
  return sample.slice(sample.indexOf(':') + 1).trim().replace(/^"|"$/g, '');
}
const AWS_KEY = sampleSecret('secret-aws-access-key');
const OAUTH_TOKEN = sampleSecret('secret-github-oauth-token');
const START = '#!/bin/sh\nexec /srv/app "$@"\n';

interface JsonFinding { ruleId: string; message: string; location: { path: string }; properties?: Record<string, unknown> }
interface JsonReport { findings: JsonFinding[]; images: Array<{ platform?: string; manifestDigest?: string }> }

let work: string;
let layout: string;
let multi: string;
const cacheBefore = process.env['XDG_CACHE_HOME'];

async function manifestOf(layoutDir: string, at = 0): Promise<{ layers: Array<{ digest: string }>; config: { digest: string } }> {
  const index = JSON.parse(await readFile(path.join(layoutDir, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
  return JSON.parse(await readFile(blobPath(layoutDir, index.manifests[at]!.digest), 'utf8'));
}

function blobPath(layoutDir: string, digest: string): string {
  return path.join(layoutDir, 'blobs', 'sha256', digest.slice(7));
}

/** one layout whose index.json names both images by platform, as `skopeo copy --all` writes one */
async function twoPlatformLayout(): Promise<string> {
  const amd = await buildLayeredImage(work, 'multi-amd64', 'v1', [{ files: { 'etc/arch': 'amd64\n' } }]);
  const arm = await buildLayeredImage(work, 'multi-arm64', 'v1', [{ files: { 'etc/arch': 'arm64\n', 'opt/app/.env': `AWS_ACCESS_KEY_ID=${AWS_KEY}\n` } }], { architecture: 'arm64' });
  const target = path.join(work, 'multi');
  await mkdir(path.join(target, 'blobs', 'sha256'), { recursive: true });
  const manifests = [];
  for (const [source, architecture] of [[amd, 'amd64'], [arm, 'arm64']] as const) {
    await cp(path.join(source, 'blobs', 'sha256'), path.join(target, 'blobs', 'sha256'), { recursive: true });
    const index = JSON.parse(await readFile(path.join(source, 'index.json'), 'utf8')) as { manifests: Array<Record<string, unknown>> };
    const { annotations: _tag, ...descriptor } = index.manifests[0]!;
    manifests.push({ ...descriptor, platform: { os: 'linux', architecture } });
  }
  await writeFile(path.join(target, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  await writeFile(path.join(target, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
  return target;
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'rampart-result-cache-'));
  layout = await buildLayeredImage(work, 'app', 'v1', [
    { files: { 'opt/app/.env': `AWS_ACCESS_KEY_ID=${AWS_KEY}\n`, 'usr/lib/node_modules/left-pad/package.json': '{"name":"left-pad","version":"1.3.0"}' } },
    { files: { 'usr/local/bin/start.sh': START }, modes: { 'usr/local/bin/start.sh': 0o755 } },
  ]);
  multi = await twoPlatformLayout();
}, 120_000);

afterAll(async () => {
  if (cacheBefore === undefined) delete process.env['XDG_CACHE_HOME'];
  else process.env['XDG_CACHE_HOME'] = cacheBefore;
  await rm(work, { recursive: true, force: true });
});

let caches = 0;
beforeEach(async () => {
  caches += 1;
  process.env['XDG_CACHE_HOME'] = path.join(work, `cache-${caches}`);
});

afterEach(() => {
  vi.doUnmock('../src/image/malware/analyze-image.js');
  vi.doUnmock('../src/version.js');
  vi.resetModules();
});

/** `rampart image ARGS` in a fresh module graph; `analysed` says whether the analysis code was loaded (a miss) */
async function runWatched(args: readonly string[], options: { version?: string } = {}): Promise<{ code: number; stdout: string; stderr: string; analysed: boolean }> {
  vi.resetModules();
  let analysed = false;
  vi.doMock('../src/image/malware/analyze-image.js', async (original) => {
    analysed = true;
    return original();
  });
  if (options.version !== undefined) vi.doMock('../src/version.js', async (original) => ({ ...await original<Record<string, unknown>>(), VERSION: options.version }));
  else vi.doUnmock('../src/version.js');
  const { runCli } = await import('./helpers/cli.js');
  const result = await runCli(['image', ...args]);
  return { ...result, analysed };
}

async function runJson(args: readonly string[], options: { version?: string } = {}): Promise<{ code: number; report: JsonReport; analysed: boolean; stderr: string }> {
  const result = await runWatched([...args, '-f', 'json'], options);
  return { code: result.code, report: JSON.parse(result.stdout) as JsonReport, analysed: result.analysed, stderr: result.stderr };
}

/** what differs between two runs of the same analysis: durations, timestamps, SBOM serials and namespaces */
const VARYING = new Set(['durationMs', 'timestamp', 'created', 'serialNumber', 'documentNamespace', 'startTimeUtc', 'endTimeUtc']);
function stable(output: string): unknown {
  return JSON.parse(output, (key, value: unknown) => (VARYING.has(key) ? undefined : value));
}

/** the stored result of `input`'s default analysis, rewritten by `change` */
async function rewriteStored(input: string, change: (stored: Record<string, unknown>) => Record<string, unknown>): Promise<void> {
  const key = await analysisResultKey(input, {}, (await yaraIdentity({}))!);
  expect(key).toBeDefined();
  const cache = new LayerCache(path.join(process.env['XDG_CACHE_HOME']!, 'rampart'));
  const stored = await cache.loadConfig(key!) as Record<string, unknown> | undefined;
  expect(stored?.['format']).toBe(RESULT_FORMAT);
  await cache.storeConfig(key!, change(stored!));
}

describe('identical inputs', () => {
  it('are answered from the cache without loading the analysis, in json, sarif, cyclonedx and spdx alike', async () => {
    for (const format of ['json', 'sarif', 'cyclonedx', 'spdx']) {
      process.env['XDG_CACHE_HOME'] = path.join(work, `cache-${format}`);
      const first = await runWatched([layout, '-f', format]);
      const second = await runWatched([layout, '-f', format]);
      expect([format, first.code, first.analysed]).toEqual([format, 1, true]);
      expect([format, second.code, second.analysed]).toEqual([format, 1, false]);
      expect(second.stdout).toContain('left-pad');
      expect(stable(second.stdout)).toEqual(stable(first.stdout));
    }
  });

  it('a hit serves what was stored (an edited entry shows), unless it was stored in another format', async () => {
    const first = await runJson([layout]);
    expect(first.report.findings.map((finding) => finding.ruleId)).toContain('secret-aws-access-key');
    await rewriteStored(layout, (stored) => ({ ...stored, findings: [] }));
    const served = await runJson([layout]);
    expect([served.analysed, served.code, served.report.findings]).toEqual([false, 0, []]);
    await rewriteStored(layout, (stored) => ({ ...stored, format: 0 }));
    const old = await runJson([layout]);
    expect(old.analysed).toBe(true);
    expect(old.report.findings.map((finding) => finding.ruleId)).toContain('secret-aws-access-key');
  });

  it('--no-cache always analyses', async () => {
    expect((await runJson([layout])).analysed).toBe(true);
    const off = await runJson([layout, '--no-cache']);
    expect(off.analysed).toBe(true);
    expect(off.report.findings.map((finding) => finding.ruleId)).toContain('secret-aws-access-key');
    expect((await runJson([layout, '--no-cache'])).analysed).toBe(true);
  });

  it('--blocklist after a cached run still reports the listed file', async () => {
    expect((await runJson([layout])).analysed).toBe(true);
    const list = path.join(work, 'blocklist.txt');
    await writeFile(list, `${createHash('sha256').update(START).digest('hex')} planted start script\n`);
    const listed = await runJson([layout, '--blocklist', list]);
    expect(listed.analysed).toBe(true);
    const found = listed.report.findings.filter((finding) => finding.properties?.['detector'] === 'blocklist');
    expect(found.map((finding) => [finding.ruleId, finding.location.path])).toEqual([['image-malware', 'usr/local/bin/start.sh']]);
  });
});

describe('each input of the analysis makes a miss', () => {
  it('a --yara-rules file edited in place: the new rule matches', async () => {
    const rules = path.join(work, 'rules');
    await mkdir(rules, { recursive: true });
    const file = path.join(rules, 'local.yar');
    await writeFile(file, 'rule never_here : high { strings: $a = "zz-not-in-any-file-zz" condition: $a }\n');
    const before = await runJson([layout, '--yara-rules', rules]);
    expect(before.report.findings.some((finding) => finding.ruleId === 'image-malware')).toBe(false);
    expect((await runJson([layout, '--yara-rules', rules])).analysed).toBe(false);
    await appendFile(file, 'rule srv_app_start : high { strings: $a = "exec /srv/app" condition: $a }\n');
    const after = await runJson([layout, '--yara-rules', rules]);
    expect(after.analysed).toBe(true);
    expect(after.report.findings.filter((finding) => finding.ruleId === 'image-malware').map((finding) => [finding.location.path, finding.properties?.['yaraRule']])).toEqual([['usr/local/bin/start.sh', 'srv_app_start']]);
  });

  it('another --platform of a two-platform layout: the other image is reported', async () => {
    const amd = await runJson([multi]);
    expect(amd.report.images.map((image) => image.platform)).toEqual(['linux/amd64']);
    expect(amd.report.findings).toEqual([]);
    const arm = await runJson([multi, '--platform', 'linux/arm64']);
    expect(arm.analysed).toBe(true);
    expect(arm.report.images.map((image) => image.platform)).toEqual(['linux/arm64']);
    expect(arm.report.findings.map((finding) => finding.ruleId)).toEqual(['secret-aws-access-key']);
    const all = await runJson([multi, '--all-platforms']);
    expect(all.report.images.map((image) => image.platform)).toEqual(['linux/amd64', 'linux/arm64']);
    expect((await runJson([multi, '--platform', 'linux/arm64'])).analysed).toBe(false);
  });

  it('a layer blob overwritten in place: image-layer-digest-mismatch appears', async () => {
    const copy = path.join(work, 'overwritten');
    await cp(layout, copy, { recursive: true });
    const clean = await runJson([copy]);
    expect(clean.report.findings.some((finding) => finding.ruleId === 'image-layer-digest-mismatch')).toBe(false);
    const { layers } = await manifestOf(copy);
    await writeFile(blobPath(copy, layers[1]!.digest), gzipSync(tarBytes([{ name: 'usr/local/bin/start.sh', content: '#!/bin/sh\nexec /srv/other\n' }])));
    const changed = await runJson([copy]);
    expect(changed.analysed).toBe(true);
    expect(changed.report.findings.filter((finding) => finding.ruleId === 'image-layer-digest-mismatch').map((finding) => finding.message).join('\n')).toMatch(/layer 1 hashes to sha256:/);
    // a result with an integrity problem is never stored
    expect((await runJson([copy])).analysed).toBe(true);
  });

  it('the config blob edited in place: its mismatch and the new Env secret appear', async () => {
    const copy = path.join(work, 'config-edited');
    await cp(layout, copy, { recursive: true });
    const clean = await runJson([copy]);
    expect(clean.report.findings.some((finding) => finding.location.path === 'config:Env')).toBe(false);
    const { config } = await manifestOf(copy);
    const document = JSON.parse(await readFile(blobPath(copy, config.digest), 'utf8')) as { config: { Env?: string[] } };
    document.config.Env = [...document.config.Env ?? [], `GITHUB_OAUTH=${OAUTH_TOKEN}`];
    await writeFile(blobPath(copy, config.digest), JSON.stringify(document));
    const edited = await runJson([copy]);
    expect(edited.analysed).toBe(true);
    expect(edited.report.findings.find((finding) => finding.location.path === 'config:Env')?.ruleId).toBe('secret-github-oauth-token');
    expect(edited.report.findings.some((finding) => finding.ruleId === 'image-layer-digest-mismatch' && finding.message.includes(config.digest))).toBe(true);
  });

  it('another Rampart version: the entry a run of this version stored is not served', async () => {
    await runJson([layout]);
    await rewriteStored(layout, (stored) => ({ ...stored, findings: [] }));
    expect((await runJson([layout])).report.findings).toEqual([]);
    const other = await runJson([layout], { version: '999.0.0-other' });
    expect(other.analysed).toBe(true);
    expect(other.report.findings.map((finding) => finding.ruleId)).toContain('secret-aws-access-key');
  });
});
