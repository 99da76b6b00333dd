import { looksRandom } from '../assignment.js';
import { PRIORITY, samplesOnce, type Detector } from '../detector.js';
import { isDocumentedExample } from '../placeholders.js';
import { SampleRandom } from '../random.js';
import type { CharClass } from '../token-shape.js';
import { CLASS, keyed, prefixed } from './define.js';

/**
 * Formats the peers' data still showed missing after the earlier passes: Azure keys written beside
 * the host they open (Batch accounts, API Management), API Management's git credential and
 * subscription keys, Cloudflare's scannable user and account tokens, Telnyx API v2 keys, Atlassian
 * Data Center personal access tokens, and providers with no marker of their own (Smooch/Sunshine
 * Conversations, Everhour, IPinfo, Facebook app secrets, Sumo Logic access IDs).
 */
const MIXED = (token: string): boolean => /[0-9]/.test(token) && /[A-Z]/.test(token) && /[a-z]/.test(token);
const HEX_DASH: CharClass = { regex: 'a-f0-9-', chars: CLASS.hex.chars };

/** 64 random bytes in base64: the shared keys Azure issues (storage, Batch, API Management); not after `sha512-` (an integrity digest). */
const KEY_64 = /(?<![A-Za-z0-9+/-])(?<secret>[A-Za-z0-9+/]{86}==)(?![A-Za-z0-9+/=])/g;

function isKey64(key: string): boolean {
  return Buffer.from(key, 'base64').length === 64 && looksRandom(key, 24) && !isDocumentedExample(key);
}

/** Lines either side of the host's keyword the key may sit on (`…_URL=` one line, `…_KEY=` the next). */
const NEAR_HOST = { before: 400, after: 400 } as const;

interface HostKey {
  readonly id: string;
  readonly kind: string;
  /** the host suffix: the keyword, and what the samples write */
  readonly host: string;
  readonly sampleUrl: (random: SampleRandom) => string;
  readonly variable: string;
  readonly impact: string;
  readonly revoke: string;
  readonly reference: string;
}

/**
 * An Azure shared key (64 bytes, base64) within a few lines of the host it opens: the key itself
 * has no marker, the host beside it names the service. Any 88-character base64 value elsewhere is
 * the generic rule's (under a credential key) or nobody's.
 */
export function keyNearHost(spec: HostKey): Detector {
  return {
    id: spec.id,
    provider: 'Azure',
    kind: spec.kind,
    keywords: [spec.host],
    pattern: KEY_64,
    validate: (key) => isKey64(key),
    // below the formats with a marker (a storage `AccountKey=` names the key better)
    priority: PRIORITY.structural,
    severity: 'critical',
    window: NEAR_HOST,
    docs: {
      summary: `An Azure ${spec.kind} (64 bytes, base64) written near its \`…${spec.host}\` URL`,
      impact: spec.impact,
      revoke: spec.revoke,
      references: [spec.reference],
    },
    get samples() {
      return samplesOnce(this, () => {
        const random = new SampleRandom(spec.id);
        const key = (): string => Buffer.from(random.bytes(64)).toString('base64');
        const url = spec.sampleUrl(random);
        return {
          file: 'deploy.env',
          positives: [
            `${spec.variable}_URL=${url}\n${spec.variable}_KEY=${key()} # expect: ${spec.id}`,
            `<id>${url}</id>\n<secret>${key()}</secret> # expect: ${spec.id}`,
          ],
          negatives: [
            `${spec.variable}_URL=${url}\nCHECKSUM=${key().slice(0, 86)}`,
            `${spec.variable}_URL=${url}\n${spec.variable}_KEY=${'A'.repeat(86)}==`,
            `${spec.variable}_URL=${url}\nINTEGRITY=sha512-${key()}`,
          ],
        };
      });
    },
  };
}

const hex = (random: SampleRandom, length: number): string => random.chars(CLASS.hex.chars, length);

/** Atlassian Data Center personal access tokens: base64 of `<12-digit id>:<20 random bytes>`. */
function isAtlassianDataCenterPat(token: string): boolean {
  const decoded = Buffer.from(token, 'base64');
  return decoded.length === 33 && /^\d{12}:$/.test(decoded.subarray(0, 13).toString('latin1')) && looksRandom(token.slice(16), 20);
}

const atlassianPat = (random: SampleRandom): string =>
  Buffer.concat([Buffer.from(`${random.chars('0123456789', 12)}:`), Buffer.from(random.bytes(20))]).toString('base64');

