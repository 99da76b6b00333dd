import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCargoAuditable } from '../src/image/catalog/binaries.js';
import { inspectImage } from '../src/image/inspect-image.js';
import { buildLayeredImage, run } from './helpers/image-build.js';

let work: string;
let binary: Buffer;

/** cargo-auditable's dependency list as `cargo auditable build` embeds it (format v0: zlib-compressed JSON) */
const DEPENDENCIES = {
  packages: [
    { name: 'hello', version: '0.1.0', source: 'local', dependencies: [1, 2], root: true },
    { name: 'serde', version: '1.0.197', source: 'crates.io', dependencies: [] },
    { name: 'rand_core', version: '0.6.4', source: 'crates.io', kind: 'runtime', dependencies: [] },
  ],
};

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'rampart-cargo-auditable-'));
  // a real Rust binary from this machine's rustc, given the section cargo-auditable's linker step adds
  await writeFile(path.join(work, 'hello.rs'), 'fn main() { println!("hello"); }\n');
  await run('rustc', ['-O', path.join(work, 'hello.rs'), '-o', path.join(work, 'hello')], { cwd: work });
  await writeFile(path.join(work, 'dep-v0'), deflateSync(Buffer.from(JSON.stringify(DEPENDENCIES))));
  await run('objcopy', ['--add-section', `.dep-v0=${path.join(work, 'dep-v0')}`, '--set-section-flags', '.dep-v0=noload,readonly', path.join(work, 'hello'), path.join(work, 'hello-audited')]);
  binary = await readFile(path.join(work, 'hello-audited'));
}, 120_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('Rust binaries built with cargo-auditable', () => {
  it('reads every crate of the .dep-v0 section, and nothing from a binary without one', async () => {
    expect(parseCargoAuditable(binary).map((crate) => `${crate.name}@${crate.version}`)).toEqual(['hello@0.1.0', 'serde@1.0.197', 'rand_core@0.6.4']);
    expect(parseCargoAuditable(await readFile(path.join(work, 'hello')))).toEqual([]);
  });

  it('lists the crates in the image inventory with cargo purls, the layer and the path', async () => {
    const layout = await buildLayeredImage(work, 'rust', 'v1', [{ files: { 'usr/local/bin/hello': binary }, modes: { 'usr/local/bin/hello': 0o755 } }]);
    const [image] = (await inspectImage(`${layout}:v1`, { cacheDirectory: false })).images;
    const crates = image!.inventory.packages.filter((pkg) => pkg.type === 'cargo');
    expect(crates.map((pkg) => pkg.purl).sort()).toEqual(['pkg:cargo/hello@0.1.0', 'pkg:cargo/rand_core@0.6.4', 'pkg:cargo/serde@1.0.197']);
    expect(crates.every((pkg) => pkg.path === 'usr/local/bin/hello' && pkg.layer === 0)).toBe(true);
  }, 60_000);
});
