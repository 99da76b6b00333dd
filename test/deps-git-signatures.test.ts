import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { commitFiles, gpgSigner, startGitDaemon, writeTree, type GitServer } from './helpers/deps-servers.js';

const run = promisify(execFile);

let work: string;
let git: GitServer;
let allowedSigners: string;
let keyring: string;
let releaseEmail: string;

async function sshKey(name: string): Promise<{ key: string; publicKey: string }> {
  const key = path.join(work, 'ssh', name);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', key]);
  return { key, publicKey: (await readFile(`${key}.pub`, 'utf8')).trim() };
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'rampart-deps-git-signatures-'));
  const gitBase = path.join(work, 'git');
  await mkdir(gitBase, { recursive: true });
  await mkdir(path.join(work, 'ssh'), { recursive: true });
  const [team, stranger, release] = await Promise.all([sshKey('team'), sshKey('stranger'), gpgSigner(work, 'release')]);
  allowedSigners = path.join(work, 'allowed_signers');
  await writeFile(allowedSigners, `t@t namespaces="git" ${team.publicKey}\n`);
  keyring = release.keyring;
  releaseEmail = release.email;
  const base = { 'app/kustomization.yaml': 'resources: []\n' };
  await commitFiles(gitBase, 'ssh-signed', base, 'v1', { sign: { config: ['gpg.format=ssh', `user.signingkey=${team.key}`] } });
  await commitFiles(gitBase, 'gpg-tagged', base, 'v2', { sign: { config: [`user.signingkey=${release.email}`], env: { GNUPGHOME: release.home }, commit: false, tag: true } });
  await commitFiles(gitBase, 'stranger', base, 'v1', { sign: { config: ['gpg.format=ssh', `user.signingkey=${stranger.key}`] } });
  await commitFiles(gitBase, 'plain', base, 'v1');
  git = await startGitDaemon(gitBase);
});

afterAll(async () => {
  await git?.stop();
  await rm(work, { recursive: true, force: true });
});

const signerFlags = (): string[] => ['--allowed-signers', allowedSigners, '--gpg-keyring', keyring];

const gitRepository = (name: string, repository: string, mode: string | undefined): string => `---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: ${name}, namespace: flux-system}
spec:
  url: ${git.url}/${repository}.git
  ref: {tag: v1}
${mode === undefined ? '' : `  verify:\n    mode: ${mode}\n    secretRef: {name: keys}\n`}`;

describe('signed git dependencies', () => {
  it('records who signed the tag or commit of each git dependency in the lock, and unsigned or untrusted ones as such', async () => {
    const root = await writeTree(path.join(work, 'repo'), {
      'kustomization.yaml': ['ssh-signed//app?ref=v1', 'gpg-tagged//app?ref=v2', 'plain//app?ref=v1', 'stranger//app?ref=v1']
        .reduce((text, base) => `${text}  - git::${git.url}/${base.replace('//', '.git//')}\n`, 'resources:\n'),
    });
    const cache = ['--cache-dir', path.join(work, 'cache'), '-q'];
    const unverified = await runCli(['deps', 'lock', root, ...cache]);
    expect({ code: unverified.code, stderr: unverified.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await readFile(path.join(root, 'rampart.lock'), 'utf8')).not.toContain('gitSigner');

    const locked = await runCli(['deps', 'lock', root, ...cache, ...signerFlags()]);
    expect(locked.stderr).toBe('');
    expect(locked.code).toBe(0);
    const signers = [...(await readFile(path.join(root, 'rampart.lock'), 'utf8')).matchAll(/source: (\S+)\n[^]*?gitSigner: (.*)\n/g)].map((match) => [path.basename(match[1] ?? ''), match[2]]);
    expect(signers).toEqual([
      ['gpg-tagged.git', expect.stringMatching(new RegExp(`^"?tag release <${releaseEmail}> \\([0-9A-F]{40}\\)"?$`))],
      ['plain.git', 'unsigned'],
      ['ssh-signed.git', expect.stringMatching(/^"?commit t@t \(SHA256:[\w+/]{43}\)"?$/)],
      ['stranger.git', expect.stringMatching(/^"?untrusted commit \(.+\)"?$/)],
    ]);
    expect((await runCli(['deps', 'verify', root, ...cache, ...signerFlags(), '-f', 'json'])).code).toBe(0);
  });

  it('refuses what Flux GitRepository verify would refuse: an unsigned commit, or a tag mode on a lightweight tag', async () => {
    const root = await writeTree(path.join(work, 'flux'), {
      'sources.yaml': `${gitRepository('signed', 'ssh-signed', 'HEAD')}${gitRepository('plain', 'plain', 'HEAD')}${gitRepository('lightweight', 'ssh-signed', 'Tag')}${gitRepository('unchecked', 'plain', undefined)}`,
    });
    const fetched = await runCli(['deps', 'fetch', root, '--cache-dir', path.join(work, 'cache'), '-q', ...signerFlags()]);
    const refused = fetched.stderr.split('\n').filter(Boolean);
    expect(refused).toEqual([
      `rampart: not fetched: sources.yaml:17 GitRepository/plain: ${git.url}/plain.git at v1: GitRepository verify needs a trusted commit signature, and the commit is unsigned`,
      `rampart: not fetched: sources.yaml:27 GitRepository/lightweight: ${git.url}/ssh-signed.git at v1: GitRepository verify needs a signed tag, and the reference is no annotated tag`,
    ]);
    expect(fetched.code).toBe(2);
  });

  it('says which file is wrong when the signers cannot be read', async () => {
    const result = await runCli(['deps', 'fetch', work, '-q', '--allowed-signers', path.join(work, 'missing')]);
    expect(result.stderr).toMatch(/^rampart: signed git dependencies: cannot read allowed signers file .*missing \(ENOENT\)\n$/);
    expect(result.code).toBe(2);
  });
});
