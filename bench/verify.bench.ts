import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { deflateSync } from 'node:zlib';
import { listCommits, readObjects } from '../src/sources/git/commit-objects.js';
import { checkCommitSignatures, loadSignerTrust } from '../src/verify/commit-scan.js';
import { SignatureVerifier } from '../src/verify/commit-verifier.js';
import { sshString } from '../src/verify/ssh-wire.js';

const COMMITS = 5_000;
const EXTERNAL_SAMPLE = 40;

/** An Ed25519 SSH key and an SSHSIG signer, as `ssh-keygen -Y sign -n git` signs (sha512). */
function sshSigner(): { publicKeyLine: string; sign(message: Buffer): string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  const keyBlob = Buffer.concat([sshString('ssh-ed25519'), sshString(raw)]);
  const signWith = (key: KeyObject, message: Buffer): string => {
    const digest = createHash('sha512').update(message).digest();
    const signed = Buffer.concat([Buffer.from('SSHSIG'), sshString('git'), sshString(''), sshString('sha512'), sshString(digest)]);
    const signature = Buffer.concat([sshString('ssh-ed25519'), sshString(sign(null, signed, key))]);
    const version = Buffer.alloc(4);
    version.writeUInt32BE(1);
    const blob = Buffer.concat([Buffer.from('SSHSIG'), version, sshString(keyBlob), sshString('git'), sshString(''), sshString('sha512'), sshString(signature)]);
    const lines = blob.toString('base64').match(/.{1,70}/g) ?? [];
    return ['-----BEGIN SSH SIGNATURE-----', ...lines, '-----END SSH SIGNATURE-----'].join('\n');
  };
  return { publicKeyLine: `ssh-ed25519 ${keyBlob.toString('base64')}`, sign: (message) => signWith(privateKey, message) };
}

/** Writes a loose object exactly as git does (zlib of `<type> <size>\0<body>`), returning its id. */
function writeLooseObject(repo: string, type: string, body: Buffer): string {
  const store = Buffer.concat([Buffer.from(`${type} ${body.length}\0`), body]);
  const id = createHash('sha1').update(store).digest('hex');
  const directory = path.join(repo, '.git', 'objects', id.slice(0, 2));
  mkdirSync(directory, { recursive: true });
  writeFileSync(path.join(directory, id.slice(2)), deflateSync(store));
  return id;
}

/** A base commit from `git fast-import`, then a chain of commits signed here, every tenth unsigned. */
function buildRepository(dir: string, signer: ReturnType<typeof sshSigner>): string {
  const repo = path.join(dir, 'repo');
  mkdirSync(repo);
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  const stream = 'blob\nmark :1\ndata 12\nhello world\ncommit refs/heads/main\nmark :2\ncommitter Base <base@example.com> 1700000000 +0000\ndata 5\nbase\nM 100644 :1 README.md\n\n';
  execFileSync('git', ['-C', repo, 'fast-import', '--quiet'], { input: stream });
  const tree = execFileSync('git', ['-C', repo, 'rev-parse', 'main^{tree}'], { encoding: 'utf8' }).trim();
  let parent = execFileSync('git', ['-C', repo, 'rev-parse', 'main'], { encoding: 'utf8' }).trim();
  for (let index = 0; index < COMMITS; index += 1) {
    const who = `Bench <bench@example.com> ${1700000000 + index} +0000`;
    const headers = `tree ${tree}\nparent ${parent}\nauthor ${who}\ncommitter ${who}\n`;
    const message = `\nchange ${index}\n`;
    const payload = Buffer.from(headers + message);
    const body = index % 10 === 9 ? payload : Buffer.from(`${headers}gpgsig ${signer.sign(payload).split('\n').join('\n ')}\n${message}`);
    parent = writeLooseObject(repo, 'commit', body);
  }
  execFileSync('git', ['-C', repo, 'update-ref', 'refs/heads/main', parent]);
  // Real histories are packed; loose objects would measure the file system instead.
  execFileSync('git', ['-C', repo, 'repack', '-adq']);
  return repo;
}

/** External baseline: one `ssh-keygen -Y verify` process per commit, as `git log --show-signature` runs it. */
function sshKeygenRate(dir: string, repo: string, ids: readonly string[], allowedSigners: string): number {
  const started = performance.now();
  let checked = 0;
  for (const id of ids) {
    const raw = execFileSync('git', ['-C', repo, 'cat-file', 'commit', id]);
    const text = raw.toString('utf8');
    const start = text.indexOf('gpgsig ');
    if (start === -1) continue;
    const end = text.indexOf('-----END SSH SIGNATURE-----', start) + '-----END SSH SIGNATURE-----'.length;
    const signature = text.slice(start + 7, end).replace(/\n /g, '\n');
    const payload = text.slice(0, start) + text.slice(end + 1);
    const signatureFile = path.join(dir, 'sig');
    writeFileSync(signatureFile, signature);
    spawnSync('ssh-keygen', ['-Y', 'verify', '-f', allowedSigners, '-I', 'bench@example.com', '-n', 'git', '-s', signatureFile], { input: payload });
    checked += 1;
  }
  return checked / ((performance.now() - started) / 1000);
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'rampart-bench-verify-'));
  try {
    const signer = sshSigner();
    const buildStart = performance.now();
    const repo = buildRepository(dir, signer);
    const allowedSigners = path.join(dir, 'allowed_signers');
    writeFileSync(allowedSigners, `bench@example.com namespaces="git" ${signer.publicKeyLine}\n`);
    process.stdout.write(`built ${COMMITS} commits (${COMMITS * 0.9} signed) in ${((performance.now() - buildStart) / 1000).toFixed(1)} s\n`);

    const readStart = performance.now();
    const ids = await listCommits(repo);
    const listed = performance.now();
    await readObjects(repo, ids);
    const readSeconds = (performance.now() - readStart) / 1000;
    process.stdout.write(`baseline: list + read raw objects (git rev-list ${(listed - readStart).toFixed(0)} ms, cat-file --batch ${(performance.now() - listed).toFixed(0)} ms): ${(ids.length / readSeconds).toFixed(0)} commits/s\n`);

    const verify = { allowedSigners };
    const verifier = new SignatureVerifier(await loadSignerTrust(verify));
    const coldStart = performance.now();
    const results = await checkCommitSignatures({ repo, verify }, verifier);
    const coldSeconds = (performance.now() - coldStart) / 1000;
    const counts = results.reduce<Record<string, number>>((all, result) => ({ ...all, [result.verdict.status]: (all[result.verdict.status] ?? 0) + 1 }), {});
    process.stdout.write(`rampart: read + verify ${results.length} commits: ${(results.length / coldSeconds).toFixed(0)} commits/s (${JSON.stringify(counts)})\n`);

    const warmStart = performance.now();
    await checkCommitSignatures({ repo, verify }, verifier);
    const warmSeconds = (performance.now() - warmStart) / 1000;
    process.stdout.write(`rampart, same policy again in the run (cached per object id): ${(results.length / warmSeconds).toFixed(0)} commits/s\n`);

    const rate = sshKeygenRate(dir, repo, ids.slice(0, EXTERNAL_SAMPLE), allowedSigners);
    process.stdout.write(`baseline: ssh-keygen -Y verify, one process per commit (${EXTERNAL_SAMPLE} sampled): ${rate.toFixed(0)} commits/s\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
