import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checksCommitSignatures } from '../verify/commit-scan.js';
import { withConfigCommitPolicy } from '../verify/commit-policy.js';
import { parseConfig } from './parse.js';

const SOURCE = path.join('/repo', 'ci', '.rampart.yaml');

function configError(text: string): string {
  try {
    parseConfig(text, SOURCE);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a config error');
}

describe('verify.commits in .rampart.yaml', () => {
  it('reads the commit policy, resolving files against the config file', () => {
    const config = parseConfig([
      'verify:',
      '  trustedRoot: sigstore/trusted_root.json',
      '  commits:',
      '    allowedSigners: ../.github/allowed_signers',
      '    gpgKeyring: keys/maintainers.asc',
      '    requireSignedSince: 3f2a1c0',
      '    tags: true',
      '    identityRegexp: "@acme\\\\.com$"',
      '    issuer: https://github.com/login/oauth',
    ].join('\n'), SOURCE);
    expect(config.verify).toEqual({
      trustedRoot: '/repo/ci/sigstore/trusted_root.json',
      commits: {
        allowedSigners: '/repo/.github/allowed_signers',
        gpgKeyring: '/repo/ci/keys/maintainers.asc',
        requireSignedSince: '3f2a1c0',
        tags: true,
        identityRegexp: '@acme\\.com$',
        issuer: 'https://github.com/login/oauth',
      },
    });
  });

  it('needs a trust source, naming the file, line and field', () => {
    const message = configError('failOn: high\nverify:\n  commits:\n    tags: true\n    requireSignedSince: main\n');
    expect(message).toContain(SOURCE);
    expect(message).toMatch(/line 4: verify\.commits: no trusted signer: give allowedSigners, gpgKeyring, or identity/);
    expect(configError('verify:\n  commits:\n    identity: a@example.com\n    issuer: https://issuer\n'))
      .toMatch(/line 3: verify\.commits\.identity: gitsign signers need verify\.trustedRoot/);
  });

  it('takes identity and issuer in pairs, as the flags do', () => {
    const root = 'verify:\n  trustedRoot: root.json\n  commits:\n    allowedSigners: signers\n';
    expect(configError(`${root}    identity: a@example.com\n`)).toMatch(/line 5: verify\.commits\.identity: keyless verification needs issuer or issuerRegexp/);
    expect(configError(`${root}    issuerRegexp: "^https://"\n`)).toMatch(/line 5: verify\.commits\.issuerRegexp: needs identity or identityRegexp/);
    expect(configError(`${root}    extra: 1\n`)).toMatch(/verify\.commits: Unrecognized key: "extra"/);
  });

  it('refuses a regular expression that does not compile', () => {
    const message = configError('verify:\n  trustedRoot: root.json\n  commits:\n    identityRegexp: "(unclosed"\n    issuer: https://issuer\n');
    expect(message).toMatch(/line 4: verify\.commits\.identityRegexp: invalid regular expression/);
  });

  it('reads identity patterns as cosign (Go RE2) does: a leading (?i), long counted repeats, linear time', () => {
    const commits = (identityRegexp: string): string => `verify:\n  trustedRoot: root.json\n  commits:\n    identityRegexp: '${identityRegexp}'\n    issuer: https://issuer\n`;
    expect(() => parseConfig(commits('(?i)^https://github\\.com/[a-z0-9-]{1,39}/'), SOURCE)).not.toThrow();
    expect(configError(commits('^a(?i)b'))).toMatch(/line 4: verify\.commits\.identityRegexp: inline flags are only read at the start of the pattern .*put \(\?i\) first/);
    expect(configError(commits('^[a-z]{1,90000}$'))).toMatch(/line 4: verify\.commits\.identityRegexp: counted repeat \{1,90000\} is too large .*write \+ or \* instead/);
  });
});

describe('the commit policy beneath the flags', () => {
  const config = parseConfig([
    'verify:',
    '  trustedRoot: root.json',
    '  commits:',
    '    allowedSigners: signers',
    '    requireSignedSince: v1.0.0',
    '    identity: alice@example.com',
    '    issuer: https://github.com/login/oauth',
  ].join('\n'), SOURCE);

  it('applies the config alone, and marks it as the reason commits are checked', () => {
    const verify = withConfigCommitPolicy(undefined, config.verify, SOURCE);
    expect(verify).toEqual({
      allowedSigners: '/repo/ci/signers',
      requireSignedSince: 'v1.0.0',
      trustedRoot: '/repo/ci/root.json',
      commitSigner: { certificateIdentity: 'alice@example.com', certificateOidcIssuer: 'https://github.com/login/oauth' },
      commitPolicyFrom: SOURCE,
    });
    expect(checksCommitSignatures(verify)).toBe(true);
  });

  it('lets each flag win over the same config field', () => {
    const verify = withConfigCommitPolicy({ allowedSigners: 'flag_signers', certificateIdentityRegexp: '@acme\\.com$', trustedRoot: 'flag_root.json' }, config.verify, SOURCE);
    expect(verify).toMatchObject({ allowedSigners: 'flag_signers', requireSignedSince: 'v1.0.0', trustedRoot: 'flag_root.json' });
    // the identity flag replaces the config's identity; the config's issuer stays
    expect(verify?.commitSigner).toEqual({ certificateIdentityRegexp: '@acme\\.com$', certificateOidcIssuer: 'https://github.com/login/oauth' });
    expect(verify?.commitPolicyFrom).toBeUndefined();
  });

  it('keeps the config keyless signers of commits apart from the image signers of --verify', () => {
    const verify = withConfigCommitPolicy({ images: true, keys: ['cosign.pub'] }, config.verify, SOURCE);
    expect(verify).toMatchObject({ images: true, keys: ['cosign.pub'], commitSigner: { certificateIdentity: 'alice@example.com' } });
    expect(verify?.certificateIdentity).toBeUndefined();
  });

  it('does not check commits for an image-only config', () => {
    const imagesOnly = parseConfig('verify:\n  trustedRoot: root.json\n  images:\n    - match: "ghcr.io/**"\n      keys: [cosign.pub]\n', SOURCE);
    expect(checksCommitSignatures(withConfigCommitPolicy(undefined, imagesOnly.verify, SOURCE))).toBe(false);
    expect(checksCommitSignatures(withConfigCommitPolicy({ images: true }, imagesOnly.verify, SOURCE))).toBe(false);
    // a commit flag still gets the config's trusted root for gitsign commits
    expect(withConfigCommitPolicy({ allowedSigners: 'signers' }, imagesOnly.verify, SOURCE)).toEqual({ allowedSigners: 'signers', trustedRoot: '/repo/ci/root.json' });
  });
});
