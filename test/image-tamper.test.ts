import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeImage } from '../src/image/malware/analyze-image.js';
import type { Finding } from '../src/model/finding.js';
import { debianRoot, distrolessRoot } from './helpers/debian-rootfs.js';
import { buildLayeredImage, run } from './helpers/image-build.js';

/** packages of a small Debian base, taken from this machine as dpkg installed them */
const DEBIAN_BASE = ['base-files', 'coreutils', 'bash', 'dash', 'libc6', 'passwd', 'login', 'dpkg', 'grep', 'sed', 'tar', 'gzip', 'findutils', 'debianutils', 'hostname', 'libacl1', 'libattr1', 'libselinux1', 'libpcre2-8-0', 'libgmp10', 'libtinfo6', 'mawk', 'ncurses-base'];
const DISTROLESS_BASE = ['base-files', 'libc6', 'netbase'].filter((name) => existsSync(`/var/lib/dpkg/info/${name}.list`) || existsSync(`/var/lib/dpkg/info/${name}:amd64.list`));
/** a real UPX-packed executable, from Debian's clamav-testfiles */
const UPX_SAMPLE = '/usr/share/clamav-testfiles/clam-upx.exe';

let work: string;
const images: Record<string, string> = {};

async function goBinary(directory: string): Promise<Buffer> {
  await mkdir(directory, { recursive: true });
  await writeFile(path.join(directory, 'go.mod'), 'module example.com/server\n\ngo 1.19\n');
  await writeFile(path.join(directory, 'main.go'), 'package main\n\nimport "net/http"\n\nfunc main() { _ = http.ListenAndServe(":8080", http.FileServer(http.Dir("/srv"))) }\n');
  const env = { ...process.env, GOCACHE: path.join(directory, 'cache'), GOPATH: path.join(directory, 'gopath'), GOFLAGS: '-mod=mod', GOPROXY: 'off', CGO_ENABLED: '0' };
  await run('go', ['build', '-o', 'server', '.'], { cwd: directory, env });
  return readFile(path.join(directory, 'server'));
}

async function findingsOf(name: string): Promise<Finding[]> {
  return (await analyzeImage(images[name]!, { cacheDirectory: false })).findings;
}

const byRule = (findings: readonly Finding[], ruleId: string): Finding[] => findings.filter((finding) => finding.ruleId === ruleId);

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'rampart-tamper-test-'));
  const debian = path.join(work, 'debian-root');
  await debianRoot(debian, DEBIAN_BASE);
  const distroless = path.join(work, 'distroless-root');
  await distrolessRoot(distroless, DISTROLESS_BASE);
  const server = await goBinary(path.join(work, 'go'));
  const sleep = await readFile('/usr/bin/sleep');
  images['debian'] = `${await buildLayeredImage(work, 'debian', 'v1', [{ trees: [debian], createdBy: 'ADD rootfs.tar.xz /' }])}:v1`;
  images['tampered'] = `${await buildLayeredImage(work, 'tampered', 'v1', [
    { trees: [debian], createdBy: 'ADD rootfs.tar.xz /' },
    { files: { 'usr/bin/ls': sleep, 'etc/login.defs': 'UMASK 000\n', 'usr/sbin/kworkerd': sleep, 'usr/local/sbin/helper': sleep, ...(existsSync(UPX_SAMPLE) ? { 'usr/local/bin/agent': await readFile(UPX_SAMPLE) } : {}) },
      modes: { 'usr/bin/ls': 0o755, 'usr/sbin/kworkerd': 0o755, 'usr/local/sbin/helper': 0o4755, ...(existsSync(UPX_SAMPLE) ? { 'usr/local/bin/agent': 0o755 } : {}) },
      createdBy: 'RUN cp /tmp/payload /usr/bin/ls && cp /tmp/payload /usr/sbin/kworkerd' },
  ])}:v1`;
  images['distroless'] = `${await buildLayeredImage(work, 'distroless', 'v1', [{ trees: [distroless] }, { files: { 'app/server': server }, modes: { 'app/server': 0o755 } }])}:v1`;
  images['distroless-shell'] = `${await buildLayeredImage(work, 'distroless-shell', 'v1', [
    { trees: [distroless] },
    { files: { 'app/server': server, 'bin/sh': await readFile('/usr/bin/dash') }, modes: { 'app/server': 0o755, 'bin/sh': 0o755 }, createdBy: 'COPY --from=debug /bin/sh /bin/sh' },
  ])}:v1`;
  images['go-static'] = `${await buildLayeredImage(work, 'go-static', 'v1', [{ files: { 'server': server, 'etc/ssl/certs/ca-certificates.crt': '' }, modes: { server: 0o755 } }])}:v1`;
}, 240_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('ordinary images are clean', () => {
  it.each(['debian', 'distroless', 'go-static'])('%s: no finding at all', async (name) => {
    const findings = await findingsOf(name);
    expect(findings.map((finding) => `${finding.ruleId} ${finding.location.path}`)).toEqual([]);
  });
});

describe('tampering', () => {
  let findings: Finding[];
  beforeAll(async () => { findings = await findingsOf('tampered'); });

  it('reports a packaged binary replaced by a later layer, naming the package, the digests, the layer and its history step', () => {
    const [ls, ...others] = byRule(findings, 'image-tampered-package-file').filter((finding) => finding.severity === 'critical');
    expect(others).toEqual([]);
    expect(ls?.location.path).toBe('usr/bin/ls');
    expect(ls?.properties).toMatchObject({ package: 'coreutils', packageType: 'deb', digestAlgorithm: 'md5', layer: 1, historyStep: expect.stringContaining('cp /tmp/payload /usr/bin/ls') });
    expect(ls?.message).toContain('coreutils');
  });

  it('reports an edited conffile as info', () => {
    const conffiles = byRule(findings, 'image-tampered-package-file').filter((finding) => finding.severity === 'info');
    expect(conffiles.map((finding) => [finding.location.path, finding.properties?.['package'], finding.properties?.['conffile']])).toEqual([['etc/login.defs', 'login', true]]);
  });

  it('reports an executable no package owns in a system directory, not in /usr/local', () => {
    expect(byRule(findings, 'image-unowned-executable').map((finding) => finding.location.path)).toEqual(['usr/sbin/kworkerd']);
  });

  it('reports a setuid file no package owns, and none of the packaged setuid programs', () => {
    expect(byRule(findings, 'image-unowned-setuid').map((finding) => [finding.location.path, finding.properties?.['mode']])).toEqual([['usr/local/sbin/helper', '04755']]);
  });

  it.skipIf(!existsSync(UPX_SAMPLE))('reports a UPX-packed executable', () => {
    expect(byRule(findings, 'image-packed-executable').map((finding) => [finding.location.path, finding.properties?.['packer']])).toEqual([['usr/local/bin/agent', 'UPX']]);
  });
});

describe('minimal images', () => {
  it('reports a shell added to a distroless image', async () => {
    const findings = await findingsOf('distroless-shell');
    expect(byRule(findings, 'image-shell-in-minimal-image').map((finding) => [finding.location.path, finding.properties?.['historyStep']])).toEqual([['usr/bin/sh', 'COPY --from=debug /bin/sh /bin/sh']]);
  });
});
