import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { fluxHelmRelease, fluxHelmRepository, packChart, pushHelmChart, startChartRepository, writeTree, type ChartRepository } from './helpers/deps-servers.js';
import { tarBytes, type TarMember } from './helpers/oci-layout.js';
import { startRegistry, type LocalRegistry } from './helpers/registry.js';

let work: string;
let charts: ChartRepository;
let registry: LocalRegistry;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'rampart-deps-archives-'));
  [charts, registry] = await Promise.all([startChartRepository(), startRegistry()]);
});

afterAll(async () => {
  await charts?.close();
  await registry?.stop();
  await rm(work, { recursive: true, force: true });
});

const chartYaml = (name: string, repository: string, version = '1.0.0'): string => `apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: ${name}\n    version: ${version}\n    repository: ${repository}\n`;

/** A tar header whose size field holds `size` in GNU base-256 (sizes over 8 GiB), with no body after it. */
function hugeSizeHeader(name: string, size: number, typeflag: string): Buffer {
  const block = tarBytes([{ name, content: '', type: '0' }], { end: false }).subarray(0, 512);
  block[156] = typeflag.charCodeAt(0);
  block.fill(0, 124, 136);
  block[124] = 0x80;
  let rest = size;
  for (let index = 135; index > 124; index -= 1) {
    block[index] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

/** A chart whose `disk.img` header declares 10 GiB (a plain file, or GNU sparse `S`) with no body behind it. */
function withHugeEntry(name: string, typeflag: string): Buffer {
  const chart = tarBytes([{ name: `${name}/Chart.yaml`, content: `apiVersion: v2\nname: ${name}\nversion: 1.0.0\n` }], { end: false });
  return gzipSync(Buffer.concat([chart, hugeSizeHeader(`${name}/disk.img`, 10 * 1024 ** 3, typeflag), Buffer.alloc(1024)]));
}

const HOSTILE: ReadonlyArray<{ name: string; archive: () => Buffer; reason: RegExp }> = [
  { name: 'dotdot', archive: () => packChart('dotdot', '1.0.0', {}, [{ name: 'dotdot/../../../escaped-dotdot.txt', content: 'x' }]), reason: /climbs out of the archive with "\.\."/ },
  { name: 'absolute', archive: () => packChart('absolute', '1.0.0', {}, [{ name: `${'/tmp'}/rampart-escaped-absolute.txt`, content: 'x' }]), reason: /absolute or unsafe path/ },
  { name: 'symlink', archive: () => packChart('symlink', '1.0.0', {}, [{ name: 'symlink/templates', type: '2', linkname: '../../../../escaped-symlink' }, { name: 'symlink/templates/x.yaml', content: 'x' }]), reason: /is a link to "\.\.\/\.\.\/\.\.\/\.\.\/escaped-symlink", outside the archive/ },
  { name: 'hardlink', archive: () => packChart('hardlink', '1.0.0', {}, [{ name: 'hardlink/passwd', type: '1', linkname: '/etc/passwd' }]), reason: /is a link to "\/etc\/passwd", outside the archive/ },
  { name: 'sparse', archive: () => withHugeEntry('sparse', '0'), reason: /"sparse\/disk\.img" declares 10\.0 GiB, over the 32 MiB limit for one file/ },
  { name: 'gnusparse', archive: () => withHugeEntry('gnusparse', 'S'), reason: /not a valid tar archive: tar ends inside "gnusparse\/disk\.img"/ },
  { name: 'many', archive: () => packChart('many', '1.0.0', {}, Array.from({ length: 20_001 }, (_, index): TarMember => ({ name: `many/f/${index}`, content: '' }))), reason: /more than 20000 files/ },
];

describe('hostile dependency archives', () => {
  for (const hostile of HOSTILE) {
    it(`refuses a chart archive with ${hostile.name === 'many' ? 'too many files' : hostile.name === 'sparse' ? 'a file header declaring 10 GiB' : hostile.name === 'gnusparse' ? 'a 10 GiB GNU sparse file header' : `a ${hostile.name} entry`}, names it, writes nothing outside the cache`, async () => {
      charts.publish(hostile.name, '1.0.0', hostile.archive());
      const root = await writeTree(path.join(work, `repo-${hostile.name}`), { 'Chart.yaml': chartYaml(hostile.name, charts.url) });
      const cache = path.join(work, `cache-${hostile.name}`);
      const result = await runCli(['deps', 'fetch', root, '--cache-dir', cache, '-q']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`rampart: not fetched: Chart.yaml:6 Chart.yaml dependency ${hostile.name}: chart ${hostile.name} 1.0.0`);
      expect(result.stderr).toMatch(hostile.reason);
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
      // nothing escaped: no file beside the cache, in the work directory or /tmp, and no tree left in the cache
      expect(existsSync(path.join(work, 'escaped-dotdot.txt')) || existsSync(path.join(cache, '..', 'escaped-dotdot.txt'))).toBe(false);
      expect(existsSync('/tmp/rampart-escaped-absolute.txt')).toBe(false);
      expect((await readdir(work)).filter((name) => name.startsWith('escaped'))).toEqual([]);
      expect((await readdir(cache)).filter((name) => name !== 'blobs' && name !== 'trees')).toEqual([]);
      const trees = await readdir(path.join(cache, 'trees')).catch(() => []);
      expect(trees).toEqual([]);
    });
  }
});

const pushChart = (repository: string, tag: string, archive: Buffer, version: string): Promise<string> => pushHelmChart(registry, repository, tag, archive, version);

describe('OCI charts on a real registry', () => {
  it('fetches, locks, analyses and verifies a chart pushed with Helm\'s artifact media types, and catches a re-pushed tag', async () => {
    const first = await pushChart('charts/web', '2.0.0', packChart('web', '2.0.0', { 'templates/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  hostIPC: true\n' }), '2.0.0');
    const root = await writeTree(path.join(work, 'repo-oci'), {
      'flux.yaml': `${fluxHelmRepository(`oci://${registry.host}/charts`)}${fluxHelmRelease('web', 'web', '2.0.0')}`,
    });
    const flags = ['--cache-dir', path.join(work, 'cache-oci'), '--insecure-registry', registry.host, '-q'];
    const locked = await runCli(['deps', 'lock', root, ...flags]);
    expect(locked.stderr).toBe('');
    expect(locked.code).toBe(0);
    const lock = await readFile(path.join(root, 'rampart.lock'), 'utf8');
    expect(lock).toContain(`type: helm-oci\n    source: oci://${registry.host}/charts\n    chart: web\n    asked: 2.0.0`);
    expect(lock).toContain(`digest: ${first}`);

    const scanned = await runCli(['scan', root, '--deps', ...flags, '-f', 'json', '-r', 'workload-host-namespace']);
    const findings = JSON.parse(scanned.stdout).findings as Array<{ location: { path: string; line: number }; properties?: Record<string, string> }>;
    expect(findings.map((finding) => [finding.location.path, finding.location.line, finding.properties?.['dependency']])).toEqual([
      ['flux.yaml', 15, 'HelmRelease/web → chart web 2.0.0 → templates/pod.yaml:6'],
    ]);

    const second = await pushChart('charts/web', '2.0.0', packChart('web', '2.0.0', { 'templates/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n' }), '2.0.0');
    expect(second).not.toBe(first);
    const verified = await runCli(['deps', 'verify', root, ...flags, '-f', 'json']);
    const changed = JSON.parse(verified.stdout).findings as Array<{ ruleId: string; message: string }>;
    expect(changed.map((finding) => finding.ruleId)).toEqual(['dependency-content-changed']);
    expect(changed[0]?.message).toContain(`was locked at digest ${first} and now resolves to ${second}`);
    expect(verified.code).toBe(1);
  });
});
