import { decodeUriOrKeep } from '../../decode-uri.js';
import { looksRandom } from '../assignment.js';
import { isPresignedUrlCredential } from '../presigned-url.js';
import { PRESIGNED_URL_SAMPLES } from './cloud.js';
import { PRIORITY, samplesOnce, type Detector } from '../detector.js';
import { isDocumentedExample, isPlaceholder } from '../placeholders.js';
import { SampleRandom } from '../random.js';
import type { CharClass } from '../token-shape.js';
import { CLASS, keyed, prefixed, UUID } from './define.js';

/**
 * Formats with a shape of their own still missing after a second pass over the peers' rule lists
 * (providers A–L of gitleaks, Nosey Parker and TruffleHog): Azure App Configuration connection
 * strings and Azure Functions keys in a trigger URL, Blynk OAuth client secrets, Close API keys,
 * Docker Hub organization access tokens, Checkout.com secret keys (the current base32 ones and the
 * previous UUID ones), Courier production tokens, Finage keys, Kagi API keys and Braintrust keys;
 * AWS STS session tokens (by the serialised header every one starts with), Jenkins API tokens near
 * the word Jenkins, BestTime private keys and Azure AI services keys (32 hex digits under a key
 * naming Azure OpenAI or another Cognitive Services API: OpenAI's own keys are never hex); and newer
 * or older generations of covered providers: Dynatrace `dt0s…` tokens (only `dt0c01` was known),
 * Dropbox's `sl.u.` short-lived and long-lived (`…AAAAAAAAAA…`) tokens.
 */
const MIXED = (token: string): boolean => /[0-9]/.test(token) && /[A-Z]/.test(token) && /[a-z]/.test(token);
/** Checkout.com's keys: lower-case base32, the last character also one of `*#$=` (its SDKs' own check). */
const BASE32_LOWER_CHARS: CharClass = { regex: 'a-z2-7', chars: 'abcdefghijklmnopqrstuvwxyz234567' };
const CHECKOUT_LAST: CharClass = { regex: 'a-z2-7*#$=', chars: 'abcdefghijklmnopqrstuvwxyz234567' };
const isBase32Key = (body: string): boolean => /[2-7]/.test(body) && /[a-z]/.test(body) && looksRandom(body, 20);
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CHECKOUT_REFERENCE = 'https://www.checkout.com/docs/developer-resources/api/manage-api-keys';
const CHECKOUT_REVOKE = 'Delete or rotate the key in the Checkout.com Dashboard under Developers → Keys.';
const CHECKOUT_IMPACT = 'Creates payments, captures, refunds and payouts, and reads the account\'s payment and customer data through the Checkout.com API, by the key\'s scopes.';

function base64Random(random: SampleRandom, bytes: number): string {
  return Buffer.from(random.bytes(bytes)).toString('base64');
}

/** `Endpoint=https://<store>.azconfig.io;Id=<id>;Secret=<base64>`: the access key of an App Configuration store. */
const appConfigurationConnectionString: Detector = {
  id: 'secret-azure-app-configuration-connection-string',
  provider: 'Azure',
  kind: 'App Configuration connection string',
  keywords: ['.azconfig.io'],
  pattern: /[Ee]ndpoint=https:\/\/[A-Za-z0-9-]{1,63}\.azconfig\.io\/?;[Ii]d=[A-Za-z0-9+/=:-]{4,64};[Ss]ecret=(?<secret>[A-Za-z0-9+/]{32,64}={0,2})(?![A-Za-z0-9+/=])/g,
  validate: (secret) => MIXED(secret) && looksRandom(secret.replace(/=+$/, ''), 24) && !isDocumentedExample(secret),
  priority: PRIORITY.provider,
  severity: 'critical',
  window: { before: 200, after: 200 },
  docs: {
    impact: 'Reads, and with a read-write key changes, every key-value and feature flag of the App Configuration store (settings often hold further connection strings and secrets).',
    revoke: 'Regenerate the key under the store\'s Access settings (Access keys), and prefer Entra ID (role-based) access.',
    references: ['https://learn.microsoft.com/azure/azure-app-configuration/howto-disable-access-key-authentication'],
  },
  get samples() {
    return samplesOnce(this, () => {
      const random = new SampleRandom(this.id);
      const store = (): string => `${random.chars(CLASS.lowerAlnum.chars, 10)}-appconfig`;
      const id = (): string => `${random.chars(CLASS.alnum.chars, 4)}-${random.chars(CLASS.alnum.chars, 2)}-s0:${random.chars(CLASS.alnum.chars, 20)}`;
      return {
        file: 'appsettings.json',
        positives: [
          `"AppConfig": "Endpoint=https://${store()}.azconfig.io;Id=${id()};Secret=${base64Random(random, 32)}"`,
          `APP_CONFIGURATION_CONNECTION_STRING=Endpoint=https://${store()}.azconfig.io;Id=${id()};Secret=${base64Random(random, 32)}`,
        ],
        negatives: [
          `"AppConfig": "Endpoint=https://${store()}.azconfig.io;Id=${id()};Secret=\${APP_CONFIG_SECRET}"`,
          `"AppConfig": "Endpoint=https://${store()}.azconfig.io;Id=${id()};Secret=${'A'.repeat(43)}="`,
          `"AppConfig": "Endpoint=https://${store()}.azconfig.io"`,
        ],
      };
    });
  },
};

