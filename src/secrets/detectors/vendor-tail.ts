import { looksRandom } from '../assignment.js';
import { PRIORITY, samplesOnce, type Detector, type MatchContext } from '../detector.js';
import { longestRun } from '../entropy.js';
import { isDocumentedExample } from '../placeholders.js';
import { SampleRandom } from '../random.js';
import type { CharClass } from '../token-shape.js';
import { CLASS, prefixed, UUID } from './define.js';

/**
 * Vendor formats with a marker of their own that TruffleHog covers and the earlier passes did not:
 * Airtable OAuth tokens, Entra ID refresh tokens, Robinhood Crypto, LocationIQ, EcoStruxure IT,
 * TruffleHog Enterprise, Storyblok personal access tokens, dfuse.
 */
const LETTERS_AND_DIGITS = (token: string): boolean => /[0-9]/.test(token) && /[A-Za-z]/.test(token);
const MIXED = (token: string): boolean => /[0-9]/.test(token) && /[A-Z]/.test(token) && /[a-z]/.test(token);
const ALNUM_DASH: CharClass = { regex: 'A-Za-z0-9-', chars: CLASS.alnum.chars };
/** the alphabet of `django.core.management.utils.get_random_secret_key` */
const DJANGO_KEY: CharClass = { regex: 'a-z0-9!@#$%^&*(=+)_-', chars: 'abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)' };
const ALNUM_SLASH: CharClass = { regex: 'A-Za-z0-9/', chars: `${CLASS.alnum.chars}/` };

/**
 * Entra ID (Azure AD) refresh tokens: `0.A…` or `1.A…` (the client and tenant, base64url), an
 * optional `.1`, then `.AgAB…` (the encrypted grant), sometimes a further `.AQAB…` part.
 */
const ENTRA_REFRESH = /(?<![A-Za-z0-9_.-])(?<secret>[01]\.A[A-Za-z0-9_-]{40,300}(?:\.[0-9])?\.AgAB[A-Za-z0-9_-]{200,4000}(?:\.[A-Za-z0-9_-]{20,2000})?)(?![A-Za-z0-9_-])/g;

/**
 * The `sig` of an Azure shared access signature (Storage SAS: `sv=2022-11-02&…&sig=…`) or of a
 * Logic Apps / Power Automate trigger URL: an HMAC-SHA256, base64 (URL-encoded) or base64url.
 */
const SAS_SIG = /(?<=[?&;])sig=(?<secret>[A-Za-z0-9%+/_-]{40,100})/g;
const SAS_CONTEXT = /(?:^|[?&;])sv=\d{4}-\d{2}-\d{2}|\.powerplatform\.com[:/]|\.logic\.azure\.com[:/]/;

function isSasSignature(sig: string, context: MatchContext): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(sig);
  } catch {
    return false;
  }
  if (Buffer.from(decoded.replace(/-/g, '+').replace(/_/g, '/'), 'base64').length !== 32 || !looksRandom(decoded, 24)) return false;
  const text = context.text ?? '';
  const at = context.index ?? 0;
  const lineStart = text.lastIndexOf('\n', at) + 1;
  const lineEnd = text.indexOf('\n', at);
  return SAS_CONTEXT.test(text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd));
}

const entraSample = (random: SampleRandom): string =>
  `1.A${random.chars(CLASS.base64url.chars, 66)}.AgABAwEAAAA${random.chars(CLASS.base64url.chars, 420)}`;

