import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runPin } from '../src/pin/run-pin.js';
import { GitRefResolver } from '../src/resolve/git-refs.js';
import { HttpRegistryClient } from '../src/resolve/registry-client.js';
import { getManifest, pushImage, putManifest, startRegistry } from '../test/helpers/registry.js';

const REPOSITORIES = 4;
const TAGS_PER_REPOSITORY = 50;
const FILES = 100;
const CONTAINERS_PER_FILE = 10;

/**
 * `rampart pin` over 1,000 image references (200 unique: 4 repositories × 50 tags) against a local
 * docker-registry. Baseline: the same 200 unique tags asked with one plain HEAD each, one after
 * another (what a client without concurrency pays at least).
 */
export async function run(): Promise<void> {
  const registry = await startRegistry();
  const scratch = await mkdtemp(path.join(tmpdir(), 'rampart-pin-bench-'));
  try {
    const references: string[] = [];
    for (let repository = 0; repository < REPOSITORIES; repository++) {
      const name = `bench/service-${repository}`;
      const image = await pushImage(registry, name, 'seed');
      for (let tag = 0; tag < TAGS_PER_REPOSITORY; tag++) {
        // its own manifest per tag (same layers, an annotation apart), as real releases have
        const manifest = JSON.parse((await getManifest(registry, name, image.digest)).body.toString('utf8')) as Record<string, unknown>;
        const body = Buffer.from(JSON.stringify({ ...manifest, annotations: { 'org.opencontainers.image.version': `1.${tag}.0` } }));
        await putManifest(registry, name, `1.${tag}.0`, body, image.mediaType);
        references.push(`${registry.host}/${name}:1.${tag}.0`);
      }
    }
    const repo = path.join(scratch, 'repo');
    await mkdir(repo);
    for (let file = 0; file < FILES; file++) {
      const containers = Array.from({ length: CONTAINERS_PER_FILE }, (_, n) => {
        const image = references[(file * CONTAINERS_PER_FILE + n) % references.length] ?? '';
        return `        - name: c${n}\n          image: ${image}\n`;
      }).join('');
      await writeFile(path.join(repo, `deploy-${file}.yaml`),
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d${file}\nspec:\n  template:\n    spec:\n      containers:\n${containers}`);
    }

    const baselineStart = performance.now();
    for (const reference of references) {
      const [, name, tag] = /^[^/]+\/(.+):([^:]+)$/.exec(reference) ?? [];
      const response = await fetch(`${registry.url}/v2/${name ?? ''}/manifests/${tag ?? ''}`, {
        method: 'HEAD',
        headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
      });
      await response.arrayBuffer();
    }
    const baselineMs = performance.now() - baselineStart;

    const client = new HttpRegistryClient({ insecureRegistries: [registry.host] });
    const started = performance.now();
    const result = await runPin(repo, { registry: client, git: new GitRefResolver() });
    const pinMs = performance.now() - started;
    await client.close();

    const again = new HttpRegistryClient({ insecureRegistries: [registry.host] });
    const second = await runPin(repo, { registry: again, git: new GitRefResolver() });
    await again.close();

    const line = (label: string, value: string): void => void process.stdout.write(`${label.padEnd(44)} ${value}\n`);
    line('image references / unique', `${FILES * CONTAINERS_PER_FILE} / ${references.length}`);
    line('baseline: 200 sequential HEADs (plain fetch)', `${baselineMs.toFixed(0)} ms`);
    line('rampart pin: wall time (read, resolve, write)', `${pinMs.toFixed(0)} ms  (target < 5000 ms)`);
    line('rampart pin: references pinned', `${result.plan.pinned.length} in ${result.changes.length} files, ${result.plan.failures.length} failed`);
    line('rampart pin: unique references resolved', `${result.plan.resolutions}`);
    line('rampart pin: registry requests', `${client.requestCount} (HEAD + verified GET per unique reference: ${2 * references.length})`);
    line('second run: references pinned / requests', `${second.plan.pinned.length} / ${again.requestCount}`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
    await registry.stop();
  }
}
