import type { Detector } from '../detector.js';
import { SampleRandom } from '../random.js';
import { CLASS, tokenDetector } from '../token-shape.js';

const LOWER = { regex: 'a-z', chars: 'abcdefghijklmnopqrstuvwxyz' } as const;
const random = new SampleRandom('platform');

/** A cloudflared tunnel token: base64 of `{"a":account,"t":tunnel id,"s":secret}`. */
function isTunnelToken(token: string): boolean {
  try {
    const fields = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as Record<string, unknown>;
    return typeof fields['a'] === 'string' && typeof fields['t'] === 'string' && typeof fields['s'] === 'string' && fields['s'].length >= 16;
  } catch {
    return false;
  }
}

const tunnelToken = (fields: Record<string, string>): string => Buffer.from(JSON.stringify(fields)).toString('base64').replace(/=+$/, '');
const hex = (length: number): string => random.chars(CLASS.hex.chars, length);

/** Credentials of the platforms home-lab and company GitOps repositories wire clusters to. */
export const platformDetectors: readonly Detector[] = [
  tokenDetector({
    id: 'secret-tailscale-key', provider: 'Tailscale', kind: 'auth or API key',
    // tskey-auth-…, tskey-api-…, tskey-client-… (OAuth client secret), tskey-scim-…, tskey-webhook-…
    shape: ['tskey-', [LOWER, 3, 8], '-', [CLASS.alnum, 8, 24], '-', [CLASS.alnum, 24, 48]],
    impact: 'Joins machines to the tailnet (auth keys) or manages it through the API: devices, ACLs, DNS.',
    revoke: 'Revoke the key in the admin console under Settings → Keys (OAuth clients under Settings → OAuth clients), and use the Tailscale operator with an OAuth client kept in a secret store.',
    references: ['https://tailscale.com/kb/1085/auth-keys', 'https://tailscale.com/kb/1215/oauth-clients'],
  }),
  tokenDetector({
    id: 'secret-1password-service-account-token', provider: '1Password', kind: 'service account token',
    shape: ['ops_eyJ', [CLASS.base64, 200, 2000]],
    impact: 'Reads (and, by its grants, writes) every item of the vaults the service account can access: often every other secret of the cluster, through 1Password Connect or the operator.',
    revoke: 'Revoke the service account token in 1Password (Developer → Service accounts) and rotate what the vaults hold.',
    references: ['https://developer.1password.com/docs/service-accounts/'],
  }),
  tokenDetector({
    id: 'secret-jfrog-api-key', provider: 'JFrog', kind: 'Artifactory API key',
    shape: ['AKCp', [CLASS.alnum, 69]],
    impact: 'Reads and deploys artifacts (images, charts, packages) in the repositories the user can reach.',
    revoke: 'Revoke the API key in the JFrog Platform user profile and switch to scoped access tokens.',
    references: ['https://jfrog.com/help/r/jfrog-platform-administration-documentation/api-key'],
  }),
  tokenDetector({
    id: 'secret-jfrog-reference-token', provider: 'JFrog', kind: 'reference token',
    // base64 of `reftkn:01:`
    shape: ['cmVmdGtuOjAxOj', [CLASS.alnum, 40, 100]],
    impact: 'Acts with the access token it refers to: artifacts, builds and administration by its scope.',
    revoke: 'Revoke the token under Administration → User Management → Access Tokens.',
    references: ['https://jfrog.com/help/r/jfrog-platform-administration-documentation/access-tokens'],
  }),
  tokenDetector({
    id: 'secret-cloudflare-tunnel-token', provider: 'Cloudflare', kind: 'tunnel token',
    // base64 of `{"a":"` + account, tunnel id and secret
    shape: ['eyJhIjoi', [CLASS.base64, 80, 400]],
    check: isTunnelToken,
    finish: () => tunnelToken({ a: hex(32), t: `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`, s: Buffer.from(hex(32), 'hex').toString('base64') }),
    corrupt: () => tunnelToken({ a: hex(32), note: 'a tunnel token without its tunnel id and secret' }),
    impact: 'Runs a connector for the tunnel: whoever holds it can serve (or intercept) the hostnames routed through it.',
    revoke: 'Rotate the tunnel token (`cloudflared tunnel token --rotate` or the dashboard), and give cloudflared the token from a secret store.',
    references: ['https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/configure-tunnels/remote-tunnel-permissions/'],
  }),
];
