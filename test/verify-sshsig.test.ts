import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllowedSigners, parseSshTime } from '../src/verify/allowed-signers.js';
import { trustSshSigner } from '../src/verify/ssh-trust.js';
import { matchPatternList } from '../src/verify/ssh-patterns.js';
import { sshString } from '../src/verify/ssh-wire.js';
import { parseSshSignature, verifySshSignatureOver } from '../src/verify/sshsig.js';

let dir: string;
const message = Buffer.from('tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\nhello\n');

function keygen(name: string, ...args: string[]): string {
  execFileSync('ssh-keygen', ['-q', '-N', '', '-C', name, '-f', path.join(dir, name), ...args]);
  return path.join(dir, name);
}

/** `ssh-keygen -Y sign`, the program git runs for SSH signing. */
function sign(key: string, namespace = 'git'): string {
  const file = path.join(dir, `message-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, message);
  execFileSync('ssh-keygen', ['-q', '-Y', 'sign', '-f', key, '-n', namespace, file]);
  return readFileSync(`${file}.sig`, 'utf8');
}

/** Signing with a certificate needs the private key in an agent; this agent lives as long as the command. */
function signWithCertificate(key: string): string {
  const file = path.join(dir, `message-cert-${path.basename(key)}`);
  writeFileSync(file, message);
  execFileSync('ssh-agent', ['sh', '-c', 'ssh-add -q "$0" && ssh-keygen -q -Y sign -f "$0-cert.pub" -n git "$1"', key, file], { stdio: 'ignore' });
  return readFileSync(`${file}.sig`, 'utf8');
}

const publicKey = (key: string): string => readFileSync(`${key}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'rampart-sshsig-'));
});

describe('SSHSIG verification with Node crypto', () => {
  for (const [type, args] of [['ed25519', ['-t', 'ed25519']], ['ecdsa-p256', ['-t', 'ecdsa', '-b', '256']], ['ecdsa-p384', ['-t', 'ecdsa', '-b', '384']], ['ecdsa-p521', ['-t', 'ecdsa', '-b', '521']], ['rsa', ['-t', 'rsa', '-b', '2048']]] as const) {
    it(`verifies ${type} signatures made by ssh-keygen and rejects altered content`, () => {
      const key = keygen(type, ...args);
      const signature = parseSshSignature(sign(key));
      expect(verifySshSignatureOver(signature, message, 'git')).toBe(true);
      expect(verifySshSignatureOver(signature, Buffer.concat([message, Buffer.from(' ')]), 'git')).toBe(false);
      expect(verifySshSignatureOver(signature, message, 'file')).toBe(false);
    });
  }

  it('trusts a certificate signed by a cert-authority line, for the certificate principals (exact names) and validity', () => {
    const ca = keygen('ca', '-t', 'ed25519');
    const user = keygen('dev', '-t', 'ed25519');
    execFileSync('ssh-keygen', ['-q', '-s', ca, '-I', 'dev-cert', '-n', 'dev@example.com', '-V', '20250101:20300101', `${user}.pub`]);
    const signature = parseSshSignature(signWithCertificate(user));
    expect(signature.certificate?.principals).toEqual(['dev@example.com']);
    expect(verifySshSignatureOver(signature, message, 'git')).toBe(true);
    const signers = parseAllowedSigners(`*@example.com cert-authority ${publicKey(ca)}\n`, 'allowed_signers');
    const at = new Date('2026-06-01T00:00:00Z');
    expect(trustSshSigner(signers, signature, 'dev@example.com', 'git', at)).toMatchObject({ trusted: true });
    expect(trustSshSigner(signers, signature, 'other@example.com', 'git', at)).toMatchObject({ trusted: false, detail: expect.stringContaining('is for dev@example.com') });
    expect(trustSshSigner(signers, signature, 'dev@example.com', 'git', new Date('2031-01-01T00:00:00Z'))).toMatchObject({ trusted: false, detail: expect.stringContaining('was not valid') });
    const wild = keygen('wild', '-t', 'ed25519');
    execFileSync('ssh-keygen', ['-q', '-s', ca, '-I', 'wild-cert', '-n', '*@example.com', '-V', '20250101:20300101', `${wild}.pub`]);
    const wildSignature = parseSshSignature(signWithCertificate(wild));
    expect(trustSshSigner(signers, wildSignature, 'dev@example.com', 'git', at)).toMatchObject({ trusted: false, detail: expect.stringContaining('is for *@example.com') });
    const plainLine = parseAllowedSigners(`dev@example.com ${publicKey(ca)}\n`, 'allowed_signers');
    expect(trustSshSigner(plainLine, signature, 'dev@example.com', 'git', at)).toMatchObject({ trusted: false, reason: 'unknown-key' });
  });

  it('applies valid-after and valid-before (inclusive, as ssh-keygen) at the signing time', () => {
    const key = keygen('timed', '-t', 'ed25519');
    const signature = parseSshSignature(sign(key));
    const signers = parseAllowedSigners(`timed@example.com valid-after="20260101Z",valid-before="20270101Z" ${publicKey(key)}\n`, 'allowed_signers');
    expect(trustSshSigner(signers, signature, 'timed@example.com', 'git', new Date('2026-03-01T00:00:00Z'))).toMatchObject({ trusted: true });
    expect(trustSshSigner(signers, signature, 'timed@example.com', 'git', new Date('2025-12-31T00:00:00Z'))).toMatchObject({ trusted: false, detail: expect.stringContaining('valid only after') });
    expect(trustSshSigner(signers, signature, 'timed@example.com', 'git', new Date('2027-01-01T00:00:00Z'))).toMatchObject({ trusted: true });
    expect(trustSshSigner(signers, signature, 'timed@example.com', 'git', new Date('2027-01-01T00:00:01Z'))).toMatchObject({ trusted: false, detail: expect.stringContaining('valid only until') });
  });
});

