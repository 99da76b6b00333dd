import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { commitFiles, startGitDaemon, writeTree, type GitServer } from './helpers/deps-servers.js';
import { startServer, type TestServer } from './helpers/http-servers.js';
import { tarBytes } from './helpers/oci-layout.js';

let work: string;
let git: GitServer;
let registry: TestServer;
let gitBase: string;
const archives = new Map<string, Buffer>();

const vpcArchive = (image: string): Buffer => gzipSync(tarBytes([
  { name: 'main.tf', content: `resource "kubernetes_pod" "probe" {\n  spec {\n    container {\n      name  = "probe"\n      image = "${image}"\n    }\n  }\n}\n` },
  { name: 'modules/inner/main.tf', content: 'variable "x" {}\n' },
]));

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'rampart-deps-terraform-'));
  gitBase = path.join(work, 'git');
  await mkdir(gitBase, { recursive: true });
  await commitFiles(gitBase, 'consul', { 'main.tf': 'module "helper" {\n  source = "git::GITURL/helper.git"\n}\n' }, 'v0.2.0');
  git = await startGitDaemon(gitBase);
  // the consul module's own module points at the loopback daemon, without a ref
  await commitFiles(gitBase, 'consul', { 'main.tf': `module "helper" {\n  source = "git::${git.url}/helper.git"\n}\n` }, 'v0.2.0', { force: true });
  await commitFiles(gitBase, 'helper', { 'main.tf': 'output "ok" { value = true }\n' });
  archives.set('/archives/vpc-1.0.0.tar.gz', vpcArchive('nginx:1.25'));
  registry = await startServer((request, response) => {
    const url = request.url ?? '';
    const send = (status: number, body = '', headers: Record<string, string> = {}): void => {
      for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
      response.statusCode = status;
      response.end(body);
    };
    if (url === '/.well-known/terraform.json') return send(200, JSON.stringify({ 'modules.v1': '/v1/modules/' }));
    if (url === '/v1/modules/acme/consul/aws/versions') return send(200, JSON.stringify({ modules: [{ versions: [{ version: '0.1.0' }, { version: '0.2.0' }, { version: '1.0.0' }] }] }));
    if (url === '/v1/modules/acme/consul/aws/0.2.0/download') return send(204, '', { 'x-terraform-get': `git::${git.url}/consul.git?ref=v0.2.0` });
    if (url === '/v1/modules/acme/vpc/aws/versions') return send(200, JSON.stringify({ modules: [{ versions: [{ version: '1.0.0' }] }] }));
    if (url === '/v1/modules/acme/vpc/aws/1.0.0/download') return send(204, '', { 'x-terraform-get': '/archives/vpc-1.0.0.tar.gz' });
    const archive = archives.get(url);
    if (archive) return send(200, archive as unknown as string);
    return send(404);
  });
});

afterAll(async () => {
  await registry?.close();
  await git?.stop();
  await rm(work, { recursive: true, force: true });
});

