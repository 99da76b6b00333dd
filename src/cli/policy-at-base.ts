import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CONFIG_FILE_NAMES, repositoryBoundary } from '../config/load.js';
import type { ResolvedConfig } from '../config/schema.js';
import type { PolicyFileChange, ReviewedChange } from '../engine/settings.js';
import { changeUnderReview, readAtBase, type ChangeUnderReview } from '../sources/git/change-under-review.js';

/** The flags that name files deciding what a scan reports or trusts. */
export interface PolicyFlags {
  config?: string;
  baseline?: string;
  allowedSigners?: string;
  gpgKeyring?: string;
  trustedRoot?: string;
  key?: string[];
  since?: string;
  range?: string;
}

export interface PolicyAtBase<F extends PolicyFlags> {
  /** the flags, with every policy file inside the repository replaced by the base's copy */
  readonly flags: F;
  /** the config's directory boundary: the copies' root */
  readonly configWithin: string | undefined;
  readonly review: ReviewedChange;
  dispose(): void;
}

const EMPTY_BASELINE = '{"version":1,"tool":"rampart","entries":[]}\n';

/**
 * For a change scan (`--since REV`, `--range A..B`): the config (`.rampart.yaml` or `--config`), the
 * baseline and the trust files (the config's and the flags') that lie inside the repository are
 * read as the base revision has them, from copies in a temporary directory laid out as the
 * repository is, so that a pull request cannot change the policy it is judged by. What the change
 * edits in them is kept for `scan-policy-changed`. Undefined for other scans.
 */
