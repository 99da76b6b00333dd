import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { startServer, forward } from './helpers/http-servers.js';
import { pushImage, pushIndex, startRegistry, tagManifest, type LocalRegistry, type PushedImage } from './helpers/registry.js';

let registry: LocalRegistry;
let scratch: string;
let v1: PushedImage;
let v2: PushedImage;
let multi: PushedImage;
const commits: Record<string, string> = {};
const savedEnv = { ...process.env };

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
  }).trim();
}

/** A git repository standing in for github.com/acme/<name>: tag v1.2.0 (annotated), then main moves on. */
async function makeRemote(name: string): Promise<void> {
  const directory = path.join(scratch, 'github', 'acme', name);
  await mkdir(directory, { recursive: true });
  git(directory, ['init', '-q', '-b', 'main']);
  await writeFile(path.join(directory, 'README'), 'one\n');
  git(directory, ['add', '.']);
  git(directory, ['commit', '-q', '-m', 'first']);
  git(directory, ['tag', '-a', 'v1.2.0', '-m', 'release']);
  commits[`${name}@v1.2.0`] = git(directory, ['rev-parse', 'HEAD']);
  await writeFile(path.join(directory, 'README'), 'two\n');
  git(directory, ['commit', '-q', '-am', 'second']);
  commits[`${name}@main`] = git(directory, ['rev-parse', 'HEAD']);
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'rampart-pin-'));
  registry = await startRegistry();
  v1 = await pushImage(registry, 'team/app', 'v1');
  v2 = await pushImage(registry, 'team/app', 'v2');
  const arm = await pushImage(registry, 'team/app', 'v1-arm64', { architecture: 'arm64' });
  multi = await pushIndex(registry, 'team/app', 'multi', [v1, arm]);
  await makeRemote('actions-lib');
  await makeRemote('platform');
  await makeRemote('tf-modules');
  // git itself maps https://github.com/ to the local repositories: no network. Through a global
  // config file, as a user would set it: Rampart's git calls drop GIT_CONFIG_COUNT and its pairs
  const gitconfig = path.join(scratch, 'gitconfig');
  await writeFile(gitconfig, `[url "file://${scratch}/github/"]\n\tinsteadOf = https://github.com/\n`);
  process.env['GIT_CONFIG_GLOBAL'] = gitconfig;
});

afterAll(async () => {
  process.env = savedEnv;
  await registry?.stop();
  await rm(scratch, { recursive: true, force: true });
});