describe('Terraform registry modules', () => {
  it('discovers the registry, picks the version the constraint allows, fetches what X-Terraform-Get names, locks, analyses and verifies it', async () => {
    const root = await writeTree(path.join(work, 'repo'), {
      'infra/main.tf': `module "consul" {
  source  = "${registry.host}/acme/consul/aws"
  version = "~> 0.1"
}

module "vpc" {
  source  = "${registry.host}/acme/vpc/aws"
  version = "1.0.0"
}
`,
    });
    const flags = ['--cache-dir', path.join(work, 'cache'), '--insecure-registry', registry.host, '-q'];
    const locked = await runCli(['deps', 'lock', root, ...flags]);
    expect(locked.stderr).toBe('');
    expect(locked.code).toBe(0);
    const lock = await readFile(path.join(root, 'rampart.lock'), 'utf8');
    expect(lock).toMatch(new RegExp(`type: terraform\\n    source: ${registry.host.replace(/\./g, '\\.')}/acme/consul/aws\\n    asked: "?~> 0\\.1"?\\n    version: 0\\.2\\.0\\n    commit: [0-9a-f]{40}`));
    expect(lock).toMatch(/source: .*\/acme\/vpc\/aws\n {4}asked: 1\.0\.0\n {4}version: 1\.0\.0\n {4}sha256: sha256:[0-9a-f]{64}/);
    // the consul module's own git module was fetched too
    expect(lock).toContain(`source: ${git.url}/helper.git`);

    const scanned = await runCli(['scan', root, ...flags, '--deps', '-f', 'json', '-r', 'image-not-pinned,terraform-module-unpinned']);
    const findings = JSON.parse(scanned.stdout).findings as Array<{ ruleId: string; location: { path: string; line: number }; properties?: Record<string, string> }>;
    expect(findings.map((finding) => [finding.ruleId, finding.location.line, finding.properties?.['dependency']])).toEqual([
      ['terraform-module-unpinned', 3, undefined], // the repository's own range
      ['terraform-module-unpinned', 3, `infra/main.tf module consul → module ${registry.host}/acme/consul/aws 0.2.0 → main.tf:2`],
      ['image-not-pinned', 8, `infra/main.tf module vpc → module ${registry.host}/acme/vpc/aws 1.0.0 → main.tf:5`],
    ]);

    archives.set('/archives/vpc-1.0.0.tar.gz', vpcArchive('evil.example/miner:1.0'));
    const verified = await runCli(['deps', 'verify', root, ...flags, '-f', 'json']);
    const changed = JSON.parse(verified.stdout).findings as Array<{ ruleId: string; location: { line: number } }>;
    expect(changed.map((finding) => [finding.ruleId, finding.location.line])).toEqual([['dependency-content-changed', 8]]);
  });

  it('names every S3 and GCS module source it does not fetch and says why, in deps fetch and scan --deps, also inside a fetched module', async () => {
    await commitFiles(gitBase, 'network', { 'main.tf': 'module "data" {\n  source = "gcs::https://www.googleapis.com/storage/v1/acme-modules/data.zip"\n}\n' }, 'v1');
    const root = await writeTree(path.join(work, 'buckets'), {
      'main.tf': `module "logs" {\n  source = "s3::https://s3-eu-west-1.amazonaws.com/acme-modules/logs.zip"\n}\n\nmodule "network" {\n  source = "git::${git.url}/network.git?ref=v1"\n}\n\nmodule "bucket" {\n  source = "acme-modules.s3.amazonaws.com/bucket.zip"\n}\n`,
    });
    const s3 = 'main.tf module logs: "s3::https://s3-eu-west-1.amazonaws.com/acme-modules/logs.zip" is an S3 bucket (go-getter s3::), which needs signed AWS requests; it was not fetched, so what it holds was not checked';
    const gcs = `main.tf module network → git ${git.url}/network.git v1 → main.tf:2: main.tf module data: "gcs::https://www.googleapis.com/storage/v1/acme-modules/data.zip" is a Google Cloud Storage bucket (go-getter gcs::), which needs signed Google requests; it was not fetched, so what it holds was not checked`;
    const fetched = await runCli(['deps', 'fetch', root, '--cache-dir', path.join(work, 'cache')]);
    expect(fetched.stderr).toContain(`rampart: left out: main.tf:2 ${s3}\n`);
    expect(fetched.stderr).toContain(`rampart: left out: main.tf:6 ${gcs}\n`);
    expect(fetched.stderr).toContain('rampart: left out: main.tf:10 main.tf module bucket: "acme-modules.s3.amazonaws.com/bucket.zip" is an S3 bucket');
    expect(fetched.code).toBe(0);

    const scanned = await runCli(['scan', root, '--deps', '--cache-dir', path.join(work, 'cache'), '-q', '-f', 'json', '-r', 'image-not-pinned']);
    const notes = (JSON.parse(scanned.stdout).diagnostics as Array<{ path: string; line: number; message: string; kind: string }>).filter((diagnostic) => diagnostic.message.startsWith('not fetched'));
    expect(notes.map((note) => [note.path, note.line, note.kind, note.message])).toEqual([
      ['main.tf', 2, 'note', `not fetched: ${s3}`],
      ['main.tf', 6, 'note', `not fetched: ${gcs}`],
      ['main.tf', 10, 'note', expect.stringContaining('is an S3 bucket')],
    ]);
    expect(scanned.code).toBe(0);
  });

  it('says clearly when the host is no Terraform registry or no version matches', async () => {
    const root = await writeTree(path.join(work, 'bad'), {
      'main.tf': `module "a" {\n  source  = "${registry.host}/acme/consul/aws"\n  version = ">= 5.0"\n}\n`,
    });
    const result = await runCli(['deps', 'fetch', root, '--cache-dir', path.join(work, 'cache'), '--insecure-registry', registry.host, '-q']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`/acme/consul/aws: no version matches ">= 5.0" (the registry lists 0.1.0, 0.2.0, 1.0.0)`);
  });
});