export async function policyAtBase<F extends PolicyFlags>(root: string, flags: F): Promise<PolicyAtBase<F> | undefined> {
  // a file, or a directory outside git: the history flags' own checks say what is wrong
  if (statSync(root, { throwIfNoEntry: false })?.isDirectory() !== true) return undefined;
  const change = await changeUnderReview(root, flags.since, flags.range);
  if (!change) return undefined;
  const top = repositoryBoundary(root);
  const scanRoot = realpathSync.native(root);
  const copies = mkdtempSync(path.join(tmpdir(), 'rampart-base-'));
  const changes: PolicyFileChange[] = [];
  const copier = new BaseCopier(top, scanRoot, copies, change, changes);
  try {
    const next: F = { ...flags };
    const config = await copier.config(flags.config);
    if (config !== undefined) next.config = config;
    if (flags.baseline) next.baseline = await copier.file(flags.baseline, 'baseline', EMPTY_BASELINE) ?? flags.baseline;
    if (flags.allowedSigners) next.allowedSigners = await copier.file(flags.allowedSigners, 'allowed signers') ?? flags.allowedSigners;
    if (flags.gpgKeyring) next.gpgKeyring = await copier.file(flags.gpgKeyring, 'OpenPGP keyring') ?? flags.gpgKeyring;
    if (flags.trustedRoot) next.trustedRoot = await copier.file(flags.trustedRoot, 'Sigstore trusted root') ?? flags.trustedRoot;
    if (flags.key) next.key = await Promise.all(flags.key.map(async (key) => await copier.file(key, 'cosign key') ?? key));
    return {
      flags: next,
      configWithin: config === undefined ? undefined : copies,
      review: { ...change, policyChanges: changes },
      dispose: () => rmSync(copies, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(copies, { recursive: true, force: true });
    throw error;
  }
}

class BaseCopier {
  constructor(
    private readonly top: string,
    private readonly scanRoot: string,
    private readonly copies: string,
    private readonly change: ChangeUnderReview,
    private readonly changes: PolicyFileChange[],
  ) {}

  /** The base's config, and the trust files it names, copied; undefined when the config in use is outside the repository. */
  async config(explicit: string | undefined): Promise<string | undefined> {
    const candidates = explicit !== undefined ? [path.resolve(explicit)] : CONFIG_FILE_NAMES.map((name) => path.join(this.scanRoot, name));
    let chosen: string | undefined;
    for (const candidate of candidates) {
      if (this.inside(candidate) === undefined) return undefined;
      const copy = await this.copy(candidate, 'config');
      if (copy.existsAtBase || (explicit === undefined && existsSync(candidate))) {
        chosen = copy.path;
        break;
      }
    }
    // no config at the base: its defaults apply, whatever the change adds
    const configCopy = chosen ?? path.join(this.copies, this.inside(candidates[0]!)!);
    if (!existsSync(configCopy)) {
      mkdirSync(path.dirname(configCopy), { recursive: true });
      writeFileSync(configCopy, '');
    }
    const text = readFileSync(configCopy, 'utf8');
    // the validator (zod) is loaded only when there is a file to validate, as loadConfig does
    const named = text.trim() === '' ? [] : namedFiles((await import('../config/parse.js')).parseConfig(text, configCopy).verify);
    for (const [role, file] of named) {
      const inRepository = path.join(this.top, path.relative(this.copies, file));
      if (!path.relative(this.copies, file).startsWith('..')) await this.copy(inRepository, role);
    }
    return configCopy;
  }

  /** A policy file the flags name: the base's copy when it is inside the repository, else undefined (used as given). */
  async file(given: string, role: string, absentAtBase?: string): Promise<string | undefined> {
    const copy = await this.copy(path.resolve(given), role);
    if (copy.path === undefined) return undefined;
    if (!copy.existsAtBase && absentAtBase !== undefined) writeFileSync(copy.path, absentAtBase);
    return copy.path;
  }

  private copied = new Map<string, { path: string | undefined; existsAtBase: boolean }>();

  private async copy(file: string, role: string): Promise<{ path: string | undefined; existsAtBase: boolean }> {
    const relative = this.inside(file);
    if (relative === undefined) return { path: undefined, existsAtBase: false };
    const known = this.copied.get(relative);
    if (known) return known;
    const atBase = await readAtBase(this.top, this.change, relative);
    const target = path.join(this.copies, relative);
    mkdirSync(path.dirname(target), { recursive: true });
    if (atBase !== undefined) writeFileSync(target, atBase);
    const current = readCurrent(file);
    const status = atBase === undefined ? (current === undefined ? undefined : 'added') : current === undefined ? 'removed' : atBase.equals(current) ? undefined : 'modified';
    if (status) this.changes.push({ role, path: path.relative(this.scanRoot, path.join(this.top, relative)).split(path.sep).join('/'), status });
    const result = { path: target, existsAtBase: atBase !== undefined };
    this.copied.set(relative, result);
    return result;
  }

  /** `file`'s path inside the repository (`/`-separated), or undefined outside it. */
  private inside(file: string): string | undefined {
    const real = realOrResolved(file);
    const relative = path.relative(this.top, real);
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
    return relative.split(path.sep).join('/');
  }
}

function namedFiles(verify: ResolvedConfig['verify']): Array<[string, string]> {
  if (!verify) return [];
  const named: Array<[string, string]> = [];
  if (verify.trustedRoot) named.push(['Sigstore trusted root', verify.trustedRoot]);
  if (verify.commits?.allowedSigners) named.push(['allowed signers', verify.commits.allowedSigners]);
  if (verify.commits?.gpgKeyring) named.push(['OpenPGP keyring', verify.commits.gpgKeyring]);
  for (const entry of verify.images ?? []) for (const key of entry.keys ?? []) named.push(['cosign key', key]);
  return named;
}

function readCurrent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** The real path of a file, or of its nearest existing parent joined with the rest (a file the change removed). */
function realOrResolved(file: string): string {
  const absolute = path.resolve(file);
  let current = absolute;
  const rest: string[] = [];
  while (!existsSync(current)) {
    const parent = path.dirname(current);
    if (parent === current) return absolute;
    rest.unshift(path.basename(current));
    current = parent;
  }
  return path.join(realpathSync.native(current), ...rest);
}
