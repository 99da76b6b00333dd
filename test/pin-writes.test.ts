import { execFileSync, spawn } from 'node:child_process';
import { existsSync, watch } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT } from './cli-run.js';
import { runCli } from './helpers/cli.js';
import { pushImage, startRegistry, type LocalRegistry, type PushedImage } from './helpers/registry.js';

let registry: LocalRegistry;
let image: PushedImage;
let scratch: string;
const TEMPORARY = /\.rampart-.*\.tmp$/;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'rampart-pin-writes-'));
  registry = await startRegistry();
  image = await pushImage(registry, 'team/app', 'v1');
});
afterAll(async () => {
  await registry?.stop();
  await rm(scratch, { recursive: true, force: true });
});

const pod = (name: string, reference: string): string =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec:\n  containers:\n    - name: c\n      image: ${reference}\n`;

async function repository(name: string, files: Record<string, string>): Promise<string> {
  const root = path.join(scratch, name);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  return root;
}

async function temporaries(directory: string): Promise<string[]> {
  return (await readdir(directory, { recursive: true })).filter((name) => TEMPORARY.test(name));
}

/**
 * Makes `file` impossible to replace: immutable (`chattr +i`, which binds root too) or, for a
 * user other than root where chattr is refused, a read-only directory. Returns how to undo it.
 */
function makeUnreplaceable(file: string): (() => void) | string {
  try {
    execFileSync('chattr', ['+i', file], { stdio: 'ignore' });
    return () => execFileSync('chattr', ['-i', file], { stdio: 'ignore' });
  } catch {
    if (process.getuid?.() === 0) return 'chattr +i is not supported here and root ignores permission bits';
    execFileSync('chmod', ['a-w', path.dirname(file)]);
    return () => execFileSync('chmod', ['u+w', path.dirname(file)]);
  }
}

describe('rampart pin writing files', () => {
  it('pins every file it can when one cannot be replaced, names that one, counts only what changed, exits 2', async (context) => {
    const reference = `${registry.host}/team/app:v1`;
    const root = await repository('immutable', { 'a/pod.yaml': pod('a', reference), 'b/pod.yaml': pod('b', reference), 'c/pod.yaml': pod('c', reference) });
    const undo = makeUnreplaceable(path.join(root, 'b', 'pod.yaml'));
    if (typeof undo === 'string') {
      console.log(`skipped: ${undo}`);
      context.skip();
      return;
    }
    try {
      const result = await runCli(['pin', root, '--insecure-registry', registry.host, '--no-git-refs']);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/not written: b\/pod\.yaml: cannot replace it \((EPERM: operation not permitted|EACCES: permission denied)\); left unchanged\n/);
      expect(result.stderr).toContain('rampart: pinned 2 references in 2 files (1 unique, 2 registry requests); 1 file not written\n');
      expect(await readFile(path.join(root, 'a', 'pod.yaml'), 'utf8')).toBe(pod('a', `${reference}@${image.digest}`));
      expect(await readFile(path.join(root, 'b', 'pod.yaml'), 'utf8')).toBe(pod('b', reference));
      expect(await readFile(path.join(root, 'c', 'pod.yaml'), 'utf8')).toBe(pod('c', `${reference}@${image.digest}`));
      expect(await temporaries(root)).toEqual([]);
    } finally {
      undo();
    }
  });

  it('counts one reference for one edited place (an ARG default feeding two FROM lines, a file reached through an in-tree link)', async () => {
    const reference = `${registry.host}/team/app:v1`;
    const root = await repository('counting', {
      Dockerfile: `ARG BASE=${reference}\nFROM \${BASE} AS build\nFROM \${BASE}\n`,
      'deploy/pod.yaml': pod('p', reference),
    });
    await symlink('deploy/pod.yaml', path.join(root, 'alias.yaml'));
    const result = await runCli(['pin', root, '--insecure-registry', registry.host, '--no-git-refs']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^rampart: pinned 2 references in 2 files \(/m);
    expect(await readFile(path.join(root, 'Dockerfile'), 'utf8')).toBe(`ARG BASE=${reference}@${image.digest}\nFROM \${BASE} AS build\nFROM \${BASE}\n`);
    expect(await readFile(path.join(root, 'deploy', 'pod.yaml'), 'utf8')).toBe(pod('p', `${reference}@${image.digest}`));
  });

  it('removes temporary files a killed run left, only its own pattern, only when their process is gone', async () => {
    const reference = `${registry.host}/team/app:v1`;
    const root = await repository('stale', { 'pod.yaml': pod('p', `${reference}@${image.digest}`) });
    const child = spawn('true');
    const deadPid = await new Promise<number>((resolve) => child.on('exit', () => resolve(child.pid ?? 0)));
    const stale = `.pod.yaml.rampart-${deadPid}-0123456789ab.tmp`;
    const live = `.pod.yaml.rampart-${process.pid}-0123456789ab.tmp`;
    const foreign = '.pod.yaml.rampart-editor.tmp';
    const staleLink = `.other.rampart-${deadPid}-0123456789ab.tmp`;
    for (const name of [stale, live, foreign]) await writeFile(path.join(root, name), 'partial');
    await symlink('pod.yaml', path.join(root, staleLink));
    const result = await runCli(['pin', root, '--insecure-registry', registry.host, '--no-git-refs']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`removed a temporary file an interrupted run left: ${stale}\n`);
    expect((await readdir(root)).sort()).toEqual([live, staleLink, foreign, 'pod.yaml'].sort());
    const dryRun = await runCli(['pin', root, '--dry-run', '--insecure-registry', registry.host]);
    expect(dryRun.stderr).not.toContain('removed');
  });

  it('removes its temporary files when SIGTERM arrives mid-write and exits 143', async () => {
    const reference = `${registry.host}/team/app:v1`;
    const files: Record<string, string> = {};
    for (let n = 0; n < 300; n++) files[`pod${n}.yaml`] = pod(`p${n}`, reference);
    // several runs may be needed to stop the process while one of its temporary files exists
    for (let attempt = 1; attempt <= 4; attempt++) {
      const root = await repository(`signal-${attempt}`, files);
      const outcome = await pinAndInterrupt(root);
      if (!outcome.caught) continue;
      expect(outcome.exit).toEqual({ code: 143, signal: null });
      expect(await temporaries(root)).toEqual([]);
      return;
    }
    throw new Error('never stopped rampart pin while a temporary file existed');
  });
});

/** Runs the built CLI; the moment a temporary file appears, stops the process and, if the file is still there, sends SIGTERM. */
function pinAndInterrupt(root: string): Promise<{ caught: boolean; exit: { code: number | null; signal: NodeJS.Signals | null } }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(PROJECT, 'bin', 'rampart.js'), 'pin', root, '--insecure-registry', registry.host, '--no-git-refs', '-q'], { stdio: 'ignore' });
    let caught = false;
    const watcher = watch(root, (_event, name) => {
      if (caught || !name || !TEMPORARY.test(name) || child.exitCode !== null) return;
      child.kill('SIGSTOP');
      if (existsSync(path.join(root, name))) {
        caught = true;
        watcher.close();
        child.kill('SIGTERM');
      }
      child.kill('SIGCONT');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      watcher.close();
      resolve({ caught, exit: { code, signal } });
    });
  });
}
