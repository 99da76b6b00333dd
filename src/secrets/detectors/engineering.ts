import { PRIORITY, samplesOnce, type Detector } from '../detector.js';
import { isConnectionPassword } from './connection-password.js';
import { SampleRandom } from '../random.js';
import { CLASS, keyed, prefixed, UUID } from './define.js';

/** CI, code quality, hosting and developer platforms. */
const hasDigitAndLetter = (token: string): boolean => /[0-9]/.test(token) && /[A-Za-z]/.test(token.replace(/^[A-Za-z]+[-_]/, ''));
const MIXED = (token: string): boolean => /[0-9]/.test(token) && /[A-Z]/.test(token) && /[a-z]/.test(token);
const BASE64_PAD = { regex: 'A-Za-z0-9+/=', chars: CLASS.base64.chars } as const;
const random = new SampleRandom('engineering');

/** `machine HOST login USER password SECRET` in a .netrc (or a heredoc, a doc block writing one). */
const netrc: Detector = {
  id: 'secret-netrc-password',
  provider: 'netrc',
  kind: 'machine password',
  keywords: ['machine'],
  pattern: /(?<![A-Za-z0-9_-])machine[ \t]+(?<host>[^\s]{1,253})(?:[ \t\r\n]+(?:login|account)[ \t]+(?<key>[^\s]{1,128}))?[ \t\r\n]+password[ \t]+(?<secret>[^\s]{3,256})/g,
  validate: (password, context) => isConnectionPassword(password, context.groups['key'] ?? '', context.groups['host'] ?? ''),
  priority: PRIORITY.structural,
  severity: 'high',
  window: { before: 0, after: 600 },
  docs: {
    impact: 'Logs in to the host (git over HTTPS, package registries, FTP, APIs that curl and git read .netrc for) as the user.',
    revoke: 'Change the password or token on the host; keep .netrc out of repositories and images (mount it, or use a credential helper).',
    references: ['https://everything.curl.dev/usingcurl/netrc', 'https://www.gnu.org/software/inetutils/manual/html_node/The-_002enetrc-file.html'],
  },
  get samples() {
      return samplesOnce(this, () => ({
    file: '.netrc',
    positives: [`machine api.internal.test login ci-bot password ${random.chars(CLASS.alnum.chars, 24)}`, `machine api.wandb.ai login user password ${random.chars('0123456789abcdef', 40)}`, `machine git.internal.test\n  login deploy\n  password ${random.chars(CLASS.base64url.chars, 32)} # expect: secret-netrc-password`],
    negatives: ['machine example.com login user password password', 'machine git.internal.test login user password secret123', 'machine git.internal.test login deploy password $GIT_TOKEN', 'the machine learning password manager'],
  }));
    },
};

