/**
 * Root file systems made of this machine's own installed Debian packages: their files exactly as
 * dpkg installed them (copied with tar, modes and links kept) and their dpkg metadata, either as a
 * full `var/lib/dpkg` (status, info/*.list, *.md5sums) or as a distroless `status.d/`; and roots
 * made of real `.deb` files unpacked with dpkg-deb (`installDebs`).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
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

/** What `installDebs` put in a root for one package. */
export interface InstalledDeb {
  readonly name: string;
  /** the name dpkg gives its info files: `NAME:ARCH` for a Multi-Arch: same package */
  readonly infoName: string;
}

/**
 * Installs real `.deb` files into `root` the way dpkg leaves them, without dpkg's scripts:
 * `dpkg-deb -x` unpacks the files; `var/lib/dpkg/status` gets each package's own control fields
 * (`dpkg-deb -f`) with `Status: install ok installed` and the `Conffiles` field dpkg would add (each
 * conffile's md5 as unpacked); `info/` gets the package's `md5sums` and `conffiles` from its control
 * archive (`dpkg-deb -e`) and a `.list` of the paths in its data archive.
 */
export async function installDebs(root: string, debs: readonly string[]): Promise<InstalledDeb[]> {
  const admin = path.join(root, 'var/lib/dpkg');
  await mkdir(path.join(admin, 'info'), { recursive: true });
  await mkdir(path.join(admin, 'updates'), { recursive: true });
  await writeFile(path.join(admin, 'available'), '');
  // the multiarch layout of info/ (`NAME:ARCH.list` for Multi-Arch: same), as dpkg since 1.16 writes it
  await writeFile(path.join(admin, 'info', 'format'), '1\n');
  const stanzas: string[] = [];
  const installed: InstalledDeb[] = [];
  for (const deb of debs) {
    await run('dpkg-deb', ['-x', deb, root]);
    const control = (await run('dpkg-deb', ['-f', deb])).stdout.trimEnd();
    const field = (name: string): string | undefined => new RegExp(`^${name}: (.*)$`, 'm').exec(control)?.[1];
    const name = field('Package')!;
    const infoName = field('Multi-Arch') === 'same' ? `${name}:${field('Architecture')}` : name;
    const controlDir = `${root}.control-${name}`;
    await run('dpkg-deb', ['-e', deb, controlDir]);
    const conffiles = existsSync(path.join(controlDir, 'conffiles')) ? (await readFile(path.join(controlDir, 'conffiles'), 'utf8')).split('\n').filter(Boolean) : [];
    const conffileLines = await Promise.all(conffiles.map(async (file) => ` ${file} ${createHash('md5').update(await readFile(path.join(root, file))).digest('hex')}`));
    const lines = control.split('\n');
    const description = lines.findIndex((line) => line.startsWith('Description:'));
    lines.splice(description, 0, ...(conffileLines.length > 0 ? ['Conffiles:', ...conffileLines] : []));
    lines.splice(1, 0, 'Status: install ok installed');
    stanzas.push(lines.join('\n'));
    for (const kind of ['md5sums', 'conffiles']) {
      if (existsSync(path.join(controlDir, kind))) await copyFile(path.join(controlDir, kind), path.join(admin, 'info', `${infoName}.${kind}`));
    }
    const { stdout: members } = await run('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -t', 'sh', deb]);
    const list = members.split('\n').filter(Boolean).map((member) => (member === './' ? '/.' : member.replace(/^\.\//, '/').replace(/\/$/, '')));
    await writeFile(path.join(admin, 'info', `${infoName}.list`), `${list.join('\n')}\n`);
    installed.push({ name, infoName });
  }
  await writeFile(path.join(admin, 'status'), `${stanzas.join('\n\n')}\n`);
  return installed;
}
