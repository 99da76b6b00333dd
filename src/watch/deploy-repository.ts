import type { VerifySettings } from '../engine/settings.js';
import { RampartError } from '../errors.js';
import { readObjects } from '../sources/git/commit-objects.js';
import { runGit } from '../sources/git/git.js';
import { loadSignerTrust } from '../verify/commit-scan.js';
import { SignatureVerifier, type SignatureVerdict } from '../verify/commit-verifier.js';
import { splitSignedObject } from '../verify/git-object.js';

/** Files read per revision and path for the images they declare; manifests are small, a whole chart is not read. */
const MAX_DECLARED_BYTES = 32 * 1024 * 1024;
const MANIFEST = /\.(ya?ml|json|jsonnet|libsonnet|cue|env|txt)$|(^|\/)Dockerfile$/i;

/** What the revision's path pulls from elsewhere: images declared there are not in this repository. */
const REMOTE_CONTENT = /^\s*-?\s*(?:(?:resources|bases|components)\s*:\s*)?-?\s*['"]?(?:https?:\/\/|git@|github\.com\/|gitlab\.com\/|oci:\/\/)|^\s*helmCharts\s*:|^\s*repoURL\s*:/m;

/** The local clone deployments should match, read with real git: signatures, branches, files at a revision. */
export class DeployRepository {
  private readonly verdicts = new Map<string, Promise<SignatureVerdict | undefined>>();
  private readonly onBranch = new Map<string, Promise<boolean>>();
  private readonly declared = new Map<string, Promise<{ text: string; pullsRemote: boolean; files: number }>>();

  private constructor(
    readonly directory: string,
    /** normalised remote URLs of the clone; empty when it has none */
    readonly remotes: readonly string[],
    readonly protectedRef: string,
    readonly protectedBranch: string,
    private readonly signatures: SignatureVerifier | undefined,
  ) {}

  static async open(directory: string, protectedBranch: string, verify: VerifySettings | undefined): Promise<DeployRepository> {
    const inside = await runGit(directory, ['rev-parse', '--is-inside-work-tree']);
    const bare = await runGit(directory, ['rev-parse', '--is-bare-repository']);
    if (inside.stdout.trim() !== 'true' && bare.stdout.trim() !== 'true') throw new RampartError('not-a-git-repository', `--repo ${directory} is not a git repository`);
    const remotes = (await runGit(directory, ['remote', '-v'])).stdout.split('\n').map((line) => line.split(/\s+/)[1] ?? '').filter(Boolean).map(normaliseRepoUrl);
    const candidates = [`refs/heads/${protectedBranch}`, `refs/remotes/origin/${protectedBranch}`];
    let protectedRef: string | undefined;
    for (const ref of candidates) {
      if ((await runGit(directory, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).code === 0) {
        protectedRef = ref;
        break;
      }
    }
    if (!protectedRef) throw new RampartError('usage', `--repo ${directory} has no branch ${protectedBranch} (nor origin/${protectedBranch}): name the protected branch with --protected-branch`);
    const signatures = verify ? new SignatureVerifier(await loadSignerTrust(verify)) : undefined;
    return new DeployRepository(directory, [...new Set(remotes)], protectedRef, protectedBranch, signatures);
  }

  /** Whether a source URL names this clone; a clone without remotes stands for every Git source. */
  matches(repoURL: string): boolean {
    return this.remotes.length === 0 || this.remotes.includes(normaliseRepoUrl(repoURL));
  }

  get checksSignatures(): boolean {
    return this.signatures !== undefined;
  }

  /** The signature verdict of a commit, or undefined when the clone does not have it. */
  verdict(revision: string): Promise<SignatureVerdict | undefined> {
    let verdict = this.verdicts.get(revision);
    if (!verdict) {
      verdict = this.computeVerdict(revision);
      this.verdicts.set(revision, verdict);
    }
    return verdict;
  }

  async hasCommit(revision: string): Promise<boolean> {
    return (await runGit(this.directory, ['cat-file', '-e', `${revision}^{commit}`])).code === 0;
  }

  /** Whether the protected branch reaches the revision: it was merged there, not deployed from a side branch. */
  isOnProtectedBranch(revision: string): Promise<boolean> {
    let answer = this.onBranch.get(revision);
    if (!answer) {
      answer = runGit(this.directory, ['merge-base', '--is-ancestor', revision, this.protectedRef]).then((result) => result.code === 0);
      this.onBranch.set(revision, answer);
    }
    return answer;
  }

  /** The text of the manifests under `path` at `revision`, and whether they pull content from elsewhere. */
  declaredAt(revision: string, path: string): Promise<{ text: string; pullsRemote: boolean; files: number }> {
    const key = `${revision}\0${path}`;
    let declared = this.declared.get(key);
    if (!declared) {
      declared = this.readDeclared(revision, path);
      this.declared.set(key, declared);
    }
    return declared;
  }

  async close(): Promise<void> {
    await this.signatures?.close();
  }

  private async computeVerdict(revision: string): Promise<SignatureVerdict | undefined> {
    if (!this.signatures || !(await this.hasCommit(revision))) return undefined;
    const [raw] = await readObjects(this.directory, [revision]);
    if (!raw || raw.type !== 'commit') return undefined;
    return this.signatures.verify(raw.id, splitSignedObject('commit', raw.body));
  }

  private async readDeclared(revision: string, path: string): Promise<{ text: string; pullsRemote: boolean; files: number }> {
    const prefix = path.replace(/^\.?\/+/, '').replace(/\/+$/, '');
    const listed = await runGit(this.directory, ['ls-tree', '-r', '-z', '--format=%(objectname) %(objectsize) %(path)', revision, '--', ...(prefix && prefix !== '.' ? [prefix] : [])]);
    if (listed.code !== 0) return { text: '', pullsRemote: false, files: 0 };
    const ids: string[] = [];
    let bytes = 0;
    for (const entry of listed.stdout.split('\0')) {
      const [id = '', size = '0', ...name] = entry.split(' ');
      if (!id || !MANIFEST.test(name.join(' '))) continue;
      bytes += Number(size) || 0;
      if (bytes > MAX_DECLARED_BYTES) break;
      ids.push(id);
    }
    const texts = (await readObjects(this.directory, ids)).map((object) => object.body.toString('utf8'));
    return { text: texts.join('\n'), pullsRemote: texts.some((text) => REMOTE_CONTENT.test(text)), files: ids.length };
  }
}

/** `https://github.com/Org/Repo.git`, `git@github.com:org/repo`, `ssh://git@github.com/org/repo` are one repository. */
export function normaliseRepoUrl(url: string): string {
  let value = url.trim().replace(/\/+$/, '').replace(/\.git$/, '');
  const scp = /^[\w.-]+@([^:/]+):(.+)$/.exec(value);
  if (scp) value = `${scp[1]}/${scp[2]}`;
  value = value.replace(/^[a-z+]+:\/\//i, '').replace(/^[^@/]+@/, '');
  const slash = value.indexOf('/');
  return slash < 0 ? value.toLowerCase() : `${value.slice(0, slash).toLowerCase().replace(/:\d+$/, '')}${value.slice(slash).toLowerCase()}`;
}