export const engineeringDetectors: readonly Detector[] = [
  netrc,
  prefixed('secret-aws-appsync-api-key', { provider: 'AWS', kind: 'AppSync API key', shape: ['da2-', [CLASS.lowerAlnum, 26]], check: (token) => /[0-9]/.test(token.slice(4)), severity: 'high',
    impact: 'Queries and mutates the AppSync GraphQL API the key belongs to.', revoke: 'Delete the API key in the AppSync console (Settings → API keys).', reference: 'https://docs.aws.amazon.com/appsync/latest/devguide/security-authz.html#api-key-authorization' }),
  prefixed('secret-dependency-track-api-key', { provider: 'Dependency-Track', kind: 'API key', shape: ['odt_', [CLASS.alnum, 32, 40]], check: MIXED,
    impact: 'Uploads SBOMs and reads the portfolio\'s components and vulnerabilities, by the team\'s permissions.', revoke: 'Regenerate the key on the team under Administration → Access management → Teams.', reference: 'https://docs.dependencytrack.org/integrations/rest-api/' }),
  ...(['api', 'dep'] as const).map((kind) => prefixed(`secret-pixie-${kind === 'api' ? 'api' : 'deploy'}-key`, { provider: 'New Relic Pixie', kind: kind === 'api' ? 'API key' : 'deploy key', shape: [`px-${kind}-`, ...UUID],
    impact: kind === 'api' ? 'Queries the clusters\' Pixie telemetry: request bodies included.' : 'Deploys Pixie to clusters of the organisation.', revoke: 'Delete the key with `px api-key delete` / `px deploy-key delete` or in the admin UI.', reference: 'https://docs.px.dev/reference/admin/api-keys/' })),
  prefixed('secret-stackhawk-api-key', { provider: 'StackHawk', kind: 'API key', shape: ['hawk.', [CLASS.alnum, 20], '.', [CLASS.alnum, 20]],
    impact: 'Starts scans and reads the findings of the organisation\'s applications.', revoke: 'Delete the key under Settings → API keys.', reference: 'https://docs.stackhawk.com/apidocs.html' }),
  prefixed('secret-dropbox-access-token', { provider: 'Dropbox', kind: 'short-lived access token', shape: ['sl.', [CLASS.base64url, 130, 1300]], severity: 'high',
    impact: 'Reads and writes the user\'s (or team\'s) files until it expires.', revoke: 'Revoke it with /2/auth/token/revoke or by unlinking the app.', reference: 'https://developers.dropbox.com/oauth-guide' }),
  keyed('secret-okta-api-token', { provider: 'Okta', kind: 'API token', words: ['okta'], value: CLASS.base64url, length: [42, 42], sampleKey: 'OKTA_API_TOKEN', check: (value) => value.startsWith('00'),
    sample: (rng) => `00${rng.chars(CLASS.alnum.chars, 40)}`,
    impact: 'Manages the Okta org as the admin who created it: users, groups, applications and policies.', revoke: 'Revoke the token under Security → API → Tokens.', reference: 'https://developer.okta.com/docs/guides/create-an-api-token/main/' }),
  prefixed('secret-okta-ssws-token', { provider: 'Okta', kind: 'API token in an SSWS header', lead: 'SSWS ', shape: ['00', [CLASS.base64url, 40]], keywords: ['ssws '], check: MIXED,
    impact: 'Manages the Okta org as the admin who created it: users, groups, applications and policies.', revoke: 'Revoke the token under Security → API → Tokens.', reference: 'https://developer.okta.com/docs/guides/create-an-api-token/main/' }),
  prefixed('secret-salesforce-access-token', { provider: 'Salesforce', kind: 'access or session token', shape: ['00D', [CLASS.alnum, 12, 15], '!', [{ regex: 'A-Za-z0-9._', chars: CLASS.alnum.chars }, 80, 200]], keywords: ['00d'], boundary: 'A-Za-z0-9',
    impact: 'Acts as the user in the org through the REST and SOAP APIs until the session ends.', revoke: 'Revoke the session (Setup → Session Management) or the connected app\'s token.', reference: 'https://help.salesforce.com/s/articleView?id=sf.remoteaccess_access_tokens.htm&type=5' }),
  ...(['PAT', 'PRJ'] as const).map((kind) => prefixed(`secret-circleci-${kind === 'PAT' ? 'personal' : 'project'}-token`, { provider: 'CircleCI', kind: kind === 'PAT' ? 'personal API token' : 'project API token', shape: [`CCI${kind}_`, [CLASS.alnum, 22], '_', [CLASS.hex, 40]],
    impact: 'Triggers pipelines and reads the project\'s environment variables and contexts names, artifacts and logs.', revoke: 'Delete the token under User settings (or Project settings) → API tokens.', reference: 'https://circleci.com/docs/managing-api-tokens/' })),
  prefixed('secret-octopus-deploy-api-key', { provider: 'Octopus Deploy', kind: 'API key', shape: ['API-', [CLASS.upperAlnum, 26]], boundary: 'A-Za-z0-9_-', check: hasDigitAndLetter,
    impact: 'Deploys releases and reads project variables (sensitive ones included through the API scope) as the user.', revoke: 'Revoke the key under the user\'s profile → My API keys.', reference: 'https://octopus.com/docs/octopus-rest-api/how-to-create-an-api-key' }),
  ...(['pat', 'sat'] as const).map((kind) => prefixed(`secret-harness-${kind === 'pat' ? 'personal' : 'service-account'}-token`, { provider: 'Harness', kind: kind === 'pat' ? 'personal access token' : 'service account token', shape: [`${kind}.`, [CLASS.base64url, 22], '.', [CLASS.alnum, 24], '.', [CLASS.alnum, 20]],
    impact: 'Calls the Harness API: runs pipelines and reads the connectors and secrets its role allows.', revoke: 'Delete the token under My profile (or the service account) → API keys.', reference: 'https://developer.harness.io/docs/platform/automation/api/add-and-manage-api-keys/' })),
  prefixed('secret-teamcity-token', { provider: 'TeamCity', kind: 'access token', shape: ['eyJ0eXAiOiAiVENWMiJ9.', [CLASS.base64url, 36], '.', [CLASS.base64url, 48]], keywords: ['eyj0exaioiaivenwmij9'],
    impact: 'Calls the TeamCity REST API as the user: runs builds, reads parameters and logs.', revoke: 'Delete the token under Profile → Access Tokens.', reference: 'https://www.jetbrains.com/help/teamcity/configuring-your-user-profile.html#Managing+Access+Tokens' }),
  prefixed('secret-sourcegraph-token', { provider: 'Sourcegraph', kind: 'access token', shape: ['sgp_', [CLASS.anyHex, 16], '_', [CLASS.hex, 40]],
    impact: 'Searches and reads every repository the user can see in the Sourcegraph instance.', revoke: 'Delete the token under User settings → Access tokens.', reference: 'https://sourcegraph.com/docs/cli/how-tos/creating_an_access_token' }),
  prefixed('secret-sourcegraph-legacy-token', { provider: 'Sourcegraph', kind: 'access token (without instance id)', shape: ['sgp_', [CLASS.hex, 40]],
    impact: 'Searches and reads every repository the user can see in the Sourcegraph instance.', revoke: 'Delete the token under User settings → Access tokens.', reference: 'https://sourcegraph.com/docs/cli/how-tos/creating_an_access_token' }),
  prefixed('secret-infracost-token', { provider: 'Infracost', kind: 'API key', shape: ['ico-', [CLASS.alnum, 32]], impact: 'Uses the organisation\'s Infracost Cloud and reads its cost estimates.', revoke: 'Rotate the key in Infracost Cloud under Org settings.', reference: 'https://www.infracost.io/docs/' }),
  prefixed('secret-prefect-token', { provider: 'Prefect', kind: 'API key', shape: ['pnu_', [CLASS.alnum, 36]], impact: 'Runs and changes the workspace\'s flows and reads their blocks (credentials included).', revoke: 'Delete the key under Profile → API keys.', reference: 'https://docs.prefect.io/v3/manage/cloud/manage-users/api-keys' }),
  prefixed('secret-readme-token', { provider: 'ReadMe', kind: 'API key', shape: ['rdme_', [CLASS.lowerAlnum, 70]], impact: 'Changes the project\'s published API documentation.', revoke: 'Delete the key in the project\'s API keys settings.', reference: 'https://docs.readme.com/main/reference/intro/authentication' }),
  prefixed('secret-scalingo-token', { provider: 'Scalingo', kind: 'API token', shape: ['tk-us-', [CLASS.base64url, 48]], impact: 'Deploys and reads the environment (and so the secrets) of the user\'s apps.', revoke: 'Delete the token in the dashboard under Profile → API tokens.', reference: 'https://doc.scalingo.com/platform/cli/features#api-tokens' }),
  prefixed('secret-fly-token', { provider: 'Fly.io', kind: 'access token (macaroon)', shape: ['fm2_', [BASE64_PAD, 100, 4000]], keywords: ['fm2_'], boundary: 'A-Za-z0-9_+/-',
    impact: 'Deploys and reads the secrets of the organisation\'s apps, by the token\'s caveats.', revoke: 'Revoke it with `fly tokens revoke` or in the dashboard under Tokens.', reference: 'https://fly.io/docs/security/tokens/' }),
  prefixed('secret-fly-oauth-token', { provider: 'Fly.io', kind: 'user OAuth token', shape: ['fo1_', [CLASS.base64url, 43]], impact: 'Acts as the user on every organisation: deploys and reads app secrets.', revoke: 'Log out (`fly auth logout`) or revoke the session in the dashboard.', reference: 'https://fly.io/docs/security/tokens/' }),
  prefixed('secret-netlify-token', { provider: 'Netlify', kind: 'personal access token', shape: ['nfp_', [CLASS.alnum, 36]], impact: 'Deploys the user\'s sites and reads their environment variables.', revoke: 'Delete the token under User settings → Applications.', reference: 'https://docs.netlify.com/api/get-started/#authentication' }),
  prefixed('secret-render-api-key', { provider: 'Render', kind: 'API key', shape: ['rnd_', [CLASS.alnum, 32]], impact: 'Deploys services and reads their environment variables.', revoke: 'Revoke the key under Account settings → API keys.', reference: 'https://render.com/docs/api#1-create-an-api-key' }),
  prefixed('secret-clojars-token', { provider: 'Clojars', kind: 'deploy token', shape: ['CLOJARS_', [CLASS.lowerAlnum, 60]], impact: 'Publishes new versions of the user\'s libraries.', revoke: 'Disable the token at clojars.org/tokens.', reference: 'https://github.com/clojars/clojars-web/wiki/Deploy-Tokens' }),
  prefixed('secret-crates-io-token', { provider: 'crates.io', kind: 'API token', shape: ['cio', [CLASS.alnum, 32]], boundary: 'A-Za-z0-9', check: MIXED,
    impact: 'Publishes new versions of the owner\'s crates.', revoke: 'Revoke the token at crates.io/settings/tokens.', reference: 'https://doc.rust-lang.org/cargo/reference/publishing.html' }),
  prefixed('secret-openshift-token', { provider: 'OpenShift', kind: 'user OAuth token', shape: ['sha256~', [CLASS.base64url, 43]], impact: 'Acts as the user on the cluster API, with every role bound to them.', revoke: 'Delete the OAuthAccessToken (`oc delete oauthaccesstoken`) or log out.', reference: 'https://docs.redhat.com/en/documentation/openshift_container_platform/4.16/html/authentication_and_authorization/managing-oauth-access-tokens' }),
  prefixed('secret-cloudflare-origin-ca-key', { provider: 'Cloudflare', kind: 'Origin CA key', shape: ['v1.0-', [CLASS.hex, 24], '-', [CLASS.hex, 146]], impact: 'Issues and revokes origin certificates for the account\'s zones.', revoke: 'Revoke the Origin CA key under My Profile → API Tokens.', reference: 'https://developers.cloudflare.com/fundamentals/api/get-started/ca-keys/' }),
  prefixed('secret-azure-service-bus-key', { provider: 'Azure', kind: 'shared access key (Service Bus, Event Hubs, Relay)', lead: 'SharedAccessKey=', shape: [[CLASS.base64, 43], '='], keywords: ['sharedaccesskey='], boundary: 'A-Za-z0-9+/',
    check: (key) => Buffer.from(key, 'base64').length === 32,
    impact: 'Sends, receives or manages the namespace\'s messages by the policy\'s rights.', revoke: 'Regenerate the key of the shared access policy, and prefer Entra ID (managed identities).', reference: 'https://learn.microsoft.com/azure/service-bus-messaging/service-bus-sas' }),
  prefixed('secret-gcp-access-token', { provider: 'Google Cloud', kind: 'OAuth access token', shape: ['ya29.', [CLASS.base64url, 50, 2000]], severity: 'high', impact: 'Calls Google APIs as the user or service account until it expires (an hour).', revoke: 'Revoke it at oauth2.googleapis.com/revoke; find and remove what minted it.', reference: 'https://developers.google.com/identity/protocols/oauth2' }),
  prefixed('secret-tencent-cloud-secret-id', { provider: 'Tencent Cloud', kind: 'SecretId', shape: ['AKID', [CLASS.alnum, 32]], boundary: 'A-Za-z0-9', check: MIXED, severity: 'high',
    impact: 'Identifies a CAM API key; with its SecretKey (often beside it) it signs Tencent Cloud API calls.', revoke: 'Disable and delete the key in the CAM console.', reference: 'https://www.tencentcloud.com/document/product/598/32675' }),
  prefixed('secret-yandex-api-key', { provider: 'Yandex Cloud', kind: 'API key', shape: ['AQVN', [CLASS.base64url, 35, 38]], boundary: 'A-Za-z0-9_-', impact: 'Calls Yandex Cloud APIs as the service account.', revoke: 'Delete the API key of the service account.', reference: 'https://yandex.cloud/en/docs/iam/concepts/authorization/api-key' }),
  prefixed('secret-1password-secret-key', { provider: '1Password', kind: 'account Secret Key', shape: ['A3-', [CLASS.upperAlnum, 6], '-', [CLASS.upperAlnum, 6], [{ regex: '-', chars: '-' }, 0, 1], [CLASS.upperAlnum, 5], '-', [CLASS.upperAlnum, 5], '-', [CLASS.upperAlnum, 5], '-', [CLASS.upperAlnum, 5]], boundary: 'A-Za-z0-9',
    impact: 'With the account password, opens every vault of the account.', revoke: 'Regenerate the Secret Key (Profile → Secret Key) and change the account password.', reference: 'https://support.1password.com/secret-key-security/' }),
  prefixed('secret-supabase-secret-key', { provider: 'Supabase', kind: 'secret API key', shape: ['sb_secret_', [CLASS.base64url, 31, 40]], impact: 'Bypasses row-level security: reads and writes every table of the project.', revoke: 'Delete the key under Project settings → API keys.', reference: 'https://supabase.com/docs/guides/api/api-keys' }),
  prefixed('secret-neon-api-key', { provider: 'Neon', kind: 'API key', shape: ['napi_', [CLASS.lowerAlnum, 64]], impact: 'Manages the account\'s Postgres projects, branches and roles.', revoke: 'Revoke the key under Account settings → API keys.', reference: 'https://neon.com/docs/manage/api-keys' }),
  prefixed('secret-ory-token', { provider: 'Ory', kind: 'personal or project API key', shape: ['ory_pat_', [CLASS.alnum, 32]], impact: 'Manages the project\'s identities, sessions and OAuth2 clients.', revoke: 'Revoke the key in the Ory Console under API keys.', reference: 'https://www.ory.sh/docs/concepts/personal-access-token' }),
  prefixed('secret-launchdarkly-access-token', { provider: 'LaunchDarkly', kind: 'API access token', shape: ['api-', ...UUID], impact: 'Changes feature flags and their targeting in every environment the token can reach.', revoke: 'Delete the token under Organization settings → Authorization.', reference: 'https://launchdarkly.com/docs/home/account/api' }),
  prefixed('secret-launchdarkly-sdk-key', { provider: 'LaunchDarkly', kind: 'server-side SDK key', shape: ['sdk-', ...UUID], severity: 'high', impact: 'Reads every flag rule of the environment, segments and their targeted users included.', revoke: 'Reset the SDK key in the environment settings.', reference: 'https://launchdarkly.com/docs/sdk/concepts/client-side-server-side#keys' }),
  prefixed('secret-defined-networking-token', { provider: 'Defined Networking', kind: 'API key', shape: ['dnkey-', [CLASS.base64url, 26], '-', [CLASS.base64url, 52]], impact: 'Manages the Nebula overlay network: hosts, roles and firewall rules.', revoke: 'Delete the key in the admin panel under API keys.', reference: 'https://docs.defined.net/guides/automatically-creating-hosts/' }),
  ...(['pat', 'aat', 'sat'] as const).map((kind) => prefixed(`secret-settlemint-${kind}-token`, { provider: 'SettleMint', kind: { pat: 'personal', aat: 'application', sat: 'service' }[kind] + ' access token', shape: [`sm_${kind}_`, [CLASS.alnum, 16]],
    impact: 'Manages the blockchain applications and nodes of the workspace.', revoke: 'Delete the token in the SettleMint console.', reference: 'https://console.settlemint.com/documentation/platform-components/security-and-authentication/application-access-tokens' })),
  prefixed('secret-frameio-token', { provider: 'Frame.io', kind: 'developer token', shape: ['fio-u-', [CLASS.base64url, 64]], impact: 'Reads and uploads the account\'s media and comments.', revoke: 'Delete the token in the Frame.io developer site.', reference: 'https://developer.frame.io/docs/getting-started/authentication' }),
  prefixed('secret-adobe-client-secret', { provider: 'Adobe', kind: 'OAuth client secret', shape: ['p8e-', [CLASS.alnum, 32]], impact: 'Obtains tokens for the Adobe Developer Console project\'s APIs.', revoke: 'Rotate the client secret in the Developer Console credential.', reference: 'https://developer.adobe.com/developer-console/docs/guides/authentication/' }),
  prefixed('secret-clickhouse-cloud-key', { provider: 'ClickHouse Cloud', kind: 'API secret key', shape: ['4b1d', [CLASS.alnum, 38]], boundary: 'A-Za-z0-9', check: MIXED, impact: 'Manages the organisation\'s ClickHouse services and their access.', revoke: 'Delete the key under Organization → API keys.', reference: 'https://clickhouse.com/docs/cloud/manage/openapi' }),
  prefixed('secret-intra42-client-secret', { provider: '42 Intra', kind: 'OAuth client secret', shape: ['s-s4t2ud-', [CLASS.hex, 64]], impact: 'Obtains API tokens as the 42 application.', revoke: 'Regenerate the secret on the application\'s page.', reference: 'https://api.intra.42.fr/apidoc' }),
];
