import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectImage } from '../src/image/inspect-image.js';
import { buildLayeredImage } from './helpers/image-build.js';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
/**
 * esbuild 0.13.15's Linux binary, built with go1.17.2: build info in the format before Go 1.18 (the
 * header points at two Go strings in the data segment). It comes from the npm registry as an optional
 * dependency of the dev dependency test/fixtures/go-before-1.18, so npm skips it where its os/cpu do
 * not match (linux/x64) and the test says it skipped.
 */
const binary = path.join(here, '..', 'node_modules', 'esbuild-linux-64', 'bin', 'esbuild');
const present = existsSync(binary);

/** What `go version -m` (Debian's golang-go) says the binary holds: Go version and modules, `=>` applied. */
async function goVersionM(file: string): Promise<{ goVersion: string; modules: string[] }> {
  const { stdout } = await run('go', ['version', '-m', file]);
  const goVersion = /^\S+: go(\S+)/.exec(stdout)![1]!;
  const modules: string[] = [];
  for (const line of stdout.split('\n')) {
    const [kind, name, version] = line.trim().split('\t');
    if ((kind === 'mod' || kind === 'dep') && name && version) modules.push(`${name}@${version}`);
    else if (kind === '=>' && name && version) modules[modules.length - 1] = `${name}@${version}`;
  }
  return { goVersion, modules };
}

describe('Go build info of a real binary built before Go 1.18', () => {
  let work: string | undefined;
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  if (!present) it.skip('skipped: esbuild-linux-64 (a Go 1.17 binary, an optional dev dependency for linux/x64) is not installed here', () => {});
  else it('reads the main module, every dependency and the Go version (stdlib) exactly as go version -m does', async () => {
    const told = await goVersionM(binary);
    // the test is about the old format: the toolchain that built it predates 1.18
    expect(told.goVersion).toMatch(/^1\.(?:[0-9]|1[0-7])(?:\.|$)/);
    expect(told.modules).toContain('github.com/evanw/esbuild@(devel)');
    expect(told.modules.length).toBeGreaterThan(1);
    work = await mkdtemp(path.join(tmpdir(), 'rampart-go117-'));
    process.env['XDG_CACHE_HOME'] = path.join(work, 'cache');
    const layout = await buildLayeredImage(work, 'esbuild', 'v1', [
      { files: { 'usr/local/bin/esbuild': await readFile(binary) }, modes: { 'usr/local/bin/esbuild': 0o755 } },
    ]);
    const image = (await inspectImage(layout)).images[0]!;
    const golang = image.inventory.packages.filter((pkg) => pkg.type === 'golang');
    expect(golang.map((pkg) => `${pkg.name}@${pkg.version}`).sort()).toEqual([`stdlib@${told.goVersion}`, ...told.modules].sort());
    expect(golang.find((pkg) => pkg.name === 'stdlib')?.purl).toBe(`pkg:golang/stdlib@${told.goVersion}`);
    expect(golang.every((pkg) => pkg.path === 'usr/local/bin/esbuild' && pkg.layer === 0)).toBe(true);
  });
});
