import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { headManifest, startRegistry, type LocalRegistry } from './helpers/registry.js';

const run = promisify(execFile);
const VERSION = (JSON.parse(await readFile('package.json', 'utf8')) as { version: string }).version;

/**
 * The release path end to end on loopback: the real scripts, skopeo, umoci, a real registry and
 * `rampart pin`, on a copy of deploy/. Building the image twice is the reproducibility check.
 */
describe('scripts/release-image.sh', () => {
  let registry: LocalRegistry;
  let work: string;
  beforeAll(async () => {
    registry = await startRegistry();
    work = await mkdtemp(path.join(tmpdir(), 'rampart-release-'));
    await cp('deploy', path.join(work, 'deploy'), { recursive: true });
  });
  afterAll(async () => {
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('builds one digest twice, pushes it, and pins deploy/ to it with rampart pin', async () => {
    const repository = `${registry.host}/rampart`;
    const deploy = path.join(work, 'deploy');
    const { stdout } = await run('scripts/release-image.sh', [VERSION, repository], {
      env: { ...process.env, DEPLOY_DIR: deploy, RELEASE_INSECURE_REGISTRY: '1', RAMPART_IMAGE_PREBUILT: '1', DOCKER_CONFIG: path.join(work, 'docker') },
      maxBuffer: 16 * 1024 * 1024,
    });
    const lines = stdout.trim().split('\n');
    const digest = lines[lines.length - 1]!;
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(stdout).toContain(`built ${digest} twice`);
    expect((await headManifest(registry, 'rampart', VERSION)).digest).toBe(digest);

    const deployment = await readFile(path.join(deploy, 'admission/deployment.yaml'), 'utf8');
    expect(deployment).toContain(`image: ${repository}:${VERSION}@${digest}\n`);
    const values = parse(await readFile(path.join(deploy, 'helm/rampart-admission/values.yaml'), 'utf8')) as { image: Record<string, string> };
    expect(values.image).toEqual({ repository, tag: VERSION, digest });
    const chart = parse(await readFile(path.join(deploy, 'helm/rampart-admission/Chart.yaml'), 'utf8')) as Record<string, string>;
    expect([chart['version'], chart['appVersion']]).toEqual([VERSION, VERSION]);
  }, 600_000);

  it('refuses a version that is not the package version, before building anything', async () => {
    const failed = await run('scripts/release-image.sh', ['99.0.0', `${registry.host}/rampart`], { env: { ...process.env, DEPLOY_DIR: path.join(work, 'deploy') } }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 2, stderr: expect.stringContaining(`package.json says ${VERSION}, the release is 99.0.0`) });
  });
});
