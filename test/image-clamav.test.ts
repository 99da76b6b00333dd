import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeImage } from '../src/image/malware/analyze-image.js';
import { runCli } from './helpers/cli.js';
import { buildLayeredImage } from './helpers/image-build.js';
import { pushLayout, startRegistry, type LocalRegistry } from './helpers/registry.js';

/**
 * ClamAV as Debian ships it (clamscan, clamd) with a signature database written here: SHA-256 and
 * MD5 hash signatures of Debian's clamav-testfiles, never freshclam's downloads.
 */
const TESTFILES = '/usr/share/clamav-testfiles';
const haveClamAv = existsSync(path.join(TESTFILES, 'clam.exe')) && spawnSync('clamscan', ['--version']).status === 0;
const haveClamd = existsSync('/usr/sbin/clamd');

let work: string;
let infected: string;
let clean: string;
let database: string;
let clamd: ChildProcess | undefined;
let socket: string;

interface JsonFinding { ruleId: string; severity: string; message: string; location: { path: string }; properties: Record<string, string | number | boolean> }

async function hashSignature(file: string, algorithm: 'sha256' | 'md5', name: string): Promise<string> {
  const bytes = await readFile(path.join(TESTFILES, file));
  return `${createHash(algorithm).update(bytes).digest('hex')}:${bytes.length}:${name}\n`;
}

