import { execFile } from 'node:child_process';
import { ResolveError } from './errors.js';
import { remoteGitEnvironment } from '../sources/git-env.js';

const FULL_SHA = /^[0-9a-f]{40}$/;

export function isCommitSha(ref: string): boolean {
  return FULL_SHA.test(ref);
}

/**
 * Branches and tags of git remotes → commit SHAs, with `git ls-remote` (one call per remote per
 * run). Annotated tags resolve to the commit they point at (`^{}`). A tag wins over a branch
 * of the same name, as git itself prefers it.
 */
export class GitRefResolver {
  private readonly remotes = new Map<string, Promise<Map<string, string>>>();

  constructor(private readonly options: { readonly timeoutMs?: number; readonly env?: NodeJS.ProcessEnv } = {}) {}

  async resolve(url: string, ref: string): Promise<string> {
    if (isCommitSha(ref)) return ref;
    const refs = await this.refsOf(url);
    const found = refs.get(`refs/tags/${ref}^{}`) ?? refs.get(`refs/tags/${ref}`) ?? refs.get(`refs/heads/${ref}`) ?? refs.get(ref);
    if (!found) throw new ResolveError('not-found', `${displayUrl(url)} has no branch or tag "${ref}"`);
    return found;
  }

  private refsOf(url: string): Promise<Map<string, string>> {
    let pending = this.remotes.get(url);
    if (!pending) {
      pending = this.listRemote(url);
      this.remotes.set(url, pending);
    }
    return pending;
  }

  private listRemote(url: string): Promise<Map<string, string>> {
    return new Promise((resolve, reject) => {
      execFile('git', ['ls-remote', '--', url], {
        timeout: this.options.timeoutMs ?? 30_000,
        maxBuffer: 64 * 1024 * 1024,
        env: remoteGitEnvironment(this.options.env ?? process.env),
      }, (error, stdout, stderr) => {
        if (error) {
          const reason = gitFailureReason(stderr) ?? error.message;
          reject(new ResolveError('git-failed', `git ls-remote ${displayUrl(url)} failed: ${redact(reason)}`));
          return;
        }
        const refs = new Map<string, string>();
        for (const line of stdout.split('\n')) {
          const [sha, name] = line.split('\t');
          if (sha && name && FULL_SHA.test(sha)) refs.set(name, sha);
        }
        resolve(refs);
      });
    });
  }
}

/** A URL without any user:password part, for messages. */
export function displayUrl(url: string): string {
  return url.replace(/\/\/[^/@]*@/, '//');
}

function redact(text: string): string {
  return text.replace(/\/\/[^/@\s]*@/g, '//');
}

/**
 * The line of git's stderr that says what went wrong: its first `ssh:`, `fatal:` or `error:` line (ssh's
 * "Please make sure you have the correct access rights / and the repository exists." follows it
 * and says nothing alone), else the last line.
 */
export function gitFailureReason(stderr: string): string | undefined {
  const lines = stderr.split('\n').map((line) => line.trim()).filter(Boolean);
  return lines.find((line) => /^(?:fatal|error|ssh):/i.test(line)) ?? lines.pop();
}
