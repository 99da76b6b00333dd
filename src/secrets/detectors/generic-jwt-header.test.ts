import { describe, expect, it } from 'vitest';
import { findSecrets } from '../scan-text.js';
import { SampleRandom } from '../random.js';
import { hasJwsHeader } from './structured.js';

const random = new SampleRandom('generic-jwt-header');
const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const HS256_HEADER = b64url({ alg: 'HS256', typ: 'JWT' });
const signature = (): string => Buffer.from(random.bytes(32)).toString('base64url');

/** Rule ids and severities of everything found in `text`. */
const found = (text: string, path = 'values.yaml'): string[] => findSecrets(text, path).map((match) => `${match.detector.id}:${match.detector.severity}`);

describe('a value that opens with a JWT header', () => {
  it('is judged as a JWT: a header before a word is no credential', () => {
    // alphagov/govuk-helm-charts' helm-diff-sanitizer Makefile writes this into its test values
    expect(found(`database:\n  token: "${HS256_HEADER}.test"\n`)).toEqual([]);
    expect(found(`token: ${b64url({ typ: 'JWT', alg: 'RS256' })}.placeholder-signature-goes-here\n`)).toEqual([]);
    expect(found(`API_TOKEN=${HS256_HEADER}\n`, '.env')).toEqual([]);
    expect(found(`curl -H "Authorization: Bearer ${HS256_HEADER}.test" https://api.shop-prod.io/v1`, 'deploy.sh')).toEqual([]);
  });

  it('still fires as a JWT when it is one, signed, under the same key', () => {
    const token = `${HS256_HEADER}.${b64url({ sub: 'billing-worker', iss: 'https://auth.shop-prod.io', iat: 1732000000 })}.${signature()}`;
    expect(found(`database:\n  token: "${token}"\n`)).toEqual(['secret-jwt-token:high']);
  });

  it('takes only a JWS header for one: not other base64 JSON, not an encrypted token', () => {
    expect(hasJwsHeader(HS256_HEADER)).toBe(true);
    expect(hasJwsHeader(`${b64url({ typ: 'JWT' })}.x`)).toBe(true);
    // a JWE header names its encryption: its parts are ciphertext, not readable JSON
    expect(hasJwsHeader(`${b64url({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.${signature()}`)).toBe(false);
    expect(hasJwsHeader(b64url({ apiKey: 'k' }))).toBe(false);
    expect(hasJwsHeader(b64url(['alg']))).toBe(false);
    expect(hasJwsHeader('eyJhbGciOi')).toBe(false);
  });
});
