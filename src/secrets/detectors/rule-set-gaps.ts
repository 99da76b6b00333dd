import { looksRandom } from '../assignment.js';
import { PRIORITY, type Detector } from '../detector.js';
import { isDocumentedExample, isPlaceholder } from '../placeholders.js';
import { SampleRandom } from '../random.js';
import type { CharClass } from '../token-shape.js';
import { CLASS, keyed, prefixed, UUID } from './define.js';

/**
 * Providers with a distinctive format that the rule sets of gitleaks, Nosey Parker and TruffleHog
 * cover and the first pass did not: Atlassian/Bitbucket app passwords and access tokens, Authress,
 * Bitwarden, Infisical, Vercel's prefixed tokens, and the long tail of vendor prefixes.
 */
const MIXED = (token: string): boolean => /[0-9]/.test(token) && /[A-Z]/.test(token) && /[a-z]/.test(token);
const ATLASSIAN_BODY: CharClass = { regex: 'A-Za-z0-9_=-', chars: CLASS.base64url.chars };
const BASE64_PLUS: CharClass = { regex: 'A-Za-z0-9+/@_-', chars: CLASS.base64.chars };
const LOWER_DASH: CharClass = { regex: 'a-z0-9-', chars: CLASS.lowerAlnum.chars };
const AUTHRESS_KEY: CharClass = { regex: 'A-Za-z0-9+/_=-', chars: CLASS.base64.chars };
const AUTHRESS_PREFIX: CharClass = { regex: 'a-z', chars: 'sc' };
const VERCEL_REVOKE = 'Delete the token or key under Account settings → Tokens (or the team\'s API keys).';
const VERCEL_REF = 'https://vercel.com/changelog/new-token-formats-and-secret-scanning';