/** The repository before pinning: each file exactly as written, and as it must be afterwards. */
function repositoryFiles(host: string): Record<string, { before: string; after: string }> {
  const app = `${host}/team/app`;
  const sha = (key: string): string => commits[key] ?? '';
  const deployBefore = [
    '\uFEFFapiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web  # the web tier', 'spec:', '  template:', '    spec:', '      containers:',
    '        - name: app', `          image: "${app}:v1"   # quoted, comment kept`,
    '        - name: side', `          image: '${app}:multi'`,
    '        - name: plain', `          image: ${app}:v1`,
    '        - name: pinned', `          image: ${app}:v2@${v2.digest}`,
    '        - name: templated', '          image: "{{ .Values.image }}"', '',
  ].join('\r\n');
  const kustomizationBefore = [
    'resources:', '  - deploy.yaml', `  - https://github.com/acme/platform//base?ref=v1.2.0`, '  - github.com/acme/platform/overlays/prod?ref=main',
    '  - https://github.com/acme/platform/releases/download/v1.2.0/crds.yaml',
    'images:', `  - name: app`, `    newName: ${app}`, `    newTag: v1`, '  - name: other', `    newName: ${app}`, '    newTag: "multi"  # index',
  ].join('\n');
  const valuesBefore = [
    'image:', `  registry: ${host}`, '  repository: team/app', '  tag: v1', '  pullPolicy: IfNotPresent', 'sidecar:',
    `  image: {repository: ${app}, tag: multi}`, 'third:', '  image:', `    repository: ${app}`, '    tag: v1', "    digest: ''", '',
  ].join('\n');
  const workflowBefore = [
    'on: push', 'jobs:', '  build:', '    runs-on: ubuntu-latest', '    steps:', '      - uses: acme/actions-lib@v1.2.0',
    '      - uses: "acme/actions-lib/setup@main" # set up', '      - uses: ./local-action', `      - uses: acme/actions-lib@${sha('actions-lib@v1.2.0')} # v1.2.0`, '',
  ].join('\n');
  const terraformBefore = ['module "vpc" {', '  source = "github.com/acme/tf-modules//vpc?ref=v1.2.0"', '}', ''].join('\n');
  return {
    'deploy.yaml': {
      before: deployBefore,
      after: deployBefore
        .replace(`"${app}:v1"`, `"${app}:v1@${v1.digest}"`)
        .replace(`'${app}:multi'`, `'${app}:multi@${multi.digest}'`)
        .replace(`image: ${app}:v1\r\n`, `image: ${app}:v1@${v1.digest}\r\n`),
    },
    'kustomization.yaml': {
      before: kustomizationBefore,
      after: kustomizationBefore
        .replace('?ref=v1.2.0', `?ref=${sha('platform@v1.2.0')} # v1.2.0`)
        .replace('?ref=main', `?ref=${sha('platform@main')} # main`)
        .replace('    newTag: v1', `    newTag: v1\n    digest: ${v1.digest}`)
        .replace('"multi"  # index', `"multi"  # index\n    digest: ${multi.digest}`),
    },
    'chart/values.yaml': {
      before: valuesBefore,
      after: valuesBefore
        .replace('  tag: v1\n', `  tag: v1\n  digest: ${v1.digest}\n`)
        .replace('tag: multi}', `tag: multi, digest: ${multi.digest}}`)
        .replace("digest: ''", `digest: '${v1.digest}'`),
    },
    'chart/Chart.yaml': { before: 'apiVersion: v2\nname: web\nversion: 1.0.0\n', after: 'apiVersion: v2\nname: web\nversion: 1.0.0\n' },
    Dockerfile: { before: `ARG BASE=${app}:v1\nFROM \${BASE} AS build\nFROM build\n`, after: `ARG BASE=${app}:v1@${v1.digest}\nFROM \${BASE} AS build\nFROM build\n` },
    '.github/workflows/ci.yml': {
      before: workflowBefore,
      after: workflowBefore
        .replace('acme/actions-lib@v1.2.0\n', `acme/actions-lib@${sha('actions-lib@v1.2.0')} # v1.2.0\n`)
        .replace('"acme/actions-lib/setup@main" # set up', `"acme/actions-lib/setup@${sha('actions-lib@main')}" # main # set up`),
    },
    'main.tf': { before: terraformBefore, after: terraformBefore.replace('?ref=v1.2.0"', `?ref=${sha('tf-modules@v1.2.0')}" # v1.2.0`) },
  };
}

async function writeRepository(directory: string, files: Record<string, { before: string }>): Promise<void> {
  for (const [name, { before }] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(directory, name)), { recursive: true });
    await writeFile(path.join(directory, name), before);
  }
}

async function readRepository(directory: string, names: readonly string[]): Promise<Record<string, string>> {
  const texts: Record<string, string> = {};
  for (const name of names) texts[name] = await readFile(path.join(directory, name), 'utf8');
  return texts;
}

