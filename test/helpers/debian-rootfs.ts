/**
 * Root file systems made of this machine's own installed Debian packages: their files exactly as
 * dpkg installed them (copied with tar, modes and links kept) and their dpkg metadata, either as a
 * full `var/lib/dpkg` (status, info/*.list, *.md5sums) or as a distroless `status.d/`.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function stanzaOf(name: string): Promise<string> {
  const { stdout } = await run('dpkg-query', ['-s', name]);
  return stdout.trimEnd();
}

async function infoFile(name: string, kind: string): Promise<string | undefined> {
  for (const candidate of [`${name}.${kind}`, `${name}:amd64.${kind}`]) {
    const file = path.join('/var/lib/dpkg/info', candidate);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** Copies the packages' files into `root` (which gets merged-/usr links first, as Debian 12 has). */
export async function copyPackageFiles(root: string, names: readonly string[]): Promise<void> {
  for (const directory of ['bin', 'sbin', 'lib', 'lib64']) {
    await mkdir(path.join(root, 'usr', directory), { recursive: true });
    await symlink(`usr/${directory}`, path.join(root, directory));
  }
  const paths = new Set<string>();
  for (const name of names) {
    const { stdout } = await run('dpkg', ['-L', name], { maxBuffer: 16 * 1024 * 1024 });
    for (const line of stdout.split('\n')) if (line.startsWith('/') && line !== '/.' && !/^\/(bin|sbin|lib|lib64)$/.test(line) && existsSync(line)) paths.add(line.slice(1));
  }
  const list = path.join(root, '..', `${path.basename(root)}.paths`);
  await writeFile(list, [...paths].sort().join('\n'));
  await run('sh', ['-c', `tar -C / --no-recursion -cf - -T "${list}" | tar -C "${root}" -xpf -`], { maxBuffer: 1024 * 1024 });
}

/** A Debian root: the packages' files, `var/lib/dpkg/status` and `info/NAME.{list,md5sums}`. */
export async function debianRoot(root: string, names: readonly string[]): Promise<void> {
  await copyPackageFiles(root, names);
  const info = path.join(root, 'var/lib/dpkg/info');
  await mkdir(info, { recursive: true });
  await writeFile(path.join(root, 'var/lib/dpkg/status'), `${(await Promise.all(names.map(stanzaOf))).join('\n\n')}\n`);
  for (const name of names) {
    for (const kind of ['list', 'md5sums', 'conffiles']) {
      const file = await infoFile(name, kind);
      if (file) await copyFile(file, path.join(info, path.basename(file)));
    }
  }
}

/** A distroless-style root: the packages' files and one `status.d/NAME` stanza plus `NAME.md5sums` each, no dpkg. */
export async function distrolessRoot(root: string, names: readonly string[]): Promise<void> {
  await copyPackageFiles(root, names);
  const statusD = path.join(root, 'var/lib/dpkg/status.d');
  await mkdir(statusD, { recursive: true });
  for (const name of names) {
    await writeFile(path.join(statusD, name), `${(await stanzaOf(name)).replace(/^Status: .*\n/m, '')}\n`);
    const md5sums = await infoFile(name, 'md5sums');
    if (md5sums) await writeFile(path.join(statusD, `${name}.md5sums`), await readFile(md5sums));
  }
}