describe('allowed_signers parsing', () => {
  it('reads quoted principals, options and comments', () => {
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGNJSbwAiL8LMMHFkzxmR3MUGyHiB3WgcdW8XzeWR/zX';
    const signers = parseAllowedSigners([
      '# comment',
      '',
      `"a@x.org,b@x.org" namespaces="git,file",cert-authority ${key} comment here`,
      `c@x.org ${key}`,
    ].join('\n'), 'signers');
    expect(signers.map((signer) => [signer.principals, signer.certAuthority, signer.namespaces, signer.line])).toEqual([
      ['a@x.org,b@x.org', true, 'git,file', 3],
      ['c@x.org', false, undefined, 4],
    ]);
  });

  it('refuses what ssh-keygen refuses: repeated valued options, valid-before not after valid-after, unknown options', () => {
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGNJSbwAiL8LMMHFkzxmR3MUGyHiB3WgcdW8XzeWR/zX';
    expect(() => parseAllowedSigners(`a@x.org namespaces="git",namespaces="file" ${key}\n`, 'f')).toThrow(/multiple "namespaces" clauses/);
    expect(() => parseAllowedSigners(`a@x.org valid-after=20260101Z,valid-before=20250101Z ${key}\n`, 'f')).toThrow(/"valid-before" time is before "valid-after"/);
    expect(() => parseAllowedSigners(`a@x.org no-cert-authority ${key}\n`, 'f')).toThrow(/unknown option/);
    expect(parseAllowedSigners(`a@x.org CERT-AUTHORITY,Namespaces="git" ${key}\n`, 'f')[0]).toMatchObject({ certAuthority: true, namespaces: 'git' });
  });

  it('names the file and line of a bad entry', () => {
    expect(() => parseAllowedSigners('a@x.org bogus-option ssh-ed25519 AAAA\n', 'team_signers')).toThrow(/^team_signers:1: /);
    expect(() => parseAllowedSigners('a@x.org ssh-ed25519\n', 'team_signers')).toThrow(/team_signers:1/);
  });

  it('matches principals like OpenSSH pattern lists', () => {
    expect(matchPatternList('ci@erin.example', 'erin@example.com,*@erin.example')).toBe(true);
    expect(matchPatternList('bot@erin.example', '*@erin.example,!bot@*')).toBe(false);
    expect(matchPatternList('a.b@x.org', 'a?b@x.org')).toBe(true);
    expect(matchPatternList('axb@x.org', 'a.b@x.org')).toBe(false);
  });

  it('reads OpenSSH times in UTC with Z and local time without', () => {
    expect(parseSshTime('20260102Z').toISOString()).toBe('2026-01-02T00:00:00.000Z');
    expect(parseSshTime('202601020304Z').toISOString()).toBe('2026-01-02T03:04:00.000Z');
    expect(() => parseSshTime('2026-01-02')).toThrow(/invalid time/);
  });
});

