import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tarBytes, writeLayout } from './helpers/oci-layout.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'rampart.js');
const built = existsSync(path.join(root, 'dist', 'bundle', 'main.js'));

/**
 * Node built-in modules the built CLI loads, as `process.moduleLoadList` names them at exit: what a
 * run costs before it does anything is mostly what it loads.
 */
async function builtinsLoaded(args: readonly string[], env: NodeJS.ProcessEnv, listFile: string): Promise<string[]> {
  const hook = `data:text/javascript,${encodeURIComponent(`import { writeFileSync } from 'node:fs'; process.on('exit', () => writeFileSync(${JSON.stringify(listFile)}, process.moduleLoadList.join('\\n')));`)}`;
  await promisify(execFile)(process.execPath, ['--import', hook, bin, ...args], { env: { ...process.env, ...env } });
  return (await readFile(listFile, 'utf8')).split('\n').filter((line) => line.startsWith('NativeModule ')).map((line) => line.slice('NativeModule '.length));
}

describe.skipIf(!built)('built-in modules of a run answered by the result cache (built CLI)', () => {
  let work: string;
  let layout: string;

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'rampart-hit-builtins-'));
    layout = path.join(work, 'layout');
    await writeLayout(layout, [{ tar: tarBytes([{ name: 'etc/os-release', content: 'ID=debian\nVERSION_ID=12\n' }, { name: 'var/lib/dpkg/status', content: 'Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2\nArchitecture: amd64\n\n' }]) }]);
  });

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('loads no child_process (nor net, dgram), v8 or perf_hooks for `--help` or for a cached image run', async () => {
    const env = { XDG_CACHE_HOME: path.join(work, 'cache') };
    const args = ['image', layout, '-f', 'json', '-o', path.join(work, 'report.json'), '--fail-on', 'none', '-q'];
    const first = await builtinsLoaded(args, env, path.join(work, 'first.txt'));
    // the first run reads the layer (its worker and zstd's spawn live in modules a hit never loads)
    expect(first).toContain('worker_threads');
    const hit = await builtinsLoaded(args, env, path.join(work, 'hit.txt'));
    expect(hit).not.toContain('worker_threads');
    expect(hit).not.toContain('child_process');
    expect(hit).not.toContain('dgram');
    // v8 only to set a flag before the first HTTP request or linear-time pattern; perf_hooks not at all
    expect(hit).not.toContain('v8');
    expect(hit).not.toContain('perf_hooks');
    const help = await builtinsLoaded(['image', '--help'], env, path.join(work, 'help.txt'));
    expect(help).not.toContain('child_process');
    expect(help).not.toContain('v8');
    expect(await builtinsLoaded(['--version'], env, path.join(work, 'version.txt'))).not.toContain('v8');
  });
});

if (!built) it.skip('needs `npm run build` (dist/bundle/main.js is absent)', () => undefined);
