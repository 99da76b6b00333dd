import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { displayUrl as gitDisplayUrl, gitFailureReason } from '../resolve/git-refs.js';
import { remoteGitEnvironment } from '../sources/git-env.js';
import { extractArchive, type ArchiveLimits } from './archive.js';

/** A git dependency's tree and signed objects, each from a depth-1 fetch of one commit into a scratch repository. */
export class ShallowGitFetch {
  constructor(private readonly timeoutMs: number, private readonly limits: ArchiveLimits) {}

  /** The commit object and, when the ref is an annotated tag, the tag object, fetched shallow into a scratch repository. */
  async signedObjects(url: string, asked: string, commit: string, target: string, what: string): Promise<void> {
    await this.withShallowFetch(url, asked, commit, what, async (scratch) => {
      const type = (await this.runGit(['-C', scratch, 'cat-file', '-t', 'FETCH_HEAD'], what)).toString('utf8').trim();
      if (type === 'tag') await writeFile(path.join(target, 'tag'), await this.runGit(['-C', scratch, 'cat-file', 'tag', 'FETCH_HEAD'], what));
      await writeFile(path.join(target, 'commit'), await this.runGit(['-C', scratch, 'cat-file', 'commit', commit], what));
    });
  }

  /** A shallow fetch of one commit into a scratch repository, then `git archive` through the safe unpacker. */
  async checkout(url: string, asked: string, commit: string, target: string): Promise<void> {
    const what = `${gitDisplayUrl(url)} at ${asked}`;
    await this.withShallowFetch(url, asked, commit, what, async (scratch) => {
      const fetched = (await this.runGit(['-C', scratch, 'rev-parse', 'FETCH_HEAD^{commit}'], what)).toString('utf8').trim();
      if (fetched !== commit) throw new Error(`${what}: moved while fetching (ls-remote said ${commit.slice(0, 12)}, the fetch gave ${fetched.slice(0, 12)}); run again`);
      const archive = await this.runGit(['-C', scratch, 'archive', '--format=tar', commit], what, this.limits.totalBytes + 64 * 1024 * 1024);
      await extractArchive(archive, target, what, this.limits);
    });
  }

  /**
   * Fetches `asked` (by its resolved commit where the server allows fetching a commit, else by name)
   * at depth 1 into a scratch bare repository, gives it to `use` as FETCH_HEAD, and removes it.
   */
  private async withShallowFetch(url: string, asked: string, commit: string, what: string, use: (scratch: string) => Promise<void>): Promise<void> {
    const scratch = await mkdtemp(path.join(tmpdir(), 'rampart-git-'));
    try {
      await this.runGit(['init', '-q', '--bare', scratch], what);
      const wanted = asked === 'HEAD' || asked === commit ? commit : asked;
      await this.runGit(['-C', scratch, 'fetch', '-q', '--depth', '1', '--no-tags', '--', url, wanted], what)
        .catch(() => this.runGit(['-C', scratch, 'fetch', '-q', '--depth', '1', '--no-tags', '--', url, asked], what));
      await use(scratch);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  private runGit(args: string[], what: string, maxBuffer = 16 * 1024 * 1024): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      execFile('git', args, {
        encoding: 'buffer', maxBuffer, timeout: this.timeoutMs,
        env: { ...remoteGitEnvironment(), GIT_PROTOCOL: 'version=2' },
      }, (error, stdout, stderr) => {
        if (error) {
          const reason = gitFailureReason(stderr.toString('utf8')) ?? error.message;
          reject(new Error(`git ${args.includes('fetch') ? 'fetch' : args[args.indexOf('-C') === -1 ? 0 : 2]} ${what} failed: ${gitDisplayUrl(reason)}`));
        } else resolve(stdout);
      });
    });
  }
}