export const vendorTailDetectors: readonly Detector[] = [
  prefixed('secret-airtable-oauth-token', { provider: 'Airtable', kind: 'OAuth access token', shape: [[CLASS.alnum, 14, 40], '.v1.', [CLASS.base64url, 40, 1200], '.', [CLASS.hex, 32, 128]],
    keywords: ['.v1.'], boundary: 'A-Za-z0-9_.-', check: (token) => LETTERS_AND_DIGITS(token.slice(0, token.indexOf('.'))),
    impact: 'Reads and writes the bases the OAuth integration was granted, as the user who authorised it, until it expires.', revoke: 'Revoke the integration\'s access under the account\'s Integrations (third-party integrations) settings.', reference: 'https://airtable.com/developers/web/api/oauth-reference' }),
  prefixed('secret-robinhood-crypto-key', { provider: 'Robinhood', kind: 'Crypto trading API key', shape: ['rh-api-', ...UUID],
    impact: 'Together with its private key, places crypto orders and reads the holdings of the account.', revoke: 'Delete the credential in the Robinhood Crypto API credentials portal.', reference: 'https://docs.robinhood.com/crypto/trading/' }),
  prefixed('secret-locationiq-token', { provider: 'LocationIQ', kind: 'access token', shape: ['pk.', [ALNUM_DASH, 32]], boundary: 'A-Za-z0-9_.-', check: LETTERS_AND_DIGITS, severity: 'medium',
    impact: 'Spends the account\'s geocoding and map-tile quota.', revoke: 'Delete the token in the LocationIQ dashboard (Access Tokens).', reference: 'https://docs.locationiq.com/docs/authentication' }),
  prefixed('secret-ecostruxure-it-key', { provider: 'Schneider Electric EcoStruxure IT', kind: 'API key', shape: ['AK1', [ALNUM_SLASH, 48, 56]], boundary: 'A-Za-z0-9/+', check: MIXED,
    impact: 'Reads the monitored sites\' device inventory, alarms and sensor data through the EcoStruxure IT API.', revoke: 'Revoke the key in EcoStruxure IT Expert under API keys.', reference: 'https://api.ecostruxureit.com/rest/docs/' }),
  prefixed('secret-trufflehog-enterprise-key', { provider: 'TruffleHog Enterprise', kind: 'API key', shape: ['thog-key-', [CLASS.hex, 16]],
    impact: 'With its secret, reads the organisation\'s scan results: every credential TruffleHog found.', revoke: 'Delete the API key in the TruffleHog Enterprise settings.', reference: 'https://docs.trufflesecurity.com/' }),
  prefixed('secret-trufflehog-enterprise-secret', { provider: 'TruffleHog Enterprise', kind: 'API secret', shape: ['thog-secret-', [CLASS.hex, 32]],
    impact: 'With its key, reads the organisation\'s scan results: every credential TruffleHog found.', revoke: 'Delete the API key in the TruffleHog Enterprise settings.', reference: 'https://docs.trufflesecurity.com/' }),
  prefixed('secret-storyblok-personal-token', { provider: 'Storyblok', kind: 'personal access token', shape: [[CLASS.alnum, 22], 'tt-', [CLASS.digits, 6], '-', [CLASS.base64url, 20]], check: (token) => MIXED(token.slice(0, 22)),
    impact: 'Manages every space of the user through the Management API: content, components, assets and collaborators.', revoke: 'Delete the token under My account → Personal access tokens.', reference: 'https://www.storyblok.com/docs/api/management/getting-started/authentication' }),
  prefixed('secret-dfuse-api-key', { provider: 'dfuse', kind: 'API key', shape: ['web_', [CLASS.lowerAlnum, 32]], check: (token) => looksRandom(token.slice(4), 24), severity: 'medium',
    impact: 'Spends the account\'s blockchain API quota.', revoke: 'Delete the key in the dfuse (StreamingFast) dashboard.', reference: 'https://docs.dfuse.eosnation.io/platform/dfuse-cloud/authentication/' }),
  prefixed('secret-notion-legacy-token', { provider: 'Notion', kind: 'internal integration token (secret_, before ntn_)', shape: ['secret_', [CLASS.alnum, 43]], check: MIXED, boundary: 'A-Za-z0-9_',
    impact: 'Reads and edits every page and database shared with the integration.', revoke: 'Refresh the integration\'s secret under Settings → Connections → Develop or manage integrations.', reference: 'https://developers.notion.com/docs/authorization' }),
  {
    id: 'secret-azure-sas-signature',
    provider: 'Azure',
    kind: 'shared access signature (SAS URL or Logic Apps / Power Automate trigger URL)',
    keywords: ['sig='],
    pattern: SAS_SIG,
    validate: isSasSignature,
    // a provider rule naming the whole URL (Power Automate webhook) is the better name
    priority: PRIORITY.structural,
    severity: 'high',
    window: { before: 0, after: 0 },
    docs: {
      impact: 'Whoever holds the URL has what it grants until it expires: reading or writing the storage container, blob, queue or table, or running the workflow with any input.',
      revoke: 'Rotate the storage account key that signed it (or revoke the stored access policy it names, or the user delegation key); for a trigger URL, regenerate the trigger\'s access keys.',
      references: ['https://learn.microsoft.com/azure/storage/common/storage-sas-overview', 'https://learn.microsoft.com/azure/logic-apps/logic-apps-securing-a-logic-app#access-for-inbound-calls-to-request-based-triggers'],
    },
    get samples() {
      return samplesOnce(this, () => {
        const random = new SampleRandom('azure-sas-signature');
        const sig = (): string => encodeURIComponent(Buffer.from(random.bytes(32)).toString('base64'));
        return {
          file: 'config.yaml',
          positives: [
            `BLOB_URL: https://acmebackups.blob.core.windows.net/exports?sp=r&st=2025-03-04T07:24:52Z&se=2026-04-04T15:24:52Z&spr=https&sv=2022-11-02&sr=c&sig=${sig()}`,
            `webhook: "https://default${random.chars('0123456789abcdef', 30)}.0a.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/${random.chars('0123456789abcdef', 32)}/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${Buffer.from(random.bytes(32)).toString('base64url')}"`,
          ],
          negatives: [
            'BLOB_URL: https://acmebackups.blob.core.windows.net/exports?sv=2022-11-02&sr=c&sig=${SAS_SIGNATURE}',
            `url: https://cdn.acme.test/file?sig=${Buffer.from(random.bytes(32)).toString('base64url')}`,
            'BLOB_URL: https://acmebackups.blob.core.windows.net/exports?sv=2022-11-02&sig=abc123',
          ],
        };
      });
    },
  },
  prefixed('secret-django-insecure-key', { provider: 'Django', kind: 'SECRET_KEY made by startproject (django-insecure-)', shape: ['django-insecure-', [DJANGO_KEY, 50]], boundary: 'A-Za-z0-9', severity: 'high',
    check: (token) => looksRandom(token.slice(16), 24),
    impact: 'Signs sessions, password-reset links and CSRF tokens: whoever holds it forges them (and, with pickle-based sessions, runs code) on any deployment that kept the key.', revoke: 'Generate a new key (`django.core.management.utils.get_random_secret_key()`), load it from the environment, and expect sessions to be signed out.', reference: 'https://docs.djangoproject.com/en/stable/ref/settings/#secret-key' }),
  {
    id: 'secret-jenkins-initial-admin-password',
    provider: 'Jenkins',
    kind: 'initial admin password (setup wizard log)',
    keywords: ['following password to proceed'],
    pattern: /following password to proceed to installation:[ \t]*\r?\n(?:[ \t]*\r?\n)?[ \t]*(?<secret>[0-9a-f]{32})(?![0-9A-Za-z])/g,
    validate: (password) => looksRandom(password, 24),
    priority: PRIORITY.provider,
    severity: 'critical',
    window: { before: 0, after: 200 },
    docs: {
      summary: 'The admin password a new Jenkins prints in its log (a pasted log, a README): the controller\'s first administrator until it is changed',
      impact: 'Logs in to the Jenkins controller as administrator: every credential it stores and every agent it runs builds on.',
      revoke: 'Change the admin user\'s password (or finish the setup wizard with a new admin and delete the initial one), and delete secrets/initialAdminPassword.',
      references: ['https://www.jenkins.io/doc/book/installing/linux/#unlocking-jenkins'],
    },
    get samples() {
      return samplesOnce(this, () => {
        const random = new SampleRandom('jenkins-initial-admin-password');
        const log = (password: string): string => `Jenkins initial setup is required. An admin user has been created and a password generated.\nPlease use the following password to proceed to installation:\n\n${password}\n\nThis may also be found at: /var/jenkins_home/secrets/initialAdminPassword`;
        return {
          file: 'docs/install.md',
          positives: [log(`${random.chars(CLASS.hex.chars, 32)} # expect: secret-jenkins-initial-admin-password`)],
          negatives: [log('<password printed here>'), log('0'.repeat(32))],
        };
      });
    },
  },
  {
    id: 'secret-entra-refresh-token',
    provider: 'Azure',
    kind: 'Entra ID refresh token',
    keywords: ['.agab'],
    pattern: ENTRA_REFRESH,
    validate: (token) => !isDocumentedExample(token) && longestRun(token) < 8,
    priority: PRIORITY.provider,
    severity: 'critical',
    window: { before: 0, after: 0 },
    docs: {
      impact: 'Obtains new access tokens as the signed-in user for the application, for up to 90 days (or until revoked): mail, files and every API the user consented to.',
      revoke: 'Revoke the user\'s sessions (Entra admin centre → Users → Revoke sessions, or Revoke-MgUserSignInSession), which invalidates their refresh tokens.',
      references: ['https://learn.microsoft.com/entra/identity-platform/refresh-tokens'],
    },
    get samples() {
      return samplesOnce(this, () => {
        const random = new SampleRandom('entra-refresh-token');
        const token = entraSample(random);
        return {
          file: 'config.yaml',
          positives: [`AZURE_REFRESH_TOKEN: ${token}`, `"refresh_token": "${entraSample(random).replace('.AgAB', '.1.AgAB')}",`],
          negatives: [`AZURE_REFRESH_TOKEN: ${token.slice(0, 120)}`, 'version: 1.A0.AgABc', `AZURE_REFRESH_TOKEN: 1.A${'A'.repeat(60)}.AgAB${'A'.repeat(300)}`],
        };
      });
    },
  },
];