export const ruleSetGapDetectors: readonly Detector[] = [
  prefixed('secret-bitbucket-app-password', { provider: 'Bitbucket', kind: 'app password', shape: ['ATBB', [CLASS.alnum, 32]], check: MIXED, boundary: 'A-Za-z0-9',
    impact: 'Reads and pushes the user\'s repositories over HTTPS and calls the API with the password\'s scopes.', revoke: 'Revoke it under Personal settings → App passwords.', reference: 'https://support.atlassian.com/bitbucket-cloud/docs/app-passwords/' }),
  prefixed('secret-bitbucket-access-token', { provider: 'Bitbucket', kind: 'repository, project or workspace access token', shape: ['ATCTT3xFfG', [ATLASSIAN_BODY, 100, 250], '=', [CLASS.upperHex, 8]],
    impact: 'Reads and pushes the repository, project or workspace the token belongs to.', revoke: 'Revoke it under the repository\'s (or workspace\'s) Settings → Access tokens.', reference: 'https://support.atlassian.com/bitbucket-cloud/docs/access-tokens/' }),
  prefixed('secret-bitbucket-data-center-token', { provider: 'Bitbucket Data Center', kind: 'HTTP access token', shape: ['BBDC-', [BASE64_PLUS, 40, 50]], boundary: 'A-Za-z0-9+/@_-', check: MIXED,
    impact: 'Reads and writes the repositories and projects of the token\'s owner on the Bitbucket server.', revoke: 'Revoke it under Manage account → HTTP access tokens.', reference: 'https://confluence.atlassian.com/bitbucketserver/http-access-tokens-939515499.html' }),
  prefixed('secret-authress-access-key', { provider: 'Authress', kind: 'service client access key', shape: [[AUTHRESS_PREFIX, 2, 8], '_', [CLASS.alnum, 5, 30], '.', [CLASS.lowerAlnum, 4, 6], '.acc', [{ regex: '_-', chars: '_' }, 1], [LOWER_DASH, 10, 32], '.', [AUTHRESS_KEY, 30, 120]],
    keywords: ['.acc_', '.acc-'], boundary: 'A-Za-z0-9_',
    check: (token) => /^(?:sc|ext|scauth|authress)_/.test(token), finish: (sample) => `sc_${sample.slice(sample.indexOf('_') + 1)}`, corrupt: (sample) => `xy${sample.slice(2)}`,
    impact: 'Signs tokens as the service client: calls the Authress API and every API that trusts the account with its permissions.', revoke: 'Delete the access key of the service client in the Authress management portal.', reference: 'https://authress.io/knowledge-base/docs/authorization/service-clients/secrets-scanning' }),
  prefixed('secret-bitwarden-access-token', { provider: 'Bitwarden', kind: 'Secrets Manager machine account access token', shape: ['0.', ...UUID, '.', [CLASS.alnum, 30], ':', [CLASS.base64, 22], '=='], keywords: ['=='], boundary: 'A-Za-z0-9+/.',
    impact: 'Reads and decrypts every secret of the projects the machine account can reach.', revoke: 'Revoke the token on the machine account\'s Access tokens tab.', reference: 'https://bitwarden.com/help/access-tokens/' }),
  prefixed('secret-infisical-service-token', { provider: 'Infisical', kind: 'service token', shape: ['st.', [CLASS.hex, 24], '.', [CLASS.hex, 32], '.', [CLASS.hex, 32]], boundary: 'A-Za-z0-9_.-',
    impact: 'Reads (and with write access changes) the secrets of the environments and paths it was scoped to, and decrypts them.', revoke: 'Delete the token under Access Control → Service Tokens.', reference: 'https://infisical.com/docs/documentation/platform/token' }),
  keyed('secret-infisical-client-secret', { provider: 'Infisical', kind: 'universal auth client secret', words: ['infisical'], value: CLASS.hex, length: [64, 64], sampleKey: 'INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET', keySays: /secret/i,
    impact: 'Logs in as the machine identity and reads the secrets it was granted.', revoke: 'Revoke the client secret on the identity\'s Universal Auth settings.', reference: 'https://infisical.com/docs/documentation/platform/identities/universal-auth' }),
  ...([['vcp', 'personal access token'], ['vci', 'integration token'], ['vca', 'app access token'], ['vcr', 'app refresh token'], ['vck', 'API key']] as const).map(([prefix, kind]) =>
    prefixed(`secret-vercel-${kind.replace(/ /g, '-').toLowerCase()}`, { provider: 'Vercel', kind, shape: [`${prefix}_`, [CLASS.base64url, 50], [CLASS.alnum, 6]], check: MIXED,
      impact: 'Deploys, reads every environment variable (the backends\' keys) and changes domains of the projects it can reach.', revoke: VERCEL_REVOKE, reference: VERCEL_REF })),
  keyed('secret-vercel-legacy-token', { provider: 'Vercel', kind: 'access token (24 characters, before prefixes)', words: ['vercel'], value: CLASS.alnum, length: [24, 24], sampleKey: 'VERCEL_TOKEN', check: MIXED,
    impact: 'Deploys, reads every environment variable and changes domains of the projects it can reach.', revoke: VERCEL_REVOKE, reference: 'https://vercel.com/docs/accounts/access-tokens' }),
  prefixed('secret-planetscale-oauth-token', { provider: 'PlanetScale', kind: 'OAuth token', shape: ['pscale_oauth_', [{ regex: 'A-Za-z0-9_=.-', chars: CLASS.base64url.chars }, 32, 64]],
    impact: 'Manages the organisation\'s databases and branches and creates passwords for them.', revoke: 'Revoke the OAuth application\'s access in the organisation settings.', reference: 'https://planetscale.com/docs/concepts/service-tokens' }),
  prefixed('secret-gitlab-session-cookie', { provider: 'GitLab', kind: 'session cookie', lead: '_gitlab_session=', shape: [[CLASS.hex, 32]],
    impact: 'Is the user\'s signed-in browser session until it expires or they sign out.', revoke: 'Sign the user out of all sessions (Active sessions → Revoke).', reference: 'https://docs.gitlab.com/user/profile/active_sessions/' }),
  prefixed('secret-aws-bedrock-short-term-key', { provider: 'AWS', kind: 'Bedrock short-term API key', shape: ['bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t', [{ regex: 'A-Za-z0-9+/=', chars: CLASS.base64.chars }, 100, 3000]], boundary: 'A-Za-z0-9+/=',
    impact: 'Calls Amazon Bedrock models as the IAM identity that signed it, until it expires (at most 12 hours).', revoke: 'Revoke the identity\'s sessions (an IAM deny on tokens issued before now).', reference: 'https://docs.aws.amazon.com/bedrock/latest/userguide/api-keys.html' }),
  prefixed('secret-amazon-mws-token', { provider: 'Amazon Marketplace Web Service', kind: 'auth token', shape: ['amzn.mws.', ...UUID],
    impact: 'Calls the seller\'s Marketplace APIs: orders, reports and listings.', revoke: 'Revoke the developer\'s access in Seller Central → User permissions.', reference: 'https://developer-docs.amazon.com/sp-api/docs/mws-auth-token' }),
  prefixed('secret-azure-devops-pat', { provider: 'Azure', kind: 'DevOps personal access token (84 characters)', shape: [[CLASS.alnum, 76], 'AZDO', [CLASS.alnum, 4]], keywords: ['azdo'], boundary: 'A-Za-z0-9',
    impact: 'Reads code, runs pipelines and changes work items of the organisation with the token\'s scopes.', revoke: 'Revoke it under User settings → Personal access tokens.', reference: 'https://learn.microsoft.com/azure/devops/organizations/accounts/use-personal-access-tokens-to-authenticate' }),
  prefixed('secret-azure-container-registry-key', { provider: 'Azure', kind: 'container registry password (identifiable)', shape: [[CLASS.base64, 42], '+ACR', [CLASS.alnum, 6]], keywords: ['+acr'], boundary: 'A-Za-z0-9+/',
    impact: 'Pulls and pushes every image of the registry: code and the secrets baked into it, or a poisoned image.', revoke: 'Regenerate the admin password or the token password of the registry.', reference: 'https://learn.microsoft.com/azure/container-registry/container-registry-authentication' }),
  prefixed('secret-new-relic-browser-key', { provider: 'New Relic', kind: 'browser API key', shape: ['NRBR-', [CLASS.hex, 19]], severity: 'medium',
    impact: 'Sends browser telemetry into the account: false data, and ingest billed to it.', revoke: 'Rotate the key in the New Relic API keys UI.', reference: 'https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/' }),
  prefixed('secret-new-relic-mobile-token', { provider: 'New Relic', kind: 'mobile app token', shape: ['AA', [CLASS.hex, 40], '-NRMA'], keywords: ['-nrma'], boundary: 'A-Za-z0-9', severity: 'medium',
    impact: 'Sends mobile telemetry into the account.', revoke: 'Regenerate the mobile application token in New Relic.', reference: 'https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/' }),
  prefixed('secret-new-relic-eu-license-key', { provider: 'New Relic', kind: 'EU ingest license key', shape: ['eu01xx', [CLASS.hex, 30], 'NRAL'], keywords: ['nral'], boundary: 'A-Za-z0-9', severity: 'high',
    impact: 'Sends telemetry into the account: false data, and ingest billed to it.', revoke: 'Rotate the key in the New Relic API keys UI.', reference: 'https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/' }),
  prefixed('secret-alchemy-token', { provider: 'Alchemy', kind: 'access token', shape: ['alcht_', [CLASS.alnum, 30]], check: MIXED,
    impact: 'Manages the team\'s apps and webhooks through the Notify and Admin APIs.', revoke: 'Delete the token in the Alchemy dashboard.', reference: 'https://docs.alchemy.com/reference/notify-api-quickstart' }),
  prefixed('secret-apify-token', { provider: 'Apify', kind: 'API token', shape: ['apify_api_', [CLASS.alnum, 36]], check: MIXED,
    impact: 'Runs actors billed to the account and reads its datasets and key-value stores.', revoke: 'Reset the token under Settings → Integrations.', reference: 'https://docs.apify.com/platform/integrations/api' }),
  ...(['pr', 'ma'] as const).map((scope) => prefixed(`secret-bannerbear-${scope === 'pr' ? 'project' : 'master'}-key`, { provider: 'Bannerbear', kind: `${scope === 'pr' ? 'project' : 'master'} API key`, shape: [`bb_${scope}_`, [CLASS.hex, 30]],
    impact: 'Generates images and videos billed to the account and reads its templates.', revoke: 'Reset the key in the project\'s settings.', reference: 'https://developers.bannerbear.com/#authentication' })),
  prefixed('secret-cloudflare-global-api-key', { provider: 'Cloudflare', kind: 'global API key (cfk_)', shape: ['cfk_', [CLASS.alnum, 40], [CLASS.hex, 8]], check: MIXED,
    impact: 'Does anything the account can do on every zone: DNS, certificates, Workers.', revoke: 'Roll the Global API Key under My Profile → API Tokens.', reference: 'https://developers.cloudflare.com/fundamentals/api/get-started/keys/' }),
  prefixed('secret-endor-labs-key', { provider: 'Endor Labs', kind: 'API key', shape: ['endr+', [CLASS.base64url, 16]],
    impact: 'Reads the namespace\'s projects, findings and dependency data.', revoke: 'Delete the key under Settings → API keys.', reference: 'https://docs.endorlabs.com/rest-api/using-the-rest-api/authentication/' }),
  prefixed('secret-figma-pat', { provider: 'Figma', kind: 'personal access token (figp_)', shape: ['figp_', [{ regex: 'A-Za-z0-9_=-', chars: CLASS.base64url.chars }, 40, 54]],
    impact: 'Reads (and by scope writes) every file the user can open.', revoke: 'Revoke the token under Settings → Security → Personal access tokens.', reference: 'https://www.figma.com/developers/api#access-tokens' }),
  prefixed('secret-fleetbase-key', { provider: 'Fleetbase', kind: 'live API key', shape: ['flb_live_', [CLASS.alnum, 20]], check: MIXED,
    impact: 'Reads and changes the organisation\'s orders, drivers and customers.', revoke: 'Delete the key in the developer console.', reference: 'https://docs.fleetbase.io/developers/authentication' }),
  prefixed('secret-flexport-key', { provider: 'Flexport', kind: 'API key', shape: ['shltm_', [CLASS.base64url, 40]],
    impact: 'Reads the company\'s shipments, invoices and documents.', revoke: 'Revoke the credential in the Flexport API settings.', reference: 'https://apidocs.flexport.com/' }),
  prefixed('secret-nightfall-key', { provider: 'Nightfall', kind: 'API key', shape: ['NF-', [CLASS.alnum, 32]], check: MIXED, boundary: 'A-Za-z0-9',
    impact: 'Scans data through the account and reads its findings, which hold the sensitive data found.', revoke: 'Delete the key in the Nightfall dashboard.', reference: 'https://help.nightfall.ai/developer-api/getting-started/authentication-and-security' }),
  prefixed('secret-pagarme-key', { provider: 'Pagar.me', kind: 'live secret key', shape: ['ak_live_', [CLASS.alnum, 30]], check: MIXED,
    impact: 'Takes or refunds payments and reads customer and transaction data of the live account.', revoke: 'Regenerate the key in the Pagar.me dashboard.', reference: 'https://docs.pagar.me/reference/autentica%C3%A7%C3%A3o-2' }),
  prefixed('secret-ramp-client-secret', { provider: 'Ramp', kind: 'client secret', shape: ['ramp_sec_', [CLASS.alnum, 48]], check: MIXED,
    impact: 'Reads the business\'s cards, transactions and bills, and issues cards by scope.', revoke: 'Rotate the secret of the app in Ramp\'s developer settings.', reference: 'https://docs.ramp.com/developer-api/v1/authorization' }),
  prefixed('secret-rootly-key', { provider: 'Rootly', kind: 'API key', shape: ['rootly_', [CLASS.hex, 64]],
    impact: 'Reads and declares incidents and changes the organisation\'s workflows.', revoke: 'Delete the key under Organization settings → API keys.', reference: 'https://docs.rootly.com/api-reference/overview' }),
  prefixed('secret-saladcloud-key', { provider: 'SaladCloud', kind: 'API key', shape: ['salad_cloud_', [CLASS.alnum, 1, 7], '_', [CLASS.alnum, 7, 235]], check: MIXED,
    impact: 'Runs container groups billed to the organisation.', revoke: 'Regenerate the key in the SaladCloud portal.', reference: 'https://docs.salad.com/reference/api-usage' }),
  // issued as `5Aep861…`; the peers match it without regard to case
  prefixed('secret-salesforce-refresh-token', { provider: 'Salesforce', kind: 'OAuth refresh token', shape: ['5', [{ regex: 'Aa', chars: 'A' }, 1], [{ regex: 'Ee', chars: 'e' }, 1], [{ regex: 'Pp', chars: 'p' }, 1], '861', [{ regex: 'A-Za-z0-9._=', chars: `${CLASS.alnum.chars}._` }, 80, 200]], keywords: ['5aep861'], boundary: 'A-Za-z0-9._=',
    impact: 'Mints access tokens for the user of the org who authorised the connected app.', revoke: 'Revoke the connected app\'s OAuth access under the user\'s settings (or Connected Apps OAuth Usage).', reference: 'https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_refresh_token_flow.htm' }),
  prefixed('secret-sonarcloud-token', { provider: 'SonarQube Cloud', kind: 'token (sqco_)', shape: ['sqco_', [CLASS.alnum, 59]], check: MIXED,
    impact: 'Reads the source and analysis results of the organisation\'s projects.', revoke: 'Revoke it under My Account → Security.', reference: 'https://docs.sonarsource.com/sonarqube-cloud/managing-your-account/managing-tokens/' }),
  prefixed('secret-sourcegraph-cody-token', { provider: 'Sourcegraph', kind: 'Cody gateway token', shape: ['slk_', [CLASS.hex, 64]],
    impact: 'Calls Cody\'s model gateway billed to the instance.', revoke: 'Regenerate the instance\'s license or access token.', reference: 'https://sourcegraph.com/docs/cody' }),
  prefixed('secret-teamwork-token', { provider: 'Teamwork', kind: 'API token', shape: ['tkn.v1_', [CLASS.alnum, 71], '='], boundary: 'A-Za-z0-9_.=-',
    impact: 'Reads and changes the site\'s projects, tickets or CRM data as the user.', revoke: 'Regenerate the API token in the user\'s profile.', reference: 'https://apidocs.teamwork.com/guides/teamwork/authentication' }),
  prefixed('secret-ubidots-token', { provider: 'Ubidots', kind: 'API token', shape: ['BBFF-', [CLASS.alnum, 30]], check: MIXED, boundary: 'A-Za-z0-9',
    impact: 'Reads and writes the account\'s devices and variables (and what the devices control).', revoke: 'Delete the token under API credentials.', reference: 'https://docs.ubidots.com/reference/authentication' }),
  prefixed('secret-voiceflow-key', { provider: 'Voiceflow', kind: 'API key', shape: ['VF.', [{ regex: 'DMWS.', chars: '' }, 0, 3], [CLASS.anyHex, 24], '.', [CLASS.alnum, 16]], keywords: ['vf.'], boundary: 'A-Za-z0-9.',
    check: (token) => /^VF\.(?:(?:DM|WS)\.)?[a-fA-F0-9]{24}\.[A-Za-z0-9]{16}$/.test(token),
    impact: 'Runs the agent\'s dialogs and reads its transcripts and knowledge base.', revoke: 'Regenerate the key on the agent\'s integration page.', reference: 'https://docs.voiceflow.com/reference/authentication' }),
  prefixed('secret-tines-webhook', { provider: 'Tines', kind: 'webhook URL', shape: ['https://', [{ regex: 'A-Za-z0-9-', chars: CLASS.lowerAlnum.chars }, 3, 40], '.tines.com/webhook/', [CLASS.lowerAlnum, 32], '/', [CLASS.lowerAlnum, 32]], keywords: ['.tines.com/webhook/'], boundary: 'A-Za-z0-9',
    impact: 'Starts the story with any input: the actions after it run with the tenant\'s credentials.', revoke: 'Change the webhook action\'s path and secret.', reference: 'https://www.tines.com/docs/actions/types/webhook/' }),
  prefixed('secret-zoho-token', { provider: 'Zoho', kind: 'OAuth access or refresh token', shape: ['1000.', [CLASS.hex, 32], '.', [CLASS.hex, 32]], boundary: 'A-Za-z0-9.',
    impact: 'Calls Zoho APIs (CRM, Books, Desk…) as the user who granted it.', revoke: 'Revoke the token (oauth/v2/token/revoke) or the client\'s connection under Connected Apps.', reference: 'https://www.zoho.com/accounts/protocol/oauth/web-apps/access-token.html' }),
  prefixed('secret-gemini-exchange-key', { provider: 'Gemini (exchange)', kind: 'API key', shape: [[{ regex: 'a-z', chars: '' }, 6, 7], '-', [CLASS.alnum, 20]], keywords: ['account-', 'master-'], boundary: 'A-Za-z0-9_-',
    check: (token) => /^(?:account|master)-/.test(token) && MIXED(token.slice(token.indexOf('-') + 1)), finish: (sample) => `account-${sample.slice(sample.indexOf('-') + 1)}`, corrupt: (sample) => `account-${sample.slice(sample.indexOf('-') + 1).toLowerCase()}`,
    impact: 'Trades and (by role) withdraws the account\'s funds.', revoke: 'Revoke the key under Settings → API.', reference: 'https://docs.gemini.com/rest-api/#private-api-invocation' }),
];

