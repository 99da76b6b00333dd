import { PRIORITY, samplesOnce, type Detector, type MatchContext } from '../detector.js';
import { isDocumentedExample } from '../placeholders.js';
import { isPemPrivateKey, pemBlock, sampleEd25519Pkcs8 } from '../pem.js';
import { SampleRandom, HEX } from '../random.js';

const random = new SampleRandom('structured');

function decodeJson(segment: string): unknown {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** A signed JWT: JSON header with a real `alg`, JSON payload, a signature of real length. */
export function isSignedJwt(token: string): boolean {
  const [header, payload, signature = ''] = token.split('.');
  const parsedHeader = decodeJson(header ?? '');
  if (!parsedHeader || typeof parsedHeader !== 'object') return false;
  const alg = (parsedHeader as Record<string, unknown>)['alg'];
  if (typeof alg !== 'string' || alg.toLowerCase() === 'none') return false;
  const parsedPayload = decodeJson(payload ?? '');
  if (!parsedPayload || typeof parsedPayload !== 'object') return false;
  return Buffer.from(signature, 'base64url').length >= 16 && !isDocumentedExample(signature) && !hasOnlyExampleParties(parsedPayload as Record<string, unknown>);
}

/**
 * A value that opens with a JWS header: base64url of a JSON object naming `alg` or `typ` and no `enc`
 * (`eyJhbGciOi…`, `eyJ0eXAiOi…`), whole or before the first `.`. It is a JWT or a piece of one
 * (`eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.test` in a test's values) and is judged by isSignedJwt,
 * not by how random its characters are: a JWT's header is a handful of fixed JSON texts.
 * Encrypted tokens (JWE, `enc` in the header) are not: their parts are ciphertext.
 */
export function hasJwsHeader(value: string): boolean {
  if (!value.startsWith('eyJ')) return false;
  const dot = value.indexOf('.');
  const header = dot === -1 ? value : value.slice(0, dot);
  if (header.length > 2048 || !/^[A-Za-z0-9_-]+={0,2}$/.test(header)) return false;
  const parsed = decodeJson(header);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return false;
  const fields = parsed as Record<string, unknown>;
  return (typeof fields['alg'] === 'string' || typeof fields['typ'] === 'string') && !('enc' in fields);
}

/** A JWT or a piece of one: a header and a payload (`eyJ….eyJ…`), or a JWS header first (hasJwsHeader). */
export function opensAsJwt(value: string): boolean {
  return /^eyJ[A-Za-z0-9_-]+\.eyJ/.test(value) || hasJwsHeader(value);
}

/** RFC 2606's names reserved for documentation: `example.com`, `www.example.org`, `jrocket@example.com`. */
const EXAMPLE_DOMAIN = /(?:^|[@.\/])example\.(?:com|org|net)(?:$|[/:])/i;
/** A URL or host on the machine itself: `https://localhost:8443/uaa/oauth/token`, `127.0.0.1:8080`, `[::1]`, `app.localhost`. */
const LOOPBACK_HOST = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^@/\s]*@)?(?:(?:[a-z0-9-]+\.)*localhost|127(?:\.\d{1,3}){3}|\[::1\]|0\.0\.0\.0)(?:$|[/:])/i;

/**
 * A token no service beyond the reader's own machine accepts: made in a JWT builder for a document
 * or a test (the Online JWT Builder's default claims: `aud: www.example.com`, `sub:
 * jrocket@example.com`), or issued by a server on loopback (a test's UAA or Keycloak at
 * `https://localhost:8443/…`, captured into a fixture). Every party it names (issuer, subject,
 * audience) that is a domain or an address is on a domain reserved for examples or on loopback.
 */