describe('FIDO (sk-) SSH signatures', () => {
  const USER_PRESENT = 0x01;
  const USER_VERIFIED = 0x04;

  /**
   * Builds what a security key and ssh-keygen produce with a software key (PROTOCOL.u2f, PROTOCOL.sshsig):
   * the authenticator signs SHA256(application) || flags || counter || SHA256(data), and the SSH
   * signature blob is `string type, string signature, byte flags, uint32 counter`.
   */
  function securityKeySignature(flags: number, kind: 'ed25519' | 'ecdsa' = 'ed25519'): { armored: string; keyLine: string } {
    const application = 'ssh:';
    let type: string;
    let keyBlob: Buffer;
    let signWith: (data: Buffer) => Buffer;
    if (kind === 'ed25519') {
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      type = 'sk-ssh-ed25519@openssh.com';
      keyBlob = Buffer.concat([sshString(type), sshString(Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url')), sshString(application)]);
      signWith = (data) => cryptoSign(null, data, privateKey);
    } else {
      const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = publicKey.export({ format: 'jwk' });
      const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x ?? '', 'base64url'), Buffer.from(jwk.y ?? '', 'base64url')]);
      type = 'sk-ecdsa-sha2-nistp256@openssh.com';
      keyBlob = Buffer.concat([sshString(type), sshString('nistp256'), sshString(point), sshString(application)]);
      signWith = (data) => {
        const raw = cryptoSign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
        const mpint = (bytes: Buffer): Buffer => sshString((bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
        return Buffer.concat([mpint(raw.subarray(0, 32)), mpint(raw.subarray(32))]);
      };
    }
    const digest = createHash('sha512').update(message).digest();
    const signedData = Buffer.concat([Buffer.from('SSHSIG'), sshString('git'), sshString(''), sshString('sha512'), sshString(digest)]);
    const counter = Buffer.from([0, 0, 0, 7]);
    const sha256 = (bytes: Buffer | string): Buffer => createHash('sha256').update(bytes).digest();
    const authenticatorData = Buffer.concat([sha256(application), Buffer.from([flags]), counter, sha256(signedData)]);
    const signatureBlob = Buffer.concat([sshString(type), sshString(signWith(authenticatorData)), Buffer.from([flags]), counter]);
    const version = Buffer.from([0, 0, 0, 1]);
    const blob = Buffer.concat([Buffer.from('SSHSIG'), version, sshString(keyBlob), sshString('git'), sshString(''), sshString('sha512'), sshString(signatureBlob)]);
    return { armored: `-----BEGIN SSH SIGNATURE-----\n${blob.toString('base64')}\n-----END SSH SIGNATURE-----\n`, keyLine: `${type} ${keyBlob.toString('base64')}` };
  }

  for (const kind of ['ed25519', 'ecdsa'] as const) {
    it(`verifies sk-${kind} signatures with user presence and refuses them without`, () => {
      const touched = securityKeySignature(USER_PRESENT, kind);
      const signature = parseSshSignature(touched.armored);
      expect(verifySshSignatureOver(signature, message, 'git')).toBe(true);
      expect(verifySshSignatureOver(signature, Buffer.concat([message, Buffer.from(' ')]), 'git')).toBe(false);
      const signers = parseAllowedSigners(`yubi@example.com no-touch-required ${touched.keyLine}\n`, 'allowed_signers');
      expect(trustSshSigner(signers, signature, 'yubi@example.com', 'git', new Date())).toMatchObject({ trusted: true });
      expect(verifySshSignatureOver(parseSshSignature(securityKeySignature(0x00, kind).armored), message, 'git')).toBe(false);
    });

    it(`verify-required trusts sk-${kind} signatures with the user-verification flag only`, () => {
      for (const [flags, trusted] of [[USER_PRESENT | USER_VERIFIED, true], [USER_PRESENT, false]] as const) {
        const made = securityKeySignature(flags, kind);
        const signature = parseSshSignature(made.armored);
        expect(verifySshSignatureOver(signature, message, 'git')).toBe(true);
        const strict = parseAllowedSigners(`yubi@example.com Verify-Required,namespaces="git" ${made.keyLine}\n`, 'allowed_signers');
        expect(strict[0]?.verifyRequired).toBe(true);
        const verdict = trustSshSigner(strict, signature, 'yubi@example.com', 'git', new Date());
        expect(verdict).toMatchObject(trusted ? { trusted: true } : {
          trusted: false,
          reason: 'not-allowed',
          detail: expect.stringContaining('requires user verification (verify-required) but the signature lacks it'),
        });
        const relaxed = parseAllowedSigners(`yubi@example.com ${made.keyLine}\n`, 'allowed_signers');
        expect(trustSshSigner(relaxed, signature, 'yubi@example.com', 'git', new Date())).toMatchObject({ trusted: true });
      }
    });
  }

  it('verify-required has no effect on keys that are not FIDO keys, as in sshd', () => {
    const key = keygen('plain-verify', '-t', 'ed25519');
    const signers = parseAllowedSigners(`plain@example.com verify-required ${publicKey(key)}\n`, 'allowed_signers');
    expect(trustSshSigner(signers, parseSshSignature(sign(key)), 'plain@example.com', 'git', new Date())).toMatchObject({ trusted: true });
  });
});