const VAULT_UNSEAL: Detector = {
  id: 'secret-vault-unseal-key',
  provider: 'HashiCorp Vault',
  kind: 'unseal key (share)',
  keywords: ['unseal'],
  pattern: /(?<![A-Za-z0-9_-])(?:Unseal Key(?:[ \t]+\d{1,2})?[ \t]*:|vault[ \t]+operator[ \t]+unseal(?:[ \t]+-[a-z-]+(?:=[^\s]+)?)?)[ \t]+["']?(?<secret>[A-Za-z0-9+/]{43}[A-Za-z0-9+/=])(?![A-Za-z0-9+/=])/g,
  validate: (key) => !isPlaceholder(key) && !isDocumentedExample(key) && looksRandom(key, 24),
  priority: PRIORITY.provider,
  severity: 'critical',
  window: { before: 0, after: 0 },
  docs: {
    impact: 'With enough shares, unseals Vault; with the root token or storage access, it is every secret in it.',
    revoke: 'Rekey Vault (`vault operator rekey`) so the old shares no longer combine into the key.',
    references: ['https://developer.hashicorp.com/vault/docs/concepts/seal'],
  },
  get samples() {
    const random = new SampleRandom('vault-unseal');
    return {
      file: 'notes/vault-init.md',
      positives: [`Unseal Key 1: ${random.chars(CLASS.base64.chars, 44)}`, `kubectl exec -ti vault-0 -- vault operator unseal ${random.chars(CLASS.base64.chars, 44)}`],
      negatives: ['Unseal Key 1: <unseal-key-1>', 'vault operator unseal $VAULT_UNSEAL_KEY_1', 'Unseal Nonce: 2fd1a6a7-0a4d-4e1b-9f0e-1c2d3e4f5a6b'],
    };
  },
};

const WIREGUARD: Detector = {
  id: 'secret-wireguard-private-key',
  provider: 'WireGuard',
  kind: 'private or preshared key',
  keywords: ['privatekey', 'presharedkey'],
  pattern: /(?<![A-Za-z0-9_])(?<key>PrivateKey|PresharedKey)[ \t]*=[ \t]*(?<secret>[A-Za-z0-9+/]{43}=)(?![A-Za-z0-9+/=])/g,
  validate: (key) => !isPlaceholder(key) && !isDocumentedExample(key) && looksRandom(key.slice(0, -1), 24),
  priority: PRIORITY.provider,
  severity: 'critical',
  localKey: true,
  window: { before: 0, after: 0 },
  docs: {
    impact: 'Joins the tunnel as the peer (the private key), or breaks its post-quantum protection (the preshared key): traffic to and from the networks behind it.',
    revoke: 'Generate a new key pair (`wg genkey`), replace the peer\'s public key on every other peer, and rotate the preshared key.',
    references: ['https://www.wireguard.com/quickstart/#key-generation'],
  },
  get samples() {
    const random = new SampleRandom('wireguard');
    return {
      file: 'wg0.conf',
      positives: [`PrivateKey = ${random.chars(CLASS.base64.chars, 42)}A=`, `PresharedKey = ${random.chars(CLASS.base64.chars, 42)}c=`],
      negatives: ['PrivateKey = <client-private-key>', 'PublicKey = 7x9a+Jb3Vd1Qw5Ez8Rt2Yu4Io6Pa0Ss9Dd3Ff7Gg1Hh=', 'PostUp = wg set %i private-key /etc/wireguard/private.key'],
    };
  },
};

export const moreRuleSetGapDetectors: readonly Detector[] = [
  VAULT_UNSEAL,
  WIREGUARD,
  prefixed('secret-sidekiq-enterprise-credentials', { provider: 'Sidekiq (Contribsys)', kind: 'Pro/Enterprise gem server credentials', shape: [[CLASS.hex, 8], ':', [CLASS.hex, 8]],
    keywords: ['contribsys__com', 'contribsys.com', 'sidekiq'], window: { before: 0, after: 80 }, boundary: 'A-Za-z0-9:', severity: 'high',
    impact: 'Downloads the licensed Sidekiq Pro/Enterprise gems with the customer\'s licence.', revoke: 'Ask Contribsys to rotate the licence credentials.', reference: 'https://github.com/sidekiq/sidekiq/wiki/Sidekiq-Pro' }),
  prefixed('secret-facebook-app-access-token', { provider: 'Facebook', kind: 'app access token (app id|secret)', shape: [[CLASS.digits, 15, 16], '|', [CLASS.base64url, 27, 40]],
    keywords: ['facebook', 'access_token', 'fb_', 'graph.facebook'], window: { before: 200, after: 200 }, boundary: 'A-Za-z0-9_|-', check: MIXED,
    impact: 'Calls the Graph API as the app: its settings, its users\' data by the app\'s permissions, its ads.', revoke: 'Reset the app secret under Settings → Basic (app tokens made from it stop working).', reference: 'https://developers.facebook.com/docs/facebook-login/guides/access-tokens/#apptokens' }),
  prefixed('secret-fly-legacy-token', { provider: 'Fly.io', kind: 'access token (fm1a_/fm1r_ macaroon)', shape: ['fm1', [{ regex: 'ar', chars: 'ar' }, 1], '_', [{ regex: 'A-Za-z0-9+/=_-', chars: CLASS.base64.chars }, 100, 4000]], keywords: ['fm1a_', 'fm1r_'], boundary: 'A-Za-z0-9_+/-',
    impact: 'Deploys and reads the secrets of the organisation\'s apps.', revoke: 'Revoke it with `fly tokens revoke` or in the dashboard.', reference: 'https://fly.io/docs/security/tokens/' }),
  prefixed('secret-sourcegraph-local-token', { provider: 'Sourcegraph', kind: 'access token (sgp_local_)', shape: ['sgp_local_', [CLASS.hex, 40]],
    impact: 'Searches and reads every repository the user can see in the Sourcegraph instance.', revoke: 'Delete the token under User settings → Access tokens.', reference: 'https://sourcegraph.com/docs/cli/how-tos/creating_an_access_token' }),
  prefixed('secret-mapbox-temporary-token', { provider: 'Mapbox', kind: 'temporary access token', shape: ['tk.eyJ', [CLASS.base64url, 20, 300], '.', [CLASS.base64url, 22]], severity: 'medium',
    impact: 'Uses the secret scopes it was minted with until it expires (at most an hour).', revoke: 'Revoke the secret token that minted it at account.mapbox.com/access-tokens.', reference: 'https://docs.mapbox.com/api/accounts/tokens/#create-a-temporary-token' }),
  prefixed('secret-thingsboard-device-token', { provider: 'ThingsBoard', kind: 'device access token (in an API URL)', lead: 'thingsboard.cloud/api/v1/', shape: [[CLASS.alnum, 20]], boundary: 'A-Za-z0-9_-',
    check: (token) => /[0-9]/.test(token) && /[A-Za-z]/.test(token), severity: 'high',
    impact: 'Sends telemetry and attributes as the device, and receives its RPC commands.', revoke: 'Change the device\'s credentials in ThingsBoard (Device → Manage credentials).', reference: 'https://thingsboard.io/docs/reference/http-api/' }),
  prefixed('secret-truenas-api-key', { provider: 'TrueNAS', kind: 'API key', shape: [[CLASS.digits, 1, 4], '-', [CLASS.alnum, 64]], keywords: ['login_with_api_key', 'truenas'], window: { before: 300, after: 300 }, check: MIXED,
    impact: 'Calls the TrueNAS API as the key\'s user: storage, shares, users and the system itself.', revoke: 'Delete the key under Settings → API Keys.', reference: 'https://www.truenas.com/docs/scale/api/' }),
  keyed('secret-codeclimate-reporter-id', { provider: 'Code Climate', kind: 'test reporter id or repository token', words: ['cc_test_reporter_id', 'codeclimate_repo_token', 'codeclimate'], value: CLASS.hex, length: [64, 64], sampleKey: 'CC_TEST_REPORTER_ID',
    keySays: /reporter_id|token/i, idIsSecret: true, severity: 'high',
    impact: 'Uploads coverage reports to the repository on Code Climate (false coverage gates).', revoke: 'Regenerate the test reporter id in the repository\'s settings.', reference: 'https://docs.codeclimate.com/docs/finding-your-test-coverage-token' }),
  prefixed('secret-kubernetes-bootstrap-token', { provider: 'Kubernetes', kind: 'bootstrap token', shape: [[CLASS.lowerAlnum, 6], '.', [CLASS.lowerAlnum, 16]], keywords: ['bootstrap', '--token', 'token:', 'token='], boundary: 'A-Za-z0-9_.-',
    check: (token) => /[0-9]/.test(token.slice(7)) && /[a-z]/.test(token.slice(7)), finish: (sample) => `${sample.slice(0, 7)}4${sample.slice(8)}`,
    impact: 'Joins nodes to the cluster (kubelet TLS bootstrap), which then run the cluster\'s workloads and read their secrets.', revoke: 'Delete it: `kubeadm token delete <id>` (or the bootstrap-token-<id> Secret in kube-system).', reference: 'https://kubernetes.io/docs/reference/access-authn-authz/bootstrap-tokens/' }),
  prefixed('secret-figma-legacy-token', { provider: 'Figma', kind: 'personal access token (before figd_)', shape: [[CLASS.digits, 3, 6], '-', ...UUID], keywords: ['figma'], window: { before: 200, after: 200 },
    impact: 'Reads (and by scope writes) every file the user can open.', revoke: 'Revoke the token under Settings → Security → Personal access tokens.', reference: 'https://www.figma.com/developers/api#access-tokens' }),
  keyed('secret-azure-devops-legacy-pat', { provider: 'Azure', kind: 'DevOps personal access token (52 characters)', words: ['ado_', 'ado-', 'azure_devops', 'azuredevops', 'azure-devops', 'azdo', 'vsts', 'devops_pat', 'devops_token'], value: { regex: 'a-z2-7', chars: 'abcdefghijklmnopqrstuvwxyz234567' }, length: [52, 52], sampleKey: 'AZURE_DEVOPS_PAT',
    impact: 'Reads code, runs pipelines and changes work items of the organisation with the token\'s scopes.', revoke: 'Revoke it under User settings → Personal access tokens.', reference: 'https://learn.microsoft.com/azure/devops/organizations/accounts/use-personal-access-tokens-to-authenticate' }),
];
