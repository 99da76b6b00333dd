import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { debianRoot } from '../test/helpers/debian-rootfs.js';
import { sh } from './oci-bench-layout.js';

/**
 * Layers of real Debian packages as an image's `FROM debian` and `RUN apt-get install …` steps
 * leave them: this machine's installed packages' files with their dpkg metadata (status,
 * `info/*.list`, `*.md5sums`, conffiles), so every executable they ship is owned and checked
 * against its md5sum, as in a real image.
 */

interface Installed { readonly name: string; readonly priority: string; readonly depends: readonly string[][]; readonly provides: readonly string[] }

function installedPackages(): Map<string, Installed> {
  const out = sh('dpkg-query', ['-W', '-f', '${db:Status-Abbrev}\t${Package}\t${Priority}\t${Pre-Depends}, ${Depends}\t${Provides}\n']);
  const names = (field: string): string[] => field.split(',').map((part) => part.trim().split(/[\s(:]/)[0]!).filter(Boolean);
  const packages = new Map<string, Installed>();
  for (const line of out.split('\n')) {
    const [status, name, priority, depends, provides] = line.split('\t');
    if (!status?.startsWith('ii') || !name) continue;
    packages.set(name, {
      name,
      priority: priority ?? '',
      depends: (depends ?? '').split(',').map((part) => part.trim()).filter(Boolean).map((alternatives) => names(alternatives.replace(/\|/g, ','))),
      provides: names(provides ?? ''),
    });
  }
  return packages;
}

/** the packages with every installed package they depend on (the first installed alternative, virtual names through Provides) */
function closure(roots: readonly string[], installed: ReadonlyMap<string, Installed>): string[] {
  const providers = new Map<string, string>();
  for (const pkg of installed.values()) for (const name of pkg.provides) if (!providers.has(name)) providers.set(name, pkg.name);
  const found = new Set<string>();
  const visit = (name: string): void => {
    const pkg = installed.get(name) ?? installed.get(providers.get(name) ?? '');
    if (!pkg || found.has(pkg.name)) return;
    found.add(pkg.name);
    for (const alternatives of pkg.depends) {
      const chosen = alternatives.find((alternative) => installed.has(alternative) || providers.has(alternative));
      if (chosen) visit(chosen);
    }
  };
  for (const root of roots) visit(root);
  return [...found].sort();
}

/** what each variant installs on top of the Debian base (a runtime, a client's tools, an operator's tools) */
export const VARIANTS: readonly (readonly string[])[] = [
  ['python3'],
  ['curl', 'wget', 'ca-certificates', 'openssl'],
  ['openssh-client', 'gnupg', 'procps', 'iproute2', 'less'],
];

export interface DebianTrees {
  /** the base: Debian's required packages and what they depend on */
  readonly base: string;
  /** one per VARIANTS entry: its packages' files, their info files, and the whole dpkg status after installing them */
  readonly variants: readonly string[];
}

export async function debianTrees(root: string): Promise<DebianTrees> {
  const installed = installedPackages();
  const required = [...installed.values()].filter((pkg) => pkg.priority === 'required').map((pkg) => pkg.name);
  const basePackages = closure(required, installed);
  const base = path.join(root, 'debian-base');
  await debianRoot(base, basePackages);
  const variants: string[] = [];
  for (const [index, roots] of VARIANTS.entries()) {
    const added = closure(roots, installed).filter((name) => !basePackages.includes(name));
    const tree = path.join(root, `debian-variant-${index}`);
    await debianRoot(tree, added);
    // dpkg rewrites the whole status file: the upper layer's copy lists the base's packages too
    const all = [...basePackages, ...added].sort();
    await writeFile(path.join(tree, 'var/lib/dpkg/status'), `${all.map((name) => sh('dpkg-query', ['-s', name]).trimEnd()).join('\n\n')}\n`);
    variants.push(tree);
  }
  return { base, variants };
}
