import { looksRandom } from '../assignment.js';
import type { Detector } from '../detector.js';
import type { CharClass } from '../token-shape.js';
import { CLASS, keyed, prefixed } from './define.js';
import { keyNearHost } from './peer-gaps.js';

/**
 * Formats with a marker of their own found missing by going through the three peers' rule lists
 * provider by provider (gitleaks' rules, TruffleHog's detectors, Nosey Parker's rules): Deno Deploy,
 * pganalyze, Recharge, Spectral, Tableau, PubNub, FullStory, and Azure
 * Cosmos DB keys written beside their account's host, ThingsBoard device provisioning keys.
 */
const MIXED = (token: string): boolean => /[0-9]/.test(token) && /[A-Z]/.test(token) && /[a-z]/.test(token);
const oneOf = (chars: string): CharClass => ({ regex: chars, chars });
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A PubNub secret key: `sec-c-` and the base64 of a UUID. */
function isPubnubSecret(token: string): boolean {
  return UUID_TEXT.test(Buffer.from(token.slice(6), 'base64').toString('latin1'));
}

export const surveyGapDetectors: readonly Detector[] = [
  prefixed('secret-deno-deploy-token', { provider: 'Deno Deploy', kind: 'access token (personal ddp_, organization ddo_, ddw_)', shape: ['dd', [oneOf('opw'), 1], '_', [CLASS.alnum, 36]],
    keywords: ['ddp_', 'ddo_', 'ddw_'], check: (token) => MIXED(token.slice(4)),
    impact: 'Deploys and deletes the projects of the user or organization, and reads and changes their environment variables (and so their secrets).', revoke: 'Delete the token in the Deno Deploy dashboard under Account settings (or the organization\'s settings) → Access tokens.', reference: 'https://docs.deno.com/deploy/manual/api/' }),
  prefixed('secret-pganalyze-read-key', { provider: 'pganalyze', kind: 'read-only API key', shape: ['pgar_', [CLASS.alnum, 27]], check: (token) => MIXED(token.slice(5)), severity: 'high',
    impact: 'Reads the organization\'s monitored Postgres servers through the GraphQL API: query texts and samples (which hold data), schema and settings.', revoke: 'Delete the API key under Settings → API keys in pganalyze.', reference: 'https://pganalyze.com/docs/api' }),
  prefixed('secret-recharge-api-token', { provider: 'Recharge', kind: 'API token', shape: ['sk_', [CLASS.digits, 1, 2], 'x', [oneOf('123'), 1], '_', [CLASS.anyHex, 64]],
    keywords: ['x1_', 'x2_', 'x3_'], check: (token) => looksRandom(token.slice(token.lastIndexOf('_') + 1), 24),
    impact: 'Reads and changes the store\'s subscriptions, customers (with addresses) and charges through the Recharge API, by the token\'s scopes.', revoke: 'Delete the token under Apps & integrations → API tokens in the Recharge merchant portal.', reference: 'https://developer.rechargepayments.com/2021-11/authentication' }),
  prefixed('secret-recharge-test-api-token', { provider: 'Recharge', kind: 'test-store API token', shape: ['sk_test_', [CLASS.digits, 1, 2], 'x', [oneOf('123'), 1], '_', [CLASS.anyHex, 64]],
    keywords: ['sk_test_'], check: (token) => looksRandom(token.slice(token.lastIndexOf('_') + 1), 24), severity: 'medium',
    impact: 'Reads and changes the test store\'s subscriptions and customers.', revoke: 'Delete the token under Apps & integrations → API tokens in the Recharge merchant portal.', reference: 'https://developer.rechargepayments.com/2021-11/authentication' }),
  prefixed('secret-spectral-user-token', { provider: 'Spectral (Check Point)', kind: 'personal token (spu-)', shape: ['spu-', [CLASS.lowerAlnum, 32]], check: (token) => looksRandom(token.slice(4), 24),
    impact: 'Reads the account\'s scan results (every issue and secret Spectral found) and changes its assets and policies.', revoke: 'Regenerate the personal token under Settings → Personal token in the Spectral console.', reference: 'https://guides.spectralops.io/docs/how-to-get-your-dsn' }),
  // `<16 random bytes, base64>==:<32 characters>`: the secret of a personal access token (its name is kept apart)
  prefixed('secret-tableau-personal-token', { provider: 'Tableau', kind: 'personal access token secret', shape: [[CLASS.base64, 22], '==:', [CLASS.alnum, 32]],
    keywords: ['==:'], boundary: 'A-Za-z0-9+/=:', check: (token) => MIXED(token.slice(25)) && looksRandom(token.slice(0, 22), 16),
    impact: 'Signs in to Tableau Server or Tableau Cloud as the user through the REST API: reads and publishes the workbooks and data sources the user can.', revoke: 'Revoke the token under My Account Settings → Personal Access Tokens (or a site admin revokes it under Users).', reference: 'https://help.tableau.com/current/server/en-us/security_personal_access_tokens.htm' }),
  prefixed('secret-pubnub-secret-key', { provider: 'PubNub', kind: 'secret key', shape: ['sec-c-', [CLASS.base64, 48]], boundary: 'A-Za-z0-9+/=_-', check: isPubnubSecret,
    finish: (sample) => `sec-c-${Buffer.from(uuidOf(sample.slice(6))).toString('base64')}`,
    impact: 'Grants and revokes access (Access Manager) for the keyset and signs its requests: with the publish and subscribe keys, full control of every channel of the keyset.', revoke: 'Create a new keyset (secret keys cannot be rotated in place) and move clients to it in the PubNub Admin Portal.', reference: 'https://www.pubnub.com/docs/general/security/access-control' }),
  prefixed('secret-fullstory-api-key', { provider: 'FullStory', kind: 'API key', shape: ['na1.', [CLASS.base64, 96, 120]], boundary: 'A-Za-z0-9+/.', check: (token) => MIXED(token.slice(4)) && looksRandom(token.slice(4), 24),
    impact: 'Reads the organization\'s recorded sessions, users and events through the FullStory API, and with an admin key changes its settings.', revoke: 'Delete the key under Settings → Integrations → API keys.', reference: 'https://developer.fullstory.com/server/authentication/' }),
  keyed('secret-thingsboard-provision-key', { provider: 'ThingsBoard', kind: 'device provisioning key or secret', words: ['provisiondevicekey', 'provisiondevicesecret', 'provision_device_key', 'provision_device_secret', 'provision-device-key', 'provision-device-secret'],
    value: CLASS.lowerAlnum, length: [20, 20], sampleKey: 'provisionDeviceSecret', keySays: /key|secret/i, check: (key) => /[0-9]/.test(key) && /[a-z]/.test(key) && looksRandom(key, 16),
    impact: 'Provisions new devices into the tenant\'s device profile: each gets credentials to post telemetry and receive commands as a trusted device.', revoke: 'Change the provision key and secret in the device profile\'s Device provisioning settings.', reference: 'https://thingsboard.io/docs/user-guide/device-provisioning/' }),
  keyNearHost({
    id: 'secret-azure-cosmosdb-key', kind: 'Cosmos DB account key', host: '.documents.azure.com', variable: 'COSMOS_DB',
    sampleUrl: (random) => `https://${random.chars(CLASS.lowerAlnum.chars, 12)}.documents.azure.com:443/`,
    impact: 'Reads, writes and deletes every database and container of the Cosmos DB account (a primary key), or reads them all (a read-only key).',
    revoke: 'Regenerate the key under Cosmos DB account → Keys, and prefer Entra ID (role-based) access over account keys.',
    reference: 'https://learn.microsoft.com/azure/cosmos-db/secure-access-to-data',
  }),
];

/** Random sample characters made into a UUID's text (a PubNub secret key is the base64 of one). */
function uuidOf(random: string): string {
  const hex = [...random].map((char) => (char.charCodeAt(0) % 16).toString(16)).join('');
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20, 32)].join('-');
}