function hasOnlyExampleParties(payload: Record<string, unknown>): boolean {
  const parties = ['iss', 'sub', 'aud'].flatMap((claim) => [payload[claim]].flat()).filter((value): value is string => typeof value === 'string' && /[.@]|^[a-z][a-z0-9+.-]*:\/\/|^localhost/i.test(value));
  return parties.length > 0 && parties.every((value) => EXAMPLE_DOMAIN.test(value) || LOOPBACK_HOST.test(value));
}

/** `"project_id": "project_id"`, also escaped inside a JSON string */
const SELF_NAMED_FIELD = /\\*"(project_id|private_key_id|client_id|client_email)\\*"[ \t]*:[ \t]*\\*"\1\\*"/;

/**
 * A key file whose account is a template's: its identity fields hold their own names
 * (`"project_id": "project_id"`, `"private_key_id": "private_key_id"`, as google-api-go-client's
 * test key that every vendoring repository copies). No account is named, so none signs in.
 */
function hasSelfNamedIdentity(context: MatchContext): boolean {
  const { text, index, match } = context;
  if (text === undefined || index === undefined || match === undefined) return false;
  const open = text.lastIndexOf('{', index);
  const close = text.indexOf('}', index + match.length);
  if (open === -1 || index - open > 4096) return false;
  return SELF_NAMED_FIELD.test(text.slice(open, close === -1 ? index + match.length + 4096 : Math.min(close, index + match.length + 4096)));
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (payload: Record<string, unknown>, alg = 'HS256', signatureBytes = 32): string =>
  `${b64url({ alg, typ: 'JWT' })}.${b64url(payload)}.${Buffer.from(random.bytes(signatureBytes)).toString('base64url')}`;
const JWT_IO = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

const serviceAccount = (privateKey: string): string => [
  '{',
  '  "type": "service_account",',
  '  "project_id": "shop-prod-4821",',
  `  "private_key_id": "${random.chars(HEX, 40)}",`,
  `  "private_key": "${privateKey}", # expect: secret-gcp-service-account-key`,
  '  "client_email": "deployer@shop-prod-4821.iam.gserviceaccount.com"',
  '}',
].join('\n');

export const structuredDetectors: readonly Detector[] = [
  {
    id: 'secret-jwt-token',
    provider: 'JSON Web Token',
    kind: 'signed token',
    keywords: ['eyj'],
    pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,2048}\.eyJ[A-Za-z0-9_-]{8,8192}\.[A-Za-z0-9_-]{16,2048}(?![A-Za-z0-9_-])/g,
    validate: isSignedJwt,
    priority: PRIORITY.structural,
    severity: 'high',
    window: { before: 0, after: 0 },
    docs: {
      summary: 'A signed JSON Web Token (a bearer credential: service account tokens, API tokens, sessions)',
      impact: 'A JWT is a bearer credential: until it expires (service account tokens often never do), anyone holding it is its subject.',
      revoke: 'Revoke the token at its issuer (delete the Kubernetes service account token Secret, rotate the signing key, or revoke the API token), then issue short-lived tokens at runtime.',
      references: ['https://datatracker.ietf.org/doc/html/rfc7519', 'https://kubernetes.io/docs/concepts/security/service-accounts/#authenticating-credentials'],
    },
    get samples() {
      return samplesOnce(this, () => ({
      file: 'client.yaml',
      positives: [
        `token: ${jwt({ iss: 'kubernetes/serviceaccount', sub: 'system:serviceaccount:ci:deployer', 'kubernetes.io/serviceaccount/namespace': 'ci' }, 'RS256', 256)}`,
        `Authorization: Bearer ${jwt({ sub: 'billing-worker', iat: 1732000000, scope: 'invoices:write' })}`,
        `token: ${jwt({ iss: 'https://auth.shop-prod.io', aud: 'api.example.com.shop-prod.io', sub: 'ops@shop-prod.io' })}`,
        // a loopback name in the path or as a subdomain of a real host is no loopback issuer
        `token: ${jwt({ iss: 'https://localhost.shop-prod.io/oauth/token', aud: ['kubernetes', 'openid'] }, 'RS256', 256)}`,
        `token: ${jwt({ iss: 'https://sso.shop-prod.io/realms/localhost', sub: 'a1b2c3' }, 'RS256', 256)}`,
      ],
      negatives: [
        `example: ${JWT_IO}`,
        // made in a JWT builder for a test: every party on a domain reserved for examples
        `token: ${jwt({ iss: 'Online JWT Builder', aud: 'www.example.com', sub: 'jrocket@example.com', role: 'Manager' })}`,
        // issued by a server on loopback (a test's UAA, a local Keycloak) and captured into a fixture
        `access_token: ${jwt({ iss: 'https://localhost:8443/uaa/oauth/token', sub: '20111719-ce3a-44aa-92ac-176c4e381f66', aud: ['kubernetes', 'openid'] }, 'RS256', 256)}`,
        `token: ${jwt({ iss: 'http://127.0.0.1:8080/realms/dev', azp: 'web' }, 'RS256', 256)}`,
        `unsigned: ${b64url({ alg: 'none' })}.${b64url({ sub: 'anonymous' })}.`,
        `truncated: ${b64url({ alg: 'HS256' })}.${b64url({ sub: 'x' })}`,
        `payload: eyJhcGlWZXJzaW9uIjoidjEifQ.eyJub3QiOiJhIGp3dCJ9.c2hvcnQ`,
      ],
    }));
    },
  },
  {
    id: 'secret-gcp-service-account-key',
    provider: 'Google Cloud',
    kind: 'service account key',
    keywords: ['service_account'],
    // also as a JSON string inside JSON (quotes escaped): a Docker registry password for `_json_key`
    // in a `.dockerconfigjson`, as `kubectl create secret docker-registry` writes it for Artifact Registry
    pattern: /\\*"private_key\\*"[ \t]*:[ \t]*\\*"(?<secret>-----BEGIN PRIVATE KEY-----[A-Za-z0-9+/=\\\s]{40,16384}-----END PRIVATE KEY-----(?:\\+n)?)\\*"/g,
    validate: (secret, context) => isPemPrivateKey(secret) && !hasSelfNamedIdentity(context),
    priority: PRIORITY.specific,
    severity: 'critical',
    window: { before: 4096, after: 16384 },
    docs: {
      impact: 'Authenticates as the service account, with every IAM role it holds, until the key is deleted; keys never expire by default.',
      revoke: 'Delete the key under IAM → Service accounts → Keys, check the audit logs for its use, and use Workload Identity (federation) instead of key files.',
      references: ['https://cloud.google.com/iam/docs/service-account-creds#key-types', 'https://cloud.google.com/iam/docs/best-practices-for-managing-service-account-keys'],
    },
    get samples() {
      return samplesOnce(this, () => ({
      file: 'gcp-key.json',
      positives: [
        serviceAccount(pemBlock('PRIVATE KEY', sampleEd25519Pkcs8(random), '\\n')),
        // the key file as the password of a Docker config (`_json_key`), a JSON string inside JSON
        `{"auths":{"europe-west1-docker.pkg.dev":{"username":"_json_key","password":${JSON.stringify(serviceAccount(pemBlock('PRIVATE KEY', sampleEd25519Pkcs8(random), '\\n')).replace(/ # expect:[^\n]*/, ''))}}}} # expect: secret-gcp-service-account-key`,
      ],
      negatives: [
        // a template's identity: fields holding their own names
        serviceAccount(pemBlock('PRIVATE KEY', sampleEd25519Pkcs8(random), '\\n')).replace(/ # expect:[^\n]*/, '').replace(/"project_id": "[^"]*"/, '"project_id": "project_id"').replace(/"private_key_id": "[^"]*"/, '"private_key_id": "private_key_id"'),
        '{\n  "type": "service_account",\n  "private_key": "<paste the key here>"\n}', '{"type": "authorized_user", "client_id": "764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com"}'],
    }));
    },
  },
];