describe('rampart pin against a real registry and real git remotes', () => {
  it('pins every reference byte-exactly, is idempotent, and --dry-run reports what it would do', async () => {
    const files = repositoryFiles(registry.host);
    const repo = path.join(scratch, 'repo');
    await writeRepository(repo, files);

    const dryRun = await runCli(['pin', repo, '--dry-run', '--insecure-registry', registry.host, '--quiet']);
    expect(dryRun.stderr).toBe('');
    expect(dryRun.code).toBe(1);
    expect(dryRun.stdout).toContain('--- a/deploy.yaml\n+++ b/deploy.yaml');
    expect(dryRun.stdout).toContain(`+  digest: ${v1.digest}`);
    expect(await readRepository(repo, Object.keys(files))).toEqual(Object.fromEntries(Object.entries(files).map(([name, texts]) => [name, texts.before])));

    const pinned = await runCli(['pin', repo, '--insecure-registry', registry.host]);
    expect(pinned.code, pinned.stderr).toBe(0);
    expect(pinned.stderr).toMatch(/pinned 14 references in 6 files \(7 unique.*; 1 left as is\n/);
    expect(pinned.stderr).toContain('left as is: kustomization.yaml:5 https://github.com/acme/platform/releases/download/v1.2.0/crds.yaml: a release asset');
    expect(await readRepository(repo, Object.keys(files))).toEqual(Object.fromEntries(Object.entries(files).map(([name, texts]) => [name, texts.after])));

    const modified = (await stat(path.join(repo, 'deploy.yaml'))).mtimeMs;
    const again = await runCli(['pin', '--insecure-registry', registry.host, '--insecure-registry', '10.0.0.1:5000', repo]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('pinned 0 references in 0 files');
    expect((await stat(path.join(repo, 'deploy.yaml'))).mtimeMs).toBe(modified);
    const check = await runCli(['pin', repo, '--dry-run', '--insecure-registry', registry.host, '--quiet']);
    expect(check).toMatchObject({ code: 0, stdout: '' });
  });

  it('lists references it cannot pin with the reason, pins the rest, and exits 2', async () => {
    const repo = path.join(scratch, 'broken');
    const app = `${registry.host}/team/app`;
    await mkdir(repo, { recursive: true });
    const pod = (image: string, name: string): string => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec:\n  containers:\n    - name: c\n      image: ${image}\n`;
    await writeFile(path.join(repo, 'good.yaml'), pod(`${app}:v1`, 'good'));
    await writeFile(path.join(repo, 'missing.yaml'), pod(`${app}:v9`, 'missing'));
    await writeFile(path.join(repo, 'malformed.yaml'), pod(`${app}:bad tag`, 'malformed'));
    await writeFile(path.join(repo, 'Dockerfile'), 'ARG VERSION=v1\nFROM 127.0.0.1/team/app:${VERSION}-slim\n');
    const result = await runCli(['pin', repo, '--insecure-registry', registry.host]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`not pinned: missing.yaml:7 ${app}:v9: not-found`);
    expect(result.stderr).toContain('not pinned: malformed.yaml:7');
    expect(result.stderr).toContain('malformed image reference');
    expect(result.stderr).toContain('left as is: Dockerfile:2 127.0.0.1/team/app:v1-slim: the reference is assembled from ARG values');
    expect(await readFile(path.join(repo, 'good.yaml'), 'utf8')).toBe(pod(`${app}:v1@${v1.digest}`, 'good'));
    expect(await readFile(path.join(repo, 'missing.yaml'), 'utf8')).toBe(pod(`${app}:v9`, 'missing'));
  });

  it('pins a full Istio image in place and leaves one joined from hub, image and tag, or derived from an operator version, to the user', async () => {
    const repo = path.join(scratch, 'istio');
    const app = `${registry.host}/team/app`;
    await mkdir(repo, { recursive: true });
    const before = `global:\n  hub: ${registry.host}/team\n  tag: v1\n  proxy:\n    image: app\npilot:\n  image: ${app}:v1\n  tag: v2\n`;
    await writeFile(path.join(repo, 'values.yaml'), before);
    // an operator's image derived from its version: no bytes to edit
    const eck = 'apiVersion: elasticsearch.k8s.elastic.co/v1\nkind: Elasticsearch\nmetadata: {name: logs}\nspec:\n  version: 8.14.0\n';
    await writeFile(path.join(repo, 'eck.yaml'), eck);
    const result = await runCli(['pin', repo, '--insecure-registry', registry.host]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`left as is: values.yaml:3 ${app}:v1: Istio joins hub, image and tag`);
    expect(result.stderr).toContain('left as is: eck.yaml:5 docker.elastic.co/elasticsearch/elasticsearch:8.14.0: ECK derives the image from spec.version');
    expect(await readFile(path.join(repo, 'eck.yaml'), 'utf8')).toBe(eck);
    expect(await readFile(path.join(repo, 'values.yaml'), 'utf8')).toBe(before.replace(`image: ${app}:v1`, `image: ${app}:v1@${v1.digest}`));
  });

  it('fails cleanly when the registry is down, naming the reference', async () => {
    const repo = path.join(scratch, 'down');
    await mkdir(repo, { recursive: true });
    await writeFile(path.join(repo, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: 127.0.0.1:1/team/app:v1\n');
    const result = await runCli(['pin', repo, '--insecure-registry', '127.0.0.1:1', '--quiet', '--no-git-refs']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not pinned: pod\.yaml:7 127\.0\.0\.1:1\/team\/app:v1: unreachable: cannot reach 127\.0\.0\.1:1: ECONNREFUSED/);
    expect(await runCli(['pin', repo, '--insecure-registry', 'http://x/y'])).toMatchObject({ code: 2 });
  });
});

describe('rampart scan --resolve', () => {
  it('reports a tag moved after pinning and a missing tag; without --resolve it sends nothing', async () => {
    const first = await pushImage(registry, 'team/moving', 'stable');
    const counting = await startServer((request, response) => forward(registry, request, response));
    try {
      const repo = path.join(scratch, 'scan');
      await mkdir(repo, { recursive: true });
      const images = [`${counting.host}/team/moving:stable`, `${counting.host}/team/moving:gone`];
      await writeFile(path.join(repo, 'pod.yaml'), `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n${images.map((image, n) => `    - name: c${n}\n      image: ${image}\n`).join('')}`);
      const pinned = await runCli(['pin', repo, '--insecure-registry', counting.host, '--quiet']);
      expect(pinned.code).toBe(2);
      expect(await readFile(path.join(repo, 'pod.yaml'), 'utf8')).toContain(`moving:stable@${first.digest}`);

      const replacement = await pushImage(registry, 'team/moving', 'replacement', { files: { 'hello.txt': 'replaced by someone\n' } });
      await tagManifest(registry, 'team/moving', replacement.digest, 'stable');
      const before = counting.requests.length;
      const offline = await runCli(['scan', repo, '-f', 'json', '--fail-on', 'none']);
      expect(offline.code).toBe(0);
      expect(counting.requests.length).toBe(before);
      const offlineRules = (JSON.parse(offline.stdout) as { findings: Array<{ ruleId: string }> }).findings.map((finding) => finding.ruleId);
      expect(offlineRules).not.toContain('image-digest-drift');

      const online = await runCli(['scan', repo, '--resolve', '--insecure-registry', counting.host, '-f', 'json', '-r', 'image-digest-drift,image-not-found']);
      expect(online.code, online.stderr).toBe(1);
      const findings = (JSON.parse(online.stdout) as { findings: Array<{ ruleId: string; location: { line: number }; message: string }> }).findings;
      expect(findings.map((finding) => `${finding.ruleId}:${finding.location.line}`)).toEqual(['image-digest-drift:7', 'image-not-found:9']);
      expect(findings[0]?.message).toContain(first.digest);
    } finally {
      await counting.close();
    }
  });

  it('marks the scan incomplete when the registry cannot be reached', async () => {
    const repo = path.join(scratch, 'scan-down');
    await cp(path.join(scratch, 'down'), repo, { recursive: true });
    await writeFile(path.join(repo, 'pod.yaml'), `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: 127.0.0.1:1/team/app:v1@${v1.digest}\n`);
    const result = await runCli(['scan', repo, '--resolve', '--insecure-registry', '127.0.0.1:1', '-f', 'json', '-r', 'image-not-found', '-r', 'image-digest-drift']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('could not check images of 127.0.0.1:1 (unreachable)');
  });
});