/** `https://<app>.azurewebsites.net/api/<function>?code=<key>`: a trigger URL with the function (or host) key in it. */
const functionKeyInUrl: Detector = {
  id: 'secret-azure-function-key',
  provider: 'Azure',
  kind: 'Functions key in a trigger URL (?code=)',
  keywords: ['.azurewebsites.net/api/'],
  requires: ['code='],
  pattern: /\.azurewebsites\.net\/api\/[^\s"'<>#]{1,400}?[?&]code=(?<secret>[A-Za-z0-9_/+%-]{30,120}(?:==|%3[Dd]%3[Dd]|=|%3[Dd])?)(?![A-Za-z0-9_/+%=-])/g,
  validate: (secret) => {
    const key = decodeUriOrKeep(secret).replace(/=+$/, '');
    return key.length >= 30 && MIXED(key) && looksRandom(key, 24) && !isPlaceholder(key);
  },
  priority: PRIORITY.provider,
  severity: 'high',
  window: { before: 60, after: 400 },
  docs: {
    impact: 'Calls the HTTP-triggered function (a host or master key: every function of the app, and the master key its admin API) as an authorised client.',
    revoke: 'Renew the key under the function (or the app\'s App keys) in the Azure portal, and keep trigger URLs with keys out of the repository.',
    references: ['https://learn.microsoft.com/azure/azure-functions/function-keys-how-to'],
  },
  get samples() {
    return samplesOnce(this, () => {
      const random = new SampleRandom(this.id);
      const app = (): string => `${random.chars(CLASS.lowerAlnum.chars, 8)}-func`;
      return {
        file: 'notify.yaml',
        positives: [
          `webhook: https://${app()}.azurewebsites.net/api/HttpTrigger1?code=${base64Random(random, 40).replace(/\+/g, 'x')}`,
          `curl -X POST "https://${app()}.azurewebsites.net/api/orders/ingest?clientId=default&code=${encodeURIComponent(base64Random(random, 40))}"`,
        ],
        negatives: [
          `webhook: https://${app()}.azurewebsites.net/api/HttpTrigger1?code=\${FUNCTION_KEY}`,
          `webhook: https://${app()}.azurewebsites.net/api/HttpTrigger1?code=<your-function-key>`,
          `webhook: https://${app()}.azurewebsites.net/api/HttpTrigger1?name=${random.chars(CLASS.alnum.chars, 40)}`,
        ],
      };
    });
  },
};

/** Blynk's OAuth client credentials: `oa2-client-id_<32>` and the client secret after `:` or `&client_secret=`. */
const blynkClientSecret: Detector = {
  id: 'secret-blynk-client-secret',
  provider: 'Blynk',
  kind: 'OAuth client secret',
  keywords: ['oa2-client-id_'],
  pattern: /(?<![A-Za-z0-9_-])oa2-client-id_[A-Za-z0-9_-]{32}(?::|&client_secret=)(?<secret>[A-Za-z0-9_-]{40})(?![A-Za-z0-9_-])/g,
  validate: (secret) => MIXED(secret) && looksRandom(secret, 24),
  priority: PRIORITY.provider,
  severity: 'critical',
  window: { before: 0, after: 0 },
  docs: {
    impact: 'Obtains access tokens for the Blynk organization\'s API: reads and controls its devices, users and data by the client\'s permissions.',
    revoke: 'Delete the OAuth client (or regenerate its secret) in the Blynk console under Developer zone → OAuth2.',
    references: ['https://docs.blynk.io/en/blynk.cloud-rest-api/platform-api/authentication'],
  },
  get samples() {
    return samplesOnce(this, () => {
      const random = new SampleRandom(this.id);
      const client = (): string => `oa2-client-id_${random.chars(CLASS.base64url.chars, 32)}`;
      return {
        file: 'blynk.sh',
        positives: [
          `curl -X POST -u ${client()}:${random.chars(CLASS.alnum.chars, 40)} "https://fra1.blynk.cloud/oauth2/token?grant_type=client_credentials"`,
          `BLYNK_TOKEN_URL="https://blynk.cloud/oauth2/token?grant_type=client_credentials&client_id=${client()}&client_secret=${random.chars(CLASS.alnum.chars, 40)}"`,
        ],
        negatives: [
          `curl -X POST -u ${client()}:\${BLYNK_CLIENT_SECRET} "https://blynk.cloud/oauth2/token"`,
          `BLYNK_CLIENT_ID=${client()}`,
          `curl -u ${client()}:${'x'.repeat(40)} https://blynk.cloud/oauth2/token`,
        ],
      };
    });
  },
};

/**
 * The base64 of the serialised header an STS session token starts with: `\x01\n\x03aws` (the oldest),
 * `\x15\n\x06er/aws` and `\x17\n\x06er/aws`, and `!\n\torigin_ec` (tokens issued since 2019).
 */
const SESSION_TOKEN_STARTS = ['IQoJb3JpZ2luX2Vj', 'FwoGZXIvYXdzE', 'FQoGZXIvYXdzE', 'AQoDYXdzE'];

const awsSessionToken: Detector = {
  id: 'secret-aws-session-token',
  provider: 'AWS',
  kind: 'STS session token',
  keywords: SESSION_TOKEN_STARTS.map((start) => start.toLowerCase()),
  pattern: new RegExp(String.raw`(?<![A-Za-z0-9+/])(?<secret>(?:${SESSION_TOKEN_STARTS.join('|')})[A-Za-z0-9+/]{100,4000}={0,2})(?![A-Za-z0-9+/=])`, 'g'),
  validate: (token, context) => {
    // the header's varints encode as a run of `/` (`EJr//////////wEa…`): the rest is what must look random
    const body = token.slice(16).replace(/\/{4,}/g, '').slice(0, 64);
    return MIXED(body) && looksRandom(body, 24) && !isDocumentedExample(token) && !isPresignedUrlCredential(context);
  },
  priority: PRIORITY.provider,
  severity: 'high',
  window: { before: 0, after: 0 },
  docs: {
    impact: 'With the access key id (ASIA…) and secret beside it, acts as the assumed role or federated user until the token expires (up to 36 hours): whatever the role may do.',
    revoke: 'Revoke the role\'s active sessions (IAM → role → Revoke active sessions, an inline deny on tokens issued before now), and find out where the temporary credentials were copied from.',
    references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_disable-perms.html'],
  },
  get samples() {
    return samplesOnce(this, () => {
      const random = new SampleRandom(this.id);
      const token = (start: string): string => `${start}${base64Random(random, 300).replace(/=+$/, '')}`;
      return {
        file: 'credentials',
        positives: [
          `aws_session_token = ${token('IQoJb3JpZ2luX2VjEJr//////////wEa')}`,
          `export AWS_SESSION_TOKEN="${token('FwoGZXIvYXdzE')}"`,
          `"SessionToken": "${token('AQoDYXdzE')}",`,
        ],
        negatives: [
          `aws_session_token = \${AWS_SESSION_TOKEN}`,
          `"SessionToken": "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="`,
          `aws_session_token = IQoJb3JpZ2luX2Vj${'A'.repeat(200)}`,
          // a presigned URL's own session token: the URL opens one object until it expires, the token signs nothing
          PRESIGNED_URL_SAMPLES[0]!,
        ],
      };
    });
  },
};

/** A Dropbox long-lived token: 11 characters, ten `A` (zero bytes of its base64) and 43 more; near the word Dropbox. */
const dropboxLongLived: Detector = {
  id: 'secret-dropbox-long-lived-token',
  provider: 'Dropbox',
  kind: 'long-lived access token',
  keywords: ['dropbox'],
  pattern: /(?<![A-Za-z0-9_-])(?<secret>[A-Za-z0-9]{11}AAAAAAAAAA[A-Za-z0-9_=-]{43})(?![A-Za-z0-9_=-])/g,
  validate: (token) => MIXED(token.slice(0, 11) + token.slice(21)) && looksRandom(token.slice(21), 24) && !isPlaceholder(token) && !isDocumentedExample(token),
  priority: PRIORITY.provider,
  severity: 'critical',
  window: { before: 200, after: 200 },
  docs: {
    impact: 'Reads and writes the files of the user (or team) who linked the app, until the link is removed.',
    revoke: 'Revoke it with /2/auth/token/revoke, or unlink the app under the account\'s Connected apps (the app\'s console for its own token).',
    references: ['https://developers.dropbox.com/oauth-guide'],
  },
  get samples() {
    return samplesOnce(this, () => {
      const random = new SampleRandom(this.id);
      const token = (): string => `${random.chars(CLASS.alnum.chars, 11)}AAAAAAAAAA${random.chars(CLASS.base64url.chars, 43)}`;
      return {
        file: 'values.yaml',
        positives: [`DROPBOX_ACCESS_TOKEN: "${token()}"`, `DROPBOX_TOKEN=${token()}`, `dropbox:\n  token: ${token()} # expect: secret-dropbox-long-lived-token`],
        negatives: [`DROPBOX_ACCESS_TOKEN: "\${DROPBOX_TOKEN}"`, `DROPBOX_ACCESS_TOKEN: "${'A'.repeat(64)}"`, `DROPBOX_APP_KEY: "a1B2c3D4e5FAAAAAAAAAA${'x'.repeat(43)}"`],
      };
    });
  },
};

const AZURE_AI_WORDS = ['openai', 'cognitive', 'speech_key', 'speechkey', 'speech-key', 'translator', 'formrecognizer', 'form_recognizer', 'documentintelligence', 'document_intelligence', 'computervision', 'computer_vision', 'contentsafety', 'content_safety', 'textanalytics', 'text_analytics'];

export const secondSurveyDetectors: readonly Detector[] = [
  appConfigurationConnectionString,
  functionKeyInUrl,
  blynkClientSecret,
  awsSessionToken,
  dropboxLongLived,
  prefixed('secret-dropbox-user-access-token', { provider: 'Dropbox', kind: 'short-lived access token (sl.u.)', shape: ['sl.u.', [CLASS.base64url, 130, 1300]], severity: 'high',
    check: (token) => MIXED(token.slice(5)) && looksRandom(token.slice(5, 200), 24),
    impact: 'Reads and writes the user\'s (or team\'s) files until it expires (four hours).', revoke: 'Revoke it with /2/auth/token/revoke or by unlinking the app.', reference: 'https://developers.dropbox.com/oauth-guide' }),
  prefixed('secret-dynatrace-platform-token', { provider: 'Dynatrace', kind: 'token (dt0s01–dt0s16: platform tokens, OAuth client secrets…)', shape: ['dt0s', [CLASS.digits, 2], '.', [CLASS.base32, 24], '.', [CLASS.base32, 64]],
    keywords: ['dt0s'], boundary: 'A-Za-z0-9_.-', check: (token) => /^dt0s(?:0[1-9]|1[0-6])\./.test(token) && looksRandom(token.slice(32), 24),
    finish: (sample) => `dt0s${['01', '02', '08', '16'][sample.charCodeAt(7) % 4]}${sample.slice(6)}`,
    corrupt: (sample) => `dt0s99${sample.slice(6)}`,
    impact: 'Calls the Dynatrace platform and account APIs with the token\'s (or OAuth client\'s) scopes: reads monitoring data and logs, changes settings, users and groups.',
    revoke: 'Delete the token or OAuth client in Account Management (Identity & access management) and create a new one.', reference: 'https://docs.dynatrace.com/docs/manage/identity-access-management/access-tokens-and-oauth-clients/access-tokens-legacy' }),
  prefixed('secret-close-api-key', { provider: 'Close', kind: 'API key', shape: ['api_', [CLASS.alnum, 22], '.', [CLASS.alnum, 22]], boundary: 'A-Za-z0-9_.-',
    check: (token) => MIXED(token.slice(4, 26)) && MIXED(token.slice(27)) && looksRandom(token.slice(4).replace('.', ''), 24),
    negatives: ['API_KEY: api_key.json', `CLOSE_API_KEY: api_${'a'.repeat(22)}.${'b'.repeat(22)}`],
    impact: 'Reads and changes the organization\'s leads, contacts, opportunities and activities (calls and emails included) in the Close CRM as the key\'s user.',
    revoke: 'Delete the key under Settings → Developer → API Keys in Close.', reference: 'https://developer.close.com/api/overview/api-key-authentication' }),
  prefixed('secret-dockerhub-organization-token', { provider: 'Docker Hub', kind: 'organization access token', shape: ['dckr_oat_', [CLASS.base64url, 32]],
    check: (token) => MIXED(token.slice(9)) && looksRandom(token.slice(9), 24),
    impact: 'Pushes and pulls the organization\'s repositories the token is scoped to: anyone pulling them by tag runs the attacker\'s image.',
    revoke: 'Delete the token in the Admin Console under the organization\'s Access tokens.', reference: 'https://docs.docker.com/security/access-tokens/organization-access-tokens/' }),
  prefixed('secret-checkout-secret-key', { provider: 'Checkout.com', kind: 'secret key', shape: ['sk_', [BASE32_LOWER_CHARS, 26], [CHECKOUT_LAST, 1]], boundary: 'A-Za-z0-9_*#$=-',
    keywords: ['sk_'], check: (token) => isBase32Key(token.slice(3)),
    negatives: ['task_definition_arn_abcdefgh', 'disk_usage_percentage_total'],
    impact: CHECKOUT_IMPACT, revoke: CHECKOUT_REVOKE, reference: CHECKOUT_REFERENCE }),
  prefixed('secret-checkout-sandbox-secret-key', { provider: 'Checkout.com', kind: 'sandbox secret key', shape: ['sk_sbox_', [BASE32_LOWER_CHARS, 26], [CHECKOUT_LAST, 1]], boundary: 'A-Za-z0-9_*#$=-',
    check: (token) => isBase32Key(token.slice(8)), severity: 'medium',
    impact: 'Creates and reads payments of the sandbox account (test data only; the same account\'s configuration and webhooks are reachable).', revoke: CHECKOUT_REVOKE, reference: CHECKOUT_REFERENCE }),
  prefixed('secret-checkout-previous-secret-key', { provider: 'Checkout.com', kind: 'secret key of the previous platform (sk_ and a UUID)', shape: ['sk_', ...UUID],
    check: (token) => UUID_TEXT.test(token.slice(3)) && looksRandom(token.slice(3).replace(/-/g, ''), 24),
    impact: CHECKOUT_IMPACT, revoke: CHECKOUT_REVOKE, reference: 'https://www.checkout.com/docs/four/resources/api-authentication/api-keys' }),
  prefixed('secret-checkout-previous-test-key', { provider: 'Checkout.com', kind: 'test secret key of the previous platform (sk_test_ and a UUID)', shape: ['sk_test_', ...UUID],
    check: (token) => UUID_TEXT.test(token.slice(8)) && looksRandom(token.slice(8).replace(/-/g, ''), 24), severity: 'medium',
    impact: 'Creates and reads payments of the test account.', revoke: CHECKOUT_REVOKE, reference: 'https://www.checkout.com/docs/four/resources/api-authentication/api-keys' }),
  prefixed('secret-courier-auth-token', { provider: 'Courier', kind: 'production auth token', shape: ['pk_prod_', [CLASS.upperAlnum, 28]],
    check: (token) => /[0-9]/.test(token.slice(8)) && /[A-Z]/.test(token.slice(8)) && looksRandom(token.slice(8), 20),
    impact: 'Sends notifications (email, SMS, push, chat) to the workspace\'s users through its providers, and reads and changes its templates, profiles and lists.',
    revoke: 'Rotate the API key under Settings → API Keys in the Courier app.', reference: 'https://www.courier.com/docs/reference/auth/intro' }),
  prefixed('secret-finage-api-key', { provider: 'Finage', kind: 'API key', shape: ['API_KEY', [CLASS.upperAlnum, 32]], keywords: ['api_key'],
    check: (token) => /[0-9]/.test(token.slice(7)) && /[A-Z]/.test(token.slice(7)) && looksRandom(token.slice(7), 20),
    negatives: ['const API_KEYS_BY_ENVIRONMENT_AND_REGION_FOR_TESTS = {};'],
    impact: 'Spends the account\'s market-data quota (stocks, forex, crypto) and reads its subscription.', revoke: 'Regenerate the key in the Finage dashboard (Services → API).', reference: 'https://finage.co.uk/docs/api/' }),
  prefixed('secret-kagi-api-key', { provider: 'Kagi', kind: 'API key', shape: [[CLASS.base64url, 11], '.', [CLASS.base64url, 43]], boundary: 'A-Za-z0-9_.-',
    keywords: ['kagi'], window: { before: 120, after: 240 },
    check: (token) => MIXED(token) && looksRandom(token.slice(12), 24),
    negatives: [`cache_key: ${'ab12Cd34Ef5'}.${'x'.repeat(43)}`],
    impact: 'Runs searches, summaries and FastGPT answers billed to the account\'s API balance.', revoke: 'Delete the token in Kagi\'s settings under API.', reference: 'https://help.kagi.com/kagi/api/overview.html' }),
  keyed('secret-braintrust-api-key', { provider: 'Braintrust', kind: 'API key', words: ['braintrust'], value: { regex: 'A-Za-z0-9-', chars: CLASS.alnum.chars }, length: [51, 51], sampleKey: 'BRAINTRUST_API_KEY',
    check: (value) => /^sk-[A-Za-z0-9]{48}$/.test(value) && MIXED(value.slice(3)) && looksRandom(value.slice(3), 24),
    sample: (random) => `sk-${random.chars(CLASS.alnum.chars, 48)}`,
    impact: 'Reads and writes the organization\'s experiments, datasets, prompts and logs (with the model inputs and outputs in them), and calls models through its AI proxy with the stored provider keys.',
    revoke: 'Delete the key under Settings → API keys in Braintrust.', reference: 'https://www.braintrust.dev/docs/reference/api' }),
  // Jenkins 2.129+ API tokens: the hash version `11` and 32 hex digits (older ones, 32 hex, are the generic rule's)
  prefixed('secret-jenkins-api-token', { provider: 'Jenkins', kind: 'API token', shape: ['11', [CLASS.hex, 32]], keywords: ['jenkins'], window: { before: 200, after: 300 },
    check: (token) => /[a-f]/.test(token.slice(2)) && /[0-9]/.test(token.slice(2)) && looksRandom(token.slice(2), 24),
    negatives: ['jenkins_build_number: 1100000000000000000000000000000000', `JENKINS_CHECKSUM: ${'ab12'.repeat(10)}`],
    impact: 'Calls the Jenkins controller\'s API as the user: triggers and configures jobs, reads their logs and, with the user\'s rights, the credentials jobs use or the script console.',
    revoke: 'Revoke the token under the user\'s Security → API Token in Jenkins.', reference: 'https://www.jenkins.io/doc/book/system-administration/authenticating-scripted-clients/' }),
  prefixed('secret-besttime-private-key', { provider: 'BestTime', kind: 'private API key', shape: ['pri_', [CLASS.hex, 32]],
    check: (token) => /[a-f]/.test(token.slice(4)) && /[0-9]/.test(token.slice(4)) && looksRandom(token.slice(4), 24), severity: 'high',
    impact: 'Runs foot-traffic forecasts and venue searches billed to the account\'s credits, and reads and deletes its stored forecasts.', revoke: 'Regenerate the private key in the BestTime API dashboard.', reference: 'https://documentation.besttime.app/#api-keys' }),
  keyed('secret-azure-ai-services-key', { provider: 'Azure', kind: 'AI services (OpenAI, Cognitive Services) key', words: AZURE_AI_WORDS, value: CLASS.anyHex, length: [32, 32], sampleKey: 'AZURE_OPENAI_KEY',
    keySays: /key|secret|token|cred/i, check: (value) => /[a-f]/i.test(value) && /[0-9]/.test(value) && looksRandom(value, 24),
    negatives: ['OPENAI_API_KEY: sk-proj-0123456789', 'AZURE_OPENAI_DEPLOYMENT: gpt-4o-mini-2024-07-18'],
    impact: 'Calls the Azure OpenAI or Cognitive Services resource (model deployments, speech, vision, language) billed to the subscription, and reads what its stateful APIs keep (files, assistants, fine-tunes).',
    revoke: 'Regenerate the key under the resource\'s Keys and Endpoint page, and prefer Entra ID (managed identity) access.', reference: 'https://learn.microsoft.com/azure/ai-services/authentication' }),
];
