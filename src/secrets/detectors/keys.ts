import { bech32Encode, isValidBech32 } from '../checksum.js';
import { PRIORITY, samplesOnce, type Detector } from '../detector.js';
import { isOpenSshPrivateKey, isPemPrivateKey, isPgpPrivateKey, pemBlock, sampleEcDer, sampleEd25519Pkcs8, sampleOpenSshKey, samplePgpKey, sampleRsaDer } from '../pem.js';
import { SampleRandom } from '../random.js';
import { tokenDetector } from '../token-shape.js';

const random = new SampleRandom('keys');

/** Base64 of a PEM or OpenSSH private key block. */
function isEncodedPrivateKey(value: string): boolean {
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  return isPemPrivateKey(decoded) || isOpenSshPrivateKey(decoded) || isPgpPrivateKey(decoded);
}
const KEY_REVOKE = 'Treat the key as compromised: replace it wherever it is trusted (authorized_keys, deploy keys, TLS certificates, signing keys), then remove it from the repository and its history. Keep keys in a secret manager or encrypt them with SOPS.';
const KEY_REFS = ['https://datatracker.ietf.org/doc/html/rfc7468', 'https://docs.github.com/en/code-security/secret-scanning/introduction/about-secret-scanning'];
const PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----`;
const TRUNCATED = '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi..\n-----END RSA PRIVATE KEY-----';
let ecSample: string | undefined;
/** One EC key shared by two detectors' samples (a PEM block and the kubeconfig holding it), made on first read. */
const ec = (): string => ecSample ??= pemBlock('EC PRIVATE KEY', sampleEcDer(random));

/**
 * `-----BEGIN … PRIVATE KEY-----`: the body may hold real line breaks or `\n` escapes; a comment
 * may follow the header line (fixtures mark lines that way).
 */
const pemPattern = (labels: string): RegExp =>
  new RegExp(String.raw`-----BEGIN (?:${labels})-----(?:[ \t]*#[^\r\n]{0,120})?[A-Za-z0-9+/=\s\\"']{40,16384}-----END (?:${labels})-----`, 'g');

function keyDetector(id: string, provider: string, kind: string, pattern: RegExp, validate: (text: string) => boolean, positives: () => string[], negatives: string[], keyword: string): Detector {
  return {
    id, provider, kind, keywords: [keyword], pattern, validate: (text) => validate(text),
    priority: PRIORITY.structural, severity: 'critical', localKey: true, window: { before: 0, after: 16384 },
    docs: { impact: 'Whoever holds a private key is its owner: decrypts traffic, signs commits, images or tokens, and logs in wherever the public half is trusted.', revoke: KEY_REVOKE, references: KEY_REFS },
    get samples() {
      return samplesOnce(this, () => ({ file: 'keys.yaml', positives: positives(), negatives }));
    },
  };
}

export const keyDetectors: readonly Detector[] = [
  keyDetector('secret-private-key', 'PEM', 'private key (RSA, EC, DSA or PKCS#8)', pemPattern('(?:RSA |EC |DSA )?PRIVATE KEY'), isPemPrivateKey, () => [
    `tls.key: |\n  ${pemBlock('RSA PRIVATE KEY', sampleRsaDer(random), '\n  ')}`.replace('-----\n', '----- # expect: secret-private-key\n'),
    `signing_key: "${pemBlock('PRIVATE KEY', sampleEd25519Pkcs8(random), '\\n')}"`,
    ec(),
  ], [PUBLIC_KEY, TRUNCATED, '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUFakeCertificateBodyOnly\n-----END CERTIFICATE-----', 'key: -----BEGIN PRIVATE KEY----- <paste here> -----END PRIVATE KEY-----'], '-----begin'),
  keyDetector('secret-openssh-private-key', 'OpenSSH', 'private key', pemPattern('OPENSSH PRIVATE KEY'), isOpenSshPrivateKey,
    () => [sampleOpenSshKey(random)], ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE deploy@ci', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABBkZXBsb3k=\n-----END OPENSSH PRIVATE KEY-----'], 'openssh private key'),
  Object.assign(keyDetector('secret-pgp-private-key', 'OpenPGP', 'secret key block', /-----BEGIN PGP PRIVATE KEY BLOCK-----[\s\S]{40,65536}?-----END PGP PRIVATE KEY BLOCK-----/g, isPgpPrivateKey,
      () => [samplePgpKey(random)], ['-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZQ1xKxYJKwYBBAHaRw8BAQdA\n-----END PGP PUBLIC KEY BLOCK-----'], 'pgp private key block'), {
    window: { before: 0, after: 65536 },
  }),
  Object.assign(keyDetector('secret-kubeconfig-client-key', 'Kubernetes', 'kubeconfig client key', /client-key-data:[ \t]*["']?(?<secret>[A-Za-z0-9+/]{100,16384}={0,2})/g,
      (value) => isPemPrivateKey(Buffer.from(value, 'base64').toString('utf8')),
      () => [`users:\n- name: admin\n  user:\n    client-certificate-data: LS0tLS1CRUdJTi...\n    client-key-data: ${Buffer.from(ec()).toString('base64')} # expect: secret-kubeconfig-client-key`],
      ['    client-key-data: REDACTED', `    client-key-data: ${Buffer.from(PUBLIC_KEY).toString('base64')}`], 'client-key-data'), {
    provider: 'Kubernetes',
    priority: PRIORITY.provider,
    window: { before: 0, after: 0 },
    docs: { impact: 'Authenticates to the cluster API as the certificate\'s user, often cluster-admin.', revoke: 'Kubernetes cannot revoke a client certificate: rotate the cluster CA or remove the user\'s RBAC bindings, then issue new kubeconfigs through OIDC or short-lived certificates.', references: ['https://kubernetes.io/docs/reference/access-authn-authz/authentication/#x509-client-certificates'] },
  }),
  Object.assign(keyDetector('secret-base64-private-key', 'PEM', 'private key, base64-encoded', /(?<![A-Za-z0-9+/])LS0tLS1CRUdJTi[A-Za-z0-9+/]{60,16384}={0,2}(?![A-Za-z0-9+/=])/g,
      (value) => isEncodedPrivateKey(value),
      () => [`SIGNING_KEY_B64: ${Buffer.from(ec()).toString('base64')}`, `export DEPLOY_KEY="${Buffer.from(sampleOpenSshKey(new SampleRandom('base64-private-key'))).toString('base64')}"`],
      [`ca.crt: ${Buffer.from('-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2F0Y2hNZUlmWW91Q2FuMB4XDTI0MDEwMTAwMDAwMFo=\n-----END CERTIFICATE-----\n').toString('base64')}`, `key: ${Buffer.from(PUBLIC_KEY).toString('base64')}`, `key: ${Buffer.from(TRUNCATED).toString('base64')}`], 'ls0tls1crudjti'), {
    // a key written as base64 of its PEM (Kubernetes data, CI variables, `base64 -w0 key.pem`): one line
    window: { before: 0, after: 0 },
    docs: { impact: 'Whoever decodes it holds the private key: decrypts traffic, signs commits, images or tokens, and logs in wherever the public half is trusted.', revoke: KEY_REVOKE, references: KEY_REFS },
  }),
  Object.assign(tokenDetector({
    id: 'secret-age-secret-key',
    provider: 'age',
    kind: 'secret key',
    shape: ['AGE-SECRET-KEY-1', [{ regex: 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L', chars: 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L' }, 58]],
    check: isValidBech32,
    finish: () => bech32Encode('age-secret-key-', Array.from({ length: 52 }, () => random.int(32))).toUpperCase(),
    corrupt: (sample) => sample.slice(0, 20) + (sample[20] === 'Q' ? 'P' : 'Q') + sample.slice(21),
    impact: 'Decrypts every SOPS file and age-encrypted secret encrypted to its public key: the whole encrypted side of the repository.',
    revoke: 'Generate a new age key, re-encrypt every SOPS file to it (`sops updatekeys`), rotate the secrets those files hold, and keep the key only in the cluster (Flux `sops-age` Secret) and a password manager.',
    references: ['https://age-encryption.org/v1', 'https://fluxcd.io/flux/guides/mozilla-sops/#encrypting-secrets-using-age'],
  }), { localKey: true }),
];
