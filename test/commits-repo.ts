import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Keys and a git repository signed by real `ssh-keygen` and `gpg`, for the commit signature tests. */
export interface SigningFixture {
  readonly dir: string;
  readonly repo: string;
  readonly gnupgHome: string;
  readonly allowedSigners: string;
  readonly keyring: string;
  sshKey(name: string): string;
  git(args: readonly string[], env?: Record<string, string>): string;
  commit(message: string, options?: { signWith?: 'ssh' | 'gpg'; sshKey?: string; gpgKey?: string; email?: string }): string;
}

const FIXED_ENV = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_DATE: '2026-01-02T03:04:05Z', GIT_COMMITTER_DATE: '2026-01-02T03:04:05Z' };

export function createSigningFixture(): SigningFixture {
  const dir = mkdtempSync(path.join(tmpdir(), 'rampart-commits-'));
  const repo = path.join(dir, 'repo');
  const gnupgHome = path.join(dir, 'gnupg');
  mkdirSync(gnupgHome, { mode: 0o700 });
  const keyPath = (name: string): string => path.join(dir, name);
  for (const name of ['alice', 'mallory', 'carol']) {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', keyPath(name)]);
  }
  execFileSync('ssh-keygen', ['-q', '-t', 'ecdsa', '-b', '256', '-N', '', '-C', 'erin', '-f', keyPath('erin')]);
  const publicKey = (name: string): string => readFileSync(`${keyPath(name)}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
  const allowedSigners = path.join(dir, 'allowed_signers');
  writeFileSync(allowedSigners, [
    '# trusted signers',
    `alice@example.com namespaces="git" ${publicKey('alice')}`,
    `"erin@example.com,*@erin.example" ${publicKey('erin')}`,
    `carol@example.com namespaces="file" ${publicKey('carol')}`,
    '',
  ].join('\n'));
  const gpgEnv = { ...process.env, GNUPGHOME: gnupgHome };
  execFileSync('gpg', ['--batch', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', '', '--quick-gen-key', 'Grace <grace@example.com>', 'ed25519', 'sign', 'never'], { env: gpgEnv, stdio: 'ignore' });
  execFileSync('gpg', ['--batch', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', '', '--quick-gen-key', 'Eve <eve@example.com>', 'ed25519', 'sign', 'never'], { env: gpgEnv, stdio: 'ignore' });
  const keyring = path.join(dir, 'trusted.asc');
  writeFileSync(keyring, execFileSync('gpg', ['--batch', '--armor', '--export', 'grace@example.com'], { env: gpgEnv }));

  const git = (args: readonly string[], env: Record<string, string> = {}): string =>
    execFileSync('git', ['-C', repo, '-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], {
      env: { ...process.env, ...FIXED_ENV, GNUPGHOME: gnupgHome, ...env },
      encoding: 'utf8',
    }).trim();
  mkdirSync(repo);
  git(['init', '-q', '-b', 'main']);
  let counter = 0;
  const commit: SigningFixture['commit'] = (message, options = {}) => {
    counter += 1;
    writeFileSync(path.join(repo, 'file.txt'), `${counter}\n`);
    git(['add', 'file.txt']);
    const gpgKey = options.gpgKey ?? 'grace@example.com';
    const email = options.email ?? (options.signWith === 'gpg' ? gpgKey : `${options.sshKey ?? 'alice'}@example.com`);
    const signing = options.signWith === 'ssh'
      ? ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${keyPath(options.sshKey ?? 'alice')}`, '-S']
      : options.signWith === 'gpg' ? ['-c', `user.signingkey=${gpgKey}`, '-S'] : [];
    const flags = signing.filter((flag) => flag !== '-S');
    git([...flags, '-c', `user.email=${email}`, 'commit', '-q', ...(signing.includes('-S') ? ['-S'] : []), '-m', message]);
    return git(['rev-parse', 'HEAD']);
  };
  return { dir, repo, gnupgHome, allowedSigners, keyring, sshKey: keyPath, git, commit };
}

/** A commit object carrying `signedId`'s signature over different content, written with `git hash-object`, and made HEAD. */
export function liftSignature(fixture: SigningFixture, signedId: string, newMessage: string): string {
  const raw = fixture.git(['cat-file', 'commit', signedId]);
  const parent = fixture.git(['rev-parse', 'HEAD']);
  const lines = raw.split('\n');
  const withParent = lines.map((line) => (line.startsWith('parent ') ? `parent ${parent}` : line));
  const blank = withParent.indexOf('');
  const forged = `${[...withParent.slice(0, blank), ''].join('\n')}\n${newMessage}\n`;
  const objectFile = path.join(fixture.dir, 'forged-commit');
  writeFileSync(objectFile, forged);
  const id = fixture.git(['hash-object', '-t', 'commit', '-w', objectFile]);
  fixture.git(['update-ref', 'refs/heads/main', id]);
  return id;
}

/** A commit on HEAD carrying `armored` as its gpgsig header (e.g. a gitsign x509 signature). */
export function commitWithSignature(fixture: SigningFixture, armored: string, message: string): string {
  const parent = fixture.git(['rev-parse', 'HEAD']);
  const tree = fixture.git(['rev-parse', 'HEAD^{tree}']);
  const who = 'Xavier <xavier@example.com> 1767323045 +0000';
  const object = `tree ${tree}\nparent ${parent}\nauthor ${who}\ncommitter ${who}\ngpgsig ${armored.split('\n').join('\n ')}\n\n${message}\n`;
  const objectFile = path.join(fixture.dir, 'x509-commit');
  writeFileSync(objectFile, object);
  const id = fixture.git(['hash-object', '-t', 'commit', '-w', objectFile]);
  fixture.git(['update-ref', 'refs/heads/main', id]);
  return id;
}

/** An unsigned commit on top of `parent` that only `refs` point at (HEAD stays where it is), written with `git commit-tree`. */
export function offHeadCommit(fixture: SigningFixture, parent: string, message: string, refs: readonly string[]): string {
  const id = fixture.git(['commit-tree', `${parent}^{tree}`, '-p', parent, '-m', message]);
  for (const ref of refs) fixture.git(['update-ref', ref, id]);
  return id;
}