async function startClamd(): Promise<void> {
  const directory = path.join(work, 'clamd');
  await mkdir(directory, { recursive: true });
  socket = path.join(directory, 'clamd.sock');
  const config = path.join(directory, 'clamd.conf');
  await writeFile(config, [`LocalSocket ${socket}`, `DatabaseDirectory ${database}`, 'Foreground yes', `PidFile ${path.join(directory, 'clamd.pid')}`, 'StreamMaxLength 1M', ''].join('\n'));
  clamd = spawn('/usr/sbin/clamd', ['-c', config], { stdio: 'ignore' });
  for (let waited = 0; !existsSync(socket); waited += 100) {
    if (waited > 30_000 || clamd.exitCode !== null) throw new Error('clamd did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  if (!haveClamAv) return;
  work = await mkdtemp(path.join(tmpdir(), 'rampart-clamav-test-'));
  process.env['XDG_CACHE_HOME'] = path.join(work, 'cache');
  database = path.join(work, 'signatures');
  await mkdir(database);
  await writeFile(path.join(database, 'rampart-test.hsb'), await hashSignature('clam.exe', 'sha256', 'Rampart.Test.ClamExe'));
  await writeFile(path.join(database, 'rampart-test.hdb'), await hashSignature('clam-upx.exe', 'md5', 'Rampart.Test.ClamUpx'));
  const testFile = (name: string): Promise<Buffer> => readFile(path.join(TESTFILES, name));
  const benign = { 'usr/bin/ls': await readFile('/usr/bin/ls'), 'etc/motd': 'hello\n' };
  infected = await buildLayeredImage(work, 'infected', 'v1', [
    { files: benign, modes: { 'usr/bin/ls': 0o755 } },
    // ClamAV reads every file, not only executables: a Windows binary as data, one inside a zip, a packed one
    { files: { 'srv/www/download/setup.exe': await testFile('clam.exe'), 'srv/www/download/bundle.zip': await testFile('clam.zip'), 'opt/tools/packed.bin': await testFile('clam-upx.exe') }, createdBy: 'COPY download/ /srv/www/download/' },
    { remove: ['srv/www/download/setup.exe'], createdBy: 'RUN rm /srv/www/download/setup.exe' },
  ]);
  clean = await buildLayeredImage(work, 'clean', 'v1', [{ files: benign, modes: { 'usr/bin/ls': 0o755 } }]);
  if (haveClamd) await startClamd();
}, 180_000);

afterAll(async () => {
  clamd?.kill();
  if (work) await rm(work, { recursive: true, force: true });
});

function clamFindings(findings: readonly JsonFinding[]): string[][] {
  return findings
    .filter((finding) => finding.ruleId === 'image-malware' && finding.properties['engine'] === 'clamav')
    .map((finding) => [finding.location.path, String(finding.properties['signature']), String(finding.properties['layer'])])
    .sort();
}

const EXPECTED = [
  ['opt/tools/packed.bin', 'Rampart.Test.ClamUpx.UNOFFICIAL', '1'],
  ['srv/www/download/bundle.zip', 'Rampart.Test.ClamExe.UNOFFICIAL', '1'],
  ['srv/www/download/setup.exe', 'Rampart.Test.ClamExe.UNOFFICIAL', '1'],
];

describe.skipIf(!haveClamAv)('image-malware with ClamAV (clamscan)', () => {
  it('reports each file ClamAV names, with signature, layer and history step, also one a later layer deleted and one inside a zip', async () => {
    const result = await runCli(['image', `${infected}:v1`, '--clamav', '--clamav-db', database, '--no-cache', '-f', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const findings = (JSON.parse(result.stdout) as { findings: JsonFinding[] }).findings;
    expect(clamFindings(findings)).toEqual(EXPECTED);
    const setup = findings.find((finding) => finding.location.path === 'srv/www/download/setup.exe' && finding.properties['engine'] === 'clamav')!;
    expect(setup.severity).toBe('critical');
    expect(setup.message).toContain('Rampart.Test.ClamExe.UNOFFICIAL according to ClamAV');
    expect(setup.message).toContain('still in the image');
    expect(setup.properties['deletedInLaterLayer']).toBe(true);
    expect(setup.properties['historyStep']).toContain('COPY download/');
    expect(setup.properties['clamav']).toMatch(/^clamscan ClamAV \d/);
  });

  it('reports nothing on an image of ordinary files', async () => {
    const result = await runCli(['image', `${clean}:v1`, '--clamav', '--clamav-db', database, '--no-cache', '-f', 'json']);
    expect(result.code).toBe(0);
    expect(clamFindings((JSON.parse(result.stdout) as { findings: JsonFinding[] }).findings)).toEqual([]);
  });

  it('keeps cached layers\' verdicts, and scans again when the signatures change', async () => {
    const cache = path.join(work, 'cache-clam');
    const first = await analyzeImage(`${infected}:v1`, { cacheDirectory: cache, clamav: { database } });
    const again = await analyzeImage(`${infected}:v1`, { cacheDirectory: cache, clamav: { database } });
    expect(again.analysis.scannedFiles).toBe(0);
    expect(again.findings.map((finding) => finding.fingerprint).sort()).toEqual(first.findings.map((finding) => finding.fingerprint).sort());
    const changed = path.join(work, 'signatures-changed');
    await mkdir(changed, { recursive: true });
    await writeFile(path.join(changed, 'only-upx.hdb'), await hashSignature('clam-upx.exe', 'md5', 'Rampart.Test.OnlyUpx'));
    const other = await analyzeImage(`${infected}:v1`, { cacheDirectory: cache, clamav: { database: changed } });
    expect(other.findings.filter((finding) => finding.properties?.['engine'] === 'clamav').map((finding) => finding.properties?.['signature'])).toEqual(['Rampart.Test.OnlyUpx.UNOFFICIAL']);
  });

  it('says clearly when the database is missing or empty, or ClamAV is not installed (exit 2)', async () => {
    const empty = path.join(work, 'empty-db');
    await mkdir(empty, { recursive: true });
    const none = await runCli(['image', `${clean}:v1`, '--clamav', '--clamav-db', empty, '--no-cache']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`no ClamAV signature files (.cvd, .cld, .hdb, .hsb, .ndb, .ldb, …) in ${empty}`);
    const missing = await runCli(['image', `${clean}:v1`, '--clamav', '--clamav-db', path.join(work, 'nowhere'), '--no-cache']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nowhere does not exist');
    const savedPath = process.env['PATH'];
    process.env['PATH'] = path.join(work, 'no-tools');
    try {
      const absent = await runCli(['image', `${clean}:v1`, '--clamav', '--clamav-db', database, '--no-cache']);
      expect(absent.code).toBe(2);
      expect(absent.stderr).toContain('--clamav: ClamAV is not installed here');
      expect(absent.stderr).not.toMatch(/\n\s+at /);
    } finally {
      process.env['PATH'] = savedPath;
    }
    const stray = await runCli(['image', `${clean}:v1`, '--clamav-db', database]);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('--clamav-db is for --clamav');
  });
});

describe.skipIf(!haveClamAv || !haveClamd)('image-malware with ClamAV (clamd, INSTREAM)', () => {
  it('gives the same findings through clamd\'s socket as clamscan', async () => {
    const result = await runCli(['image', `${infected}:v1`, '--clamav', '--clamd-socket', socket, '--no-cache', '-f', 'json']);
    expect(result.code).toBe(1);
    const findings = (JSON.parse(result.stdout) as { findings: JsonFinding[] }).findings;
    expect(clamFindings(findings)).toEqual(EXPECTED);
    expect(findings.find((finding) => finding.properties['engine'] === 'clamav')!.properties['clamav']).toMatch(/^clamd ClamAV \d/);
  });

  it('reports files over clamd\'s StreamMaxLength as not scanned, and a dead socket as an error', async () => {
    const big = await buildLayeredImage(work, 'big', 'v1', [{ files: { 'srv/blob.bin': Buffer.alloc(2 * 1024 * 1024, 7) } }]);
    const run = await analyzeImage(`${big}:v1`, { cacheDirectory: false, clamav: { socket } });
    expect(run.diagnostics.map((diagnostic) => diagnostic.message).join('\n')).toMatch(/ClamAV could not scan 1 files of layer 0: srv\/blob\.bin: clamd: (INSTREAM size limit exceeded|closed the stream before reading all of it \(over its StreamMaxLength\?\))/);
    const dead = await runCli(['image', `${clean}:v1`, '--clamav', '--clamd-socket', path.join(work, 'no.sock'), '--no-cache']);
    expect(dead.code).toBe(2);
    expect(dead.stderr).toMatch(/--clamav: clamd does not answer on \S+no\.sock/);
  });
});

describe.skipIf(!haveClamAv)('scan --analyze-images --clamav', () => {
  let registry: LocalRegistry | undefined;
  afterAll(async () => {
    await registry?.stop();
  });

  it('reports ClamAV\'s findings at the manifest line that deploys the image', async () => {
    registry = await startRegistry();
    const pushed = await pushLayout(registry, infected, 'v1', 'team/downloads', '1.0');
    const reference = `${registry.host}/team/downloads@${pushed.digest}`;
    const repo = path.join(work, 'repo');
    await mkdir(repo, { recursive: true });
    await writeFile(path.join(repo, 'web.yaml'), `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ${reference}\n`);
    const result = await runCli(['scan', repo, '--analyze-images', '--insecure-registry', registry.host, '--clamav', '--clamav-db', database, '--db', path.join(work, 'no-db'), '-f', 'json', '-q']);
    expect(result.code).toBe(1);
    const findings = (JSON.parse(result.stdout) as { findings: Array<JsonFinding & { location: { path: string; line: number } }> }).findings.filter((finding) => finding.properties['engine'] === 'clamav');
    expect(findings.map((finding) => [finding.location.path, finding.location.line, finding.properties['path'], finding.properties['signature']]).sort()).toEqual(
      EXPECTED.map(([file, signature]) => ['web.yaml', 10, file, signature]),
    );
    const stray = await runCli(['scan', repo, '--clamav']);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('--clamav needs --analyze-images');
    const empty = path.join(work, 'empty-db-scan');
    await mkdir(empty, { recursive: true });
    const noSignatures = await runCli(['scan', repo, '--analyze-images', '--insecure-registry', registry.host, '--clamav', '--clamav-db', empty]);
    expect(noSignatures.code).toBe(2);
    expect(noSignatures.stderr).toContain('no ClamAV signature files');
  }, 120_000);
});

// registered only when ClamAV is missing, so a full run with it installed reports no skipped test
if (!haveClamAv) {
  describe('image-malware with ClamAV', () => {
    it.skip('needs Debian\'s clamav and clamav-testfiles (apt-get install clamav clamav-testfiles clamav-daemon)', () => undefined);
  });
}
