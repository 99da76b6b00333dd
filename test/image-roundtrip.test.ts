/**
 * One image read three ways: pushed to a loopback registry (Debian's docker-registry) and read by
 * reference, then copied out of that registry by skopeo into an OCI layout and a docker save
 * archive and read from each. The three reads must agree on packages, findings and diff_ids.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DETECTORS } from '../src/secrets/catalogue.js';
import { runCli } from './helpers/cli.js';
import { installDebs } from './helpers/debian-rootfs.js';
import { buildLayeredImage, run } from './helpers/image-build.js';
import { pushLayout, startRegistry, type LocalRegistry } from './helpers/registry.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const sample = DETECTORS.find((detector) => detector.id === 'secret-aws-access-key')!.samples.positives[0]!.split('\n')[0]!;
const AWS_KEY = sample.slice(sample.indexOf(':') + 1).trim().replace(/^"|"$/g, '');

interface JsonReport {
  findings: Array<{ ruleId: string; location: { path: string }; properties?: Record<string, unknown> }>;
  diagnostics: Array<{ kind: string; message: string }>;
  images: Array<{ manifestDigest?: string; layers: Array<{ digest: string; diffId?: string }>; packages: Array<{ type: string; name: string; version: string; purl: string }> }>;
}

let work: string;
let registry: LocalRegistry;
let reference: string;
let reads: Record<'registry' | 'layout' | 'archive', { code: number; report: JsonReport }>;

async function read(input: string, extra: readonly string[] = []): Promise<{ code: number; report: JsonReport }> {
  const result = await runCli(['image', input, '--no-cache', '-f', 'json', ...extra]);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  return { code: result.code, report: JSON.parse(result.stdout) as JsonReport };
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'rampart-roundtrip-'));
  process.env['XDG_CACHE_HOME'] = path.join(work, 'cache');
  registry = await startRegistry();
  const debs = (await readdir(path.join(here, 'fixtures', 'debs'))).filter((name) => name.endsWith('.deb')).sort().map((name) => path.join(here, 'fixtures', 'debs', name));
  const root = path.join(work, 'root');
  await installDebs(root, debs);
  const layout = await buildLayeredImage(work, 'app', 'v1', [
    { trees: [root], files: { 'etc/os-release': 'ID=debian\nVERSION_ID="12"\n' }, createdBy: 'ADD debs /' },
    { files: { 'opt/app/.env': `AWS_ACCESS_KEY_ID=${AWS_KEY}\n` }, createdBy: 'COPY .env /opt/app/' },
    { remove: ['opt/app/.env'], files: { 'opt/app/run': '#!/bin/sh\n' }, createdBy: 'RUN rm /opt/app/.env' },
  ]);
  const pushed = await pushLayout(registry, layout, 'v1', 'team/roundtrip', 'v1');
  reference = pushed.reference;
  const pulledLayout = path.join(work, 'pulled');
  const archive = path.join(work, 'pulled.tar');
  for (const destination of [`oci:${pulledLayout}:v1`, `docker-archive:${archive}:example.com/roundtrip:v1`]) {
    await run('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${reference}`, destination]);
  }
  reads = {
    registry: await read(reference, ['--insecure-registry', registry.host]),
    layout: await read(pulledLayout),
    archive: await read(archive),
  };
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  await rm(work, { recursive: true, force: true });
});

describe('an image pushed to a registry and pulled back as layout and archive', () => {
  it('is read completely each way, with the same findings exit code', () => {
    for (const { code, report } of Object.values(reads)) {
      expect(code).toBe(1); // the secret
      expect(report.diagnostics.filter((diagnostic) => diagnostic.kind === 'incomplete')).toEqual([]);
      expect(report.images).toHaveLength(1);
    }
  });

  it('has the same diff_ids, and the same layer blobs in the registry and the layout', () => {
    const diffIds = reads.registry.report.images[0]!.layers.map((layer) => layer.diffId);
    expect(diffIds).toHaveLength(3);
    expect(diffIds.every((diffId) => /^sha256:[0-9a-f]{64}$/.test(diffId ?? ''))).toBe(true);
    expect(reads.layout.report.images[0]!.layers.map((layer) => layer.diffId)).toEqual(diffIds);
    expect(reads.archive.report.images[0]!.layers.map((layer) => layer.diffId)).toEqual(diffIds);
    expect(reads.layout.report.images[0]!.layers.map((layer) => layer.digest)).toEqual(reads.registry.report.images[0]!.layers.map((layer) => layer.digest));
    // skopeo copies the manifest unchanged into the layout
    expect(reads.layout.report.images[0]!.manifestDigest).toBe(reads.registry.report.images[0]!.manifestDigest);
  });

  it('lists the same packages', () => {
    const packages = (report: JsonReport): string[] => report.images[0]!.packages.map((pkg) => pkg.purl).sort();
    const expected = packages(reads.registry.report);
    expect(expected.filter((purl) => purl.startsWith('pkg:deb/debian/'))).toHaveLength(3);
    expect(packages(reads.layout.report)).toEqual(expected);
    expect(packages(reads.archive.report)).toEqual(expected);
  });

  it('reports the same findings: rule, path, layer and layer digest (an archive\'s layer is its uncompressed tar, so its digest is the diff_id)', () => {
    const findings = (report: JsonReport, digestOf: (layer: number) => string | undefined): string[] => report.findings.map((finding) => {
      const layer = finding.properties?.['layer'] as number | undefined;
      expect(finding.properties?.['layerDigest']).toBe(layer === undefined ? undefined : digestOf(layer));
      return `${finding.ruleId} ${finding.location.path} ${layer ?? '-'}`;
    }).sort();
    const blobDigest = (report: JsonReport) => (layer: number): string | undefined => report.images[0]!.layers[layer]?.digest;
    const expected = findings(reads.registry.report, blobDigest(reads.registry.report));
    expect(expected).toContain('secret-aws-access-key opt/app/.env 1');
    expect(findings(reads.layout.report, blobDigest(reads.registry.report))).toEqual(expected);
    expect(findings(reads.archive.report, (layer) => reads.registry.report.images[0]!.layers[layer]?.diffId)).toEqual(expected);
    for (const { report } of Object.values(reads)) expect(JSON.stringify(report)).not.toContain(AWS_KEY);
  });
});