export const peerGapDetectors: readonly Detector[] = [
  keyNearHost({
    id: 'secret-azure-batch-key', kind: 'Batch account key', host: '.batch.azure.com', variable: 'AZURE_BATCH_ACCOUNT',
    sampleUrl: (random) => `https://${random.chars(CLASS.lowerAlnum.chars, 10)}.westeurope.batch.azure.com`,
    impact: 'Full control of the Batch account: creates pools and jobs that run any code on its compute nodes, billed to the subscription, and reads their task output.',
    revoke: 'Regenerate the key under Batch account → Keys, and prefer Entra ID authentication (managed identities) over shared keys.',
    reference: 'https://learn.microsoft.com/azure/batch/security-best-practices',
  }),
  keyNearHost({
    id: 'secret-azure-apim-management-key', kind: 'API Management direct management key', host: '.management.azure-api.net', variable: 'AZURE_APIM_MANAGEMENT',
    sampleUrl: (random) => `https://${random.chars(CLASS.lowerAlnum.chars, 9)}.management.azure-api.net`,
    impact: 'Signs SharedAccessSignature tokens for the API Management REST API of the instance: changes its APIs, policies, users and subscriptions.',
    revoke: 'Regenerate the primary or secondary key under API Management → Management API, and disable the direct management API if nothing needs it.',
    reference: 'https://learn.microsoft.com/rest/api/apimanagement/apimanagementrest/azure-api-management-rest-api-authentication',
  }),
  prefixed('secret-azure-apim-git-password', { provider: 'Azure', kind: 'API Management repository (git) password', shape: ['git&', [CLASS.digits, 12], '&', [CLASS.base64, 86], '=='], boundary: 'A-Za-z0-9+/=',
    check: (token) => isKey64(token.slice(17)),
    impact: 'Clones and pushes the API Management instance\'s configuration repository: a push deploys changed APIs, policies and named values.', revoke: 'Regenerate the access key under API Management → Repository (or the Management API key that generated it).', reference: 'https://learn.microsoft.com/azure/api-management/api-management-configuration-repository-git' }),
  keyed('secret-azure-apim-subscription-key', { provider: 'Azure', kind: 'API Management or AI services subscription key (Ocp-Apim-Subscription-Key)', words: ['subscription-key', 'subscription_key', 'subscriptionkey', 'apim_key', 'apim-key', 'apimkey', 'api_management'],
    value: CLASS.alnum, length: [32, 32], sampleKey: 'Ocp-Apim-Subscription-Key', check: (key) => looksRandom(key, 24), keySays: /key/i,
    sample: (random) => hex(random, 32),
    negatives: ['AZURE_SUBSCRIPTION_ID: 2f4a9c1e7b3d5f8a0c6e2b4d7f9a1c3e', 'subscription_key: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'],
    impact: 'Calls the APIs of the product it subscribes to (or the Azure AI service) as the subscriber, billed and rate-limited to them.', revoke: 'Regenerate the primary or secondary key of the subscription (API Management → Subscriptions, or the AI resource\'s Keys and Endpoint).', reference: 'https://learn.microsoft.com/azure/api-management/api-management-subscriptions' }),
  ...([['cfut', 'user API token (cfut_)'], ['cfat', 'account API token (cfat_)']] as const).map(([prefix, kind]) =>
    prefixed(`secret-cloudflare-${prefix === 'cfut' ? 'user' : 'account'}-api-token`, { provider: 'Cloudflare', kind, shape: [`${prefix}_`, [CLASS.alnum, 40], [CLASS.hex, 8]], check: MIXED,
      impact: 'Calls the Cloudflare API with the token\'s permissions: DNS, certificates, Workers, firewall rules of the zones and accounts it covers.', revoke: 'Roll or delete the token under My Profile → API Tokens (user tokens) or Manage Account → API Tokens (account tokens).', reference: 'https://developers.cloudflare.com/fundamentals/api/get-started/token-formats/' })),
  // the key id is a time-ordered UUID in capitals (`KEY0174…`, `KEY0196…`) until 2039
  prefixed('secret-telnyx-api-key', { provider: 'Telnyx', kind: 'API v2 key', shape: ['KEY01', [CLASS.upperHex, 30], '_', [CLASS.alnum, 22]], boundary: 'A-Za-z0-9_', check: (token) => MIXED(token.slice(36)),
    impact: 'Does anything the account can: places calls and sends messages billed to it, buys numbers, reads call recordings and message content.', revoke: 'Delete the key under Account settings → API Keys in the Mission Control Portal.', reference: 'https://developers.telnyx.com/development/api-fundamentals/authentication' }),
  keyed('secret-atlassian-data-center-pat', { provider: 'Atlassian Data Center', kind: 'personal access token (Jira, Confluence, Bitbucket, Bamboo)', words: ['jira', 'confluence', 'bitbucket', 'bamboo', 'atlassian'],
    value: CLASS.base64, length: [44, 44], sampleKey: 'JIRA_PAT', check: isAtlassianDataCenterPat, sample: atlassianPat, keySays: /pat|token|key|secret|pass|auth|cred|bearer/i,
    negatives: [`JIRA_TOKEN: ${Buffer.from(`abcdefghijkl:${'x'.repeat(20)}`).toString('base64')}`],
    impact: 'Acts as the user on the Data Center instance through its REST API: reads and changes the issues, pages or repositories the user can.', revoke: 'Revoke the token under Profile → Personal access tokens.', reference: 'https://confluence.atlassian.com/enterprise/using-personal-access-tokens-1026032365.html' }),
  keyed('secret-smooch-api-secret', { provider: 'Sunshine Conversations (Smooch)', kind: 'API key secret', words: ['smooch', 'sunshine_conversations', 'sunshine-conversations', 'sunshineconversations', 'sunco_'],
    value: CLASS.base64url, length: [24, 86], sampleKey: 'SMOOCH_SECRET', check: (secret) => looksRandom(secret, 24), keySays: /secret|key|token|pass/i,
    impact: 'Signs JWTs or basic-auth calls for the app: reads every conversation and message, and messages its users on every channel.', revoke: 'Delete the API key in Admin Center → Apps and integrations → Conversations API (or the Smooch dashboard).', reference: 'https://developer.zendesk.com/documentation/conversations/getting-started/api-authentication/' }),
  keyed('secret-everhour-api-key', { provider: 'Everhour', kind: 'API key', words: ['everhour'], value: HEX_DASH, length: [32, 32], sampleKey: 'EVERHOUR_API_KEY',
    check: (key) => /^[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{6}-[0-9a-f]{6}-[0-9a-f]{8}$/.test(key) && looksRandom(key.replace(/-/g, ''), 24),
    sample: (random) => [4, 4, 6, 6, 8].map((length) => hex(random, length)).join('-'),
    impact: 'Reads and changes the team\'s time records, projects and clients.', revoke: 'Regenerate the key in Everhour under Profile → API token.', reference: 'https://everhour.docs.apiary.io/' }),
  keyed('secret-facebook-app-secret', { provider: 'Facebook', kind: 'app secret', words: ['facebook', 'fb_app', 'fb-app', 'fbapp'], value: CLASS.hex, length: [32, 32], sampleKey: 'FACEBOOK_APP_SECRET',
    keySays: /secret|key/i, check: (secret) => looksRandom(secret, 24), negatives: ['FACEBOOK_APP_ID: 1234567890123456'],
    impact: 'Makes app access tokens and signs requests as the app: reads its settings and its users\' data by the app\'s permissions.', revoke: 'Reset the app secret under App settings → Basic in the Meta developer dashboard.', reference: 'https://developers.facebook.com/docs/facebook-login/security/#appsecret' }),
  // an id, as an AWS access key id is: it names the key, and the access key is rarely far from it
  keyed('secret-sumologic-access-id', { provider: 'Sumo Logic', kind: 'access ID', words: ['sumo'], value: CLASS.alnum, length: [14, 14], sampleKey: 'SUMO_ACCESS_ID', severity: 'medium',
    keySays: /access[_.-]?id/i, idIsSecret: true, check: (id) => id.startsWith('su') && MIXED(id.slice(2)), sample: (random) => `su${random.chars(CLASS.alnum.chars, 12)}`,
    negatives: ['SUMO_COLLECTOR_ID: 000000000A1B2C3D', 'SUMO_ACCESS_ID: ${SUMO_ACCESS_ID}'],
    impact: 'Identifies a Sumo Logic access key; with the access key beside it (often in the same file) it searches the organisation\'s logs and changes its collectors.', revoke: 'Delete the access key under Administration → Security → Access Keys (or Preferences → My Access Keys).', reference: 'https://help.sumologic.com/docs/manage/security/access-keys/' }),
  keyed('secret-ipinfo-token', { provider: 'IPinfo', kind: 'access token', words: ['ipinfo'], value: CLASS.hex, length: [14, 14], sampleKey: 'IPINFO_TOKEN', minEntropy: 2.8, severity: 'medium',
    check: (token) => /[a-f]/.test(token) && /[0-9]/.test(token), sample: (random) => hex(random, 14),
    impact: 'Spends the account\'s lookup quota (and plan features) on IP geolocation requests.', revoke: 'Reset the token on the IPinfo dashboard.', reference: 'https://ipinfo.io/developers' }),
];
