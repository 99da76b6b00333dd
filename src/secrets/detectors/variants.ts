import { ASSIGN, looksRandom } from '../assignment.js';
import { PRIORITY, samplesOnce, type Detector } from '../detector.js';
import { isDocumentedExample, isPlaceholder } from '../placeholders.js';
import { SampleRandom } from '../random.js';
import { CLASS, keyed, prefixed, UUID } from './define.js';

/** Older and newer generations of the formats of providers covered elsewhere. */
const random = new SampleRandom('variants');
const VAULT_REF = 'https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes';
const VAULT_REVOKE = 'Revoke it with `vault token revoke` (or its accessor) and audit what it read.';
const SLACK_REF = 'https://api.slack.com/concepts/token-types';
const SLACK_REVOKE = 'Revoke the token (auth.revoke, or regenerate it in the app settings) and reinstall the app if needed.';
const DOPPLER_REF = 'https://docs.doppler.com/reference/api#authentication';
const DOPPLER_REVOKE = 'Revoke the token in the Doppler dashboard (Access, or the config\'s service tokens).';
const DOPPLER_IMPACT = 'Reads the secrets of the Doppler configs the token can reach.';
const GITLAB_REF = 'https://docs.gitlab.com/security/tokens/';
const GITLAB_REVOKE = 'Revoke the token in GitLab where it was created and create a new one.';
const NEWRELIC_REF = 'https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/';
const NEWRELIC_REVOKE = 'Delete or rotate the key in the New Relic API keys UI.';
const ALNUM_DOT = { regex: 'A-Za-z0-9._-', chars: CLASS.alnum.chars } as const;
const SLACK_TAIL = { regex: 'A-Za-z0-9/', chars: CLASS.alnum.chars } as const;

/** `dp.st.[config.]<40–44 alphanumerics>`: the optional segment names the config. */
function isDopplerServiceToken(token: string): boolean {
  const parts = token.slice('dp.st.'.length).split('.');
  const secret = parts[parts.length - 1] ?? '';
  return parts.length <= 2 && /^[A-Za-z0-9]{40,44}$/.test(secret) && (parts.length === 1 || /^[a-z0-9_-]{2,35}$/.test(parts[0]!));
}

function isGrafanaApiKey(token: string): boolean {
  try {
    const fields = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as Record<string, unknown>;
    return typeof fields['k'] === 'string' && typeof fields['n'] === 'string';
  } catch {
    return false;
  }
}

/** Vault tokens before 1.10: `s.`, `b.`, `r.` and 24+ characters, recognised by the key they are given to. */
const legacyVault: Detector = {
  id: 'secret-vault-legacy-token',
  provider: 'HashiCorp Vault',
  kind: 'legacy service, batch or recovery token (s., b., r.)',
  keywords: ['vault'],
  pattern: new RegExp(String.raw`(?<![A-Za-z0-9])(?<key>[A-Za-z0-9_.-]{0,40}?vault[A-Za-z0-9_.-]{0,40})(?:${ASSIGN}|[ \t]+["']?)(?<secret>[sbr]\.[A-Za-z0-9]{24}(?:[A-Za-z0-9_-]{0,96}|\.[A-Za-z0-9]{5}))(?![A-Za-z0-9_(.-])`, 'gi'),
  validate: (token) => /[A-Z]/.test(token) && /[a-z]/.test(token.slice(2)) && /[0-9]/.test(token) && looksRandom(token.slice(2), 24) && !isPlaceholder(token) && !isDocumentedExample(token),
  priority: PRIORITY.provider,
  // `s.` and 24 characters is a shape many words and ids share: the key names it
  byName: true,
  severity: 'critical',
  window: { before: 0, after: 160 },
  docs: { impact: 'Reads every secret its policies allow, often the keys to everything else.', revoke: VAULT_REVOKE, references: [VAULT_REF] },
  get samples() {
      return samplesOnce(this, () => ({
    file: 'config.env',
    positives: [`VAULT_TOKEN=s.${random.chars(CLASS.alnum.chars, 24)}`, `vault_recovery_token: r.${random.chars(CLASS.alnum.chars, 24)}`, `curl -H "X-Vault-Token: s.${random.chars(CLASS.alnum.chars, 24)}" https://vault.internal:8200/v1/secret/data/app`],
    negatives: ['VAULT_TOKEN=s.addComponentsFromRegistry()', 'vault_token: ${VAULT_TOKEN}', 'token: s.getServerAddressByClientCIDRs', `VAULT_ADDR=https://vault.internal:8200`],
  }));
    },
};

export const variantDetectors: readonly Detector[] = [
  legacyVault,
  prefixed('secret-vault-legacy-batch-token', { provider: 'HashiCorp Vault', kind: 'legacy batch token (b.)', shape: ['b.AAAAAQ', [CLASS.base64url, 100, 400]], keywords: ['b.aaaaaq'],
    impact: 'Reads the secrets its policies allow until it expires.', revoke: 'Revoke the parent token or rotate the secrets it could read.', reference: VAULT_REF }),
  prefixed('secret-vault-recovery-token', { provider: 'HashiCorp Vault', kind: 'recovery token', shape: ['hvr.', [CLASS.base64url, 24, 130]],
    impact: 'Operates Vault in recovery mode: reads and writes raw storage.', revoke: 'Revoke it and generate a new recovery token only when needed.', reference: VAULT_REF }),
  prefixed('secret-slack-legacy-bot-token', { provider: 'Slack', kind: 'legacy bot token', shape: ['xoxb-', [CLASS.digits, 8, 14], '-', [CLASS.alnum, 18, 26]],
    impact: 'Posts and reads messages as the legacy bot user.', revoke: SLACK_REVOKE, reference: SLACK_REF }),
  prefixed('secret-slack-legacy-token', { provider: 'Slack', kind: 'legacy user or workspace token (xoxs, xoxo)', shape: ['xox', [{ regex: 'os', chars: 'os' }, 1], '-', [CLASS.digits, 6, 14], '-', [CLASS.digits, 6, 14], '-', [CLASS.digits, 6, 14], '-', [CLASS.anyHex, 10, 64]],
    keywords: ['xoxs-', 'xoxo-'], impact: 'Acts as the user who created it across the whole workspace.', revoke: SLACK_REVOKE, reference: SLACK_REF }),
  prefixed('secret-slack-workspace-token', { provider: 'Slack', kind: 'workspace app or refresh token (xoxa, xoxr)', shape: ['xox', [{ regex: 'ar', chars: 'ar' }, 1], '-', [CLASS.digits, 1], '-', [CLASS.alnum, 24, 128]],
    keywords: ['xoxa-', 'xoxr-'], impact: 'Calls the Web API as the workspace app, or mints new tokens.', revoke: SLACK_REVOKE, reference: SLACK_REF }),
  prefixed('secret-slack-config-token', { provider: 'Slack', kind: 'app configuration access token', shape: ['xoxe.xox', [{ regex: 'bp', chars: 'bp' }, 1], '-', [CLASS.digits, 1], '-', [CLASS.alnum, 163, 166]],
    keywords: ['xoxe.xox'], impact: 'Creates and changes the workspace\'s apps through the App Manifest API.', revoke: SLACK_REVOKE, reference: 'https://api.slack.com/authentication/config-tokens' }),
  prefixed('secret-slack-config-refresh-token', { provider: 'Slack', kind: 'app configuration refresh token', shape: ['xoxe-', [CLASS.digits, 1], '-', [CLASS.alnum, 140, 150]],
    impact: 'Mints new app configuration tokens.', revoke: SLACK_REVOKE, reference: 'https://api.slack.com/authentication/config-tokens' }),
  prefixed('secret-slack-workflow-webhook', { provider: 'Slack', kind: 'workflow webhook URL', shape: ['http', [{ regex: 's', chars: 's' }, 0, 1], '://hooks.slack.com/workflows/T', [CLASS.upperAlnum, 8, 12], '/', [SLACK_TAIL, 30, 90]], keywords: ['hooks.slack.com/workflows/'], boundary: 'A-Za-z0-9',
    impact: 'Starts the workflow with any input: messages posted into the workspace as the workflow.', revoke: 'Turn off the webhook trigger in Workflow Builder and publish a new one.', reference: 'https://slack.com/help/articles/360041352714' }),
  prefixed('secret-slack-trigger-webhook', { provider: 'Slack', kind: 'workflow trigger URL', shape: ['http', [{ regex: 's', chars: 's' }, 0, 1], '://hooks.slack.com/triggers/T', [CLASS.upperAlnum, 8, 12], '/', [SLACK_TAIL, 30, 90]], keywords: ['hooks.slack.com/triggers/'], boundary: 'A-Za-z0-9',
    impact: 'Starts the workflow with any input: messages posted into the workspace as the workflow.', revoke: 'Delete the webhook trigger and create a new one.', reference: 'https://api.slack.com/automation/triggers/webhook' }),
  ...(['ct', 'sa', 'scim', 'audit'] as const).map((kind) => prefixed(`secret-doppler-${{ ct: 'cli', sa: 'service-account', scim: 'scim', audit: 'audit' }[kind]}-token`, {
    provider: 'Doppler', kind: `${{ ct: 'CLI', sa: 'service account', scim: 'SCIM', audit: 'audit' }[kind]} token`, shape: [`dp.${kind}.`, [CLASS.alnum, 40, 44]],
    impact: kind === 'scim' ? 'Provisions and removes users of the workplace.' : kind === 'audit' ? 'Reads the workplace\'s audit log and its member list.' : DOPPLER_IMPACT, revoke: DOPPLER_REVOKE, reference: DOPPLER_REF })),
  prefixed('secret-doppler-service-token', { provider: 'Doppler', kind: 'service token', shape: ['dp.st.', [ALNUM_DOT, 40, 80]], check: isDopplerServiceToken,
    finish: (sample) => `dp.st.${sample.length % 2 ? 'prd.' : ''}${random.chars(CLASS.alnum.chars, 43)}`, corrupt: (sample) => `${sample.slice(0, -2)}.x`,
    impact: 'Reads every secret of the config it was issued for.', revoke: DOPPLER_REVOKE, reference: DOPPLER_REF }),
  prefixed('secret-stripe-test-key', { provider: 'Stripe', kind: 'test-mode secret or restricted key', shape: [[{ regex: 'sr', chars: 'sr' }, 1], 'k_test_', [CLASS.alnum, 24, 247]], keywords: ['sk_test_', 'rk_test_'], severity: 'medium',
    negatives: ['STRIPE_KEY: sk_test_4eC39HqLyjWDarjtT1zdp7dc', 'STRIPE_PUBLISHABLE_KEY: pk_test_TYooMQauvdEDq54NiTphI7jx'],
    impact: 'Reads and changes the account\'s test-mode data (customers, webhooks, Connect settings); often sits next to the live key.', revoke: 'Roll the key in the Dashboard under Developers → API keys.', reference: 'https://docs.stripe.com/keys' }),
  prefixed('secret-teams-legacy-webhook', { provider: 'Microsoft Teams', kind: 'incoming webhook URL (outlook.office.com)', shape: ['https://outlook.office', [{ regex: '365', chars: '' }, 0, 3], '.com/webhook/', ...UUID, '@', ...UUID, '/IncomingWebhook/', [CLASS.hex, 32], '/', ...UUID],
    keywords: ['outlook.office.com/webhook/', 'outlook.office365.com/webhook/'], boundary: 'A-Za-z0-9',
    impact: 'Posts any message into the Teams channel as the connector.', revoke: 'Remove the Incoming Webhook connector from the channel and create a new one.', reference: 'https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook' }),
  prefixed('secret-power-automate-webhook', { provider: 'Microsoft Power Automate', kind: 'workflow (Teams) webhook URL', shape: ['https://prod-', [CLASS.digits, 2], '.', [CLASS.lowerAlnum, 4, 20], '.logic.azure.com:443/workflows/', [CLASS.hex, 32], '/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=', [CLASS.base64url, 43]],
    keywords: ['.logic.azure.com'], boundary: 'A-Za-z0-9',
    impact: 'Runs the flow with any input: the Workflows replacement of Teams connectors posts into the channel.', revoke: 'Regenerate the trigger URL (re-save the flow\'s HTTP trigger) and update its callers.', reference: 'https://learn.microsoft.com/power-automate/triggers-introduction' }),
  keyed('secret-sonarqube-legacy-token', { provider: 'SonarQube', kind: 'token (40 hex, before prefixes)', words: ['sonar'], keySays: /login|token/i, value: CLASS.hex, length: [40, 40], sampleKey: 'SONAR_TOKEN',
    negatives: ['sonarqube-scanner/-/sonarqube-scanner-2.5.0.tgz#ff704cbddf355d38a52c5e9479d6bb5c1ff28eac'],
    impact: 'Reads the source and analysis results of the projects the token can browse.', revoke: 'Revoke it under My Account → Security.', reference: 'https://docs.sonarsource.com/sonarqube-server/latest/user-guide/managing-tokens/' }),
  keyed('secret-buildkite-legacy-token', { provider: 'Buildkite', kind: 'API access token (40 hex, before bkua_)', words: ['buildkite'], value: CLASS.hex, length: [40, 40], sampleKey: 'BUILDKITE_API_TOKEN',
    impact: 'Creates builds and reads pipelines, logs and artifacts of the organisation.', revoke: 'Revoke it under Personal settings → API access tokens.', reference: 'https://buildkite.com/docs/apis/managing-api-tokens' }),
  prefixed('secret-grafana-api-key', { provider: 'Grafana', kind: 'legacy API key', shape: ['eyJrIjoi', [CLASS.base64, 60, 400]], check: isGrafanaApiKey,
    finish: () => Buffer.from(JSON.stringify({ k: random.chars(CLASS.alnum.chars, 32), n: 'deploy', id: 1 })).toString('base64').replace(/=+$/, ''),
    corrupt: () => Buffer.from(JSON.stringify({ k: random.chars(CLASS.alnum.chars, 32), note: 'no name' })).toString('base64').replace(/=+$/, ''),
    impact: 'Calls the Grafana HTTP API with the key\'s role.', revoke: 'Delete the key under Configuration → API keys (and migrate to service accounts).', reference: 'https://grafana.com/docs/grafana/latest/administration/service-accounts/migrate-api-keys/' }),
  prefixed('secret-gitlab-ci-job-token', { provider: 'GitLab', kind: 'CI/CD job token', shape: ['glcbt-', [CLASS.alnum, 1, 5], '_', [CLASS.base64url, 20]], impact: 'Calls the API as the running job until it finishes.', revoke: 'Cancel the job; job tokens expire with it.', reference: GITLAB_REF }),
  prefixed('secret-gitlab-incoming-mail-token', { provider: 'GitLab', kind: 'incoming mail token', shape: ['glimt-', [CLASS.base64url, 25]], impact: 'Creates issues and merge requests by email as the user.', revoke: 'Reset the incoming email token in the user\'s preferences.', reference: GITLAB_REF }),
  prefixed('secret-gitlab-agent-token', { provider: 'GitLab', kind: 'Kubernetes agent token', shape: ['glagent-', [CLASS.base64url, 50]], impact: 'Connects an agent for Kubernetes as the project\'s agent: receives its manifests and CI tunnel.', revoke: GITLAB_REVOKE, reference: GITLAB_REF }),
  prefixed('secret-gitlab-feature-flag-token', { provider: 'GitLab', kind: 'feature flags client token', shape: ['glffct-', [CLASS.base64url, 20]], impact: 'Reads the project\'s feature flag configuration.', revoke: GITLAB_REVOKE, reference: GITLAB_REF }),
  prefixed('secret-gitlab-runner-registration-token', { provider: 'GitLab', kind: 'runner registration token', shape: ['GR1348941', [CLASS.base64url, 20]], impact: 'Registers runners that receive the project\'s or group\'s jobs and their secrets.', revoke: 'Reset the registration token (and move to runner authentication tokens).', reference: GITLAB_REF }),
  prefixed('secret-gitlab-routable-runner-token', { provider: 'GitLab', kind: 'routable runner authentication token', shape: ['glrt-t', [CLASS.digits, 1], '_', [CLASS.base64url, 27, 300], '.', [CLASS.lowerAlnum, 9]], impact: 'Runs as the runner: receives jobs, their source and their secrets.', revoke: GITLAB_REVOKE, reference: GITLAB_REF }),
  prefixed('secret-sentry-org-token', { provider: 'Sentry', kind: 'organisation auth token', shape: ['sntrys_eyJpYXQiO', [{ regex: 'A-Za-z0-9+/=', chars: CLASS.base64.chars }, 60, 400], '_', [CLASS.base64, 43]],
    impact: 'Uploads source maps and creates releases for the organisation.', revoke: 'Revoke it under Settings → Auth Tokens.', reference: 'https://docs.sentry.io/account/auth-tokens/' }),
  ...([['NRAA-', 'admin API key', [CLASS.hex, 27]], ['NRII-', 'Insights insert key', [CLASS.base64url, 32]], ['NRIQ-', 'Insights query key', [CLASS.base64url, 32]], ['NRRA-', 'REST API key', [CLASS.hex, 42]]] as const).map(([prefix, kind, body]) =>
    prefixed(`secret-newrelic-${prefix.slice(0, 4).toLowerCase()}-key`, { provider: 'New Relic', kind, shape: [prefix, body], impact: 'Reads or writes the account\'s telemetry and settings by the key\'s type.', revoke: NEWRELIC_REVOKE, reference: NEWRELIC_REF })),
  prefixed('secret-newrelic-license-key', { provider: 'New Relic', kind: 'ingest license key', shape: [[CLASS.hex, 36], 'NRAL'], keywords: ['nral'], boundary: 'A-Za-z0-9', severity: 'high',
    impact: 'Sends telemetry into the account: false data, and ingest billed to it.', revoke: NEWRELIC_REVOKE, reference: NEWRELIC_REF }),
  prefixed('secret-azure-identifiable-key', { provider: 'Azure', kind: 'identifiable key (DevOps PAT, Cosmos DB, Search…)', shape: [[CLASS.alnum, 52], 'JQQJ9', [CLASS.alnum, 27]], keywords: ['jqqj9'], boundary: 'A-Za-z0-9',
    impact: 'Calls the service as the key\'s owner: an Azure DevOps PAT reads code and runs pipelines, a data-plane key reads and writes the data.', revoke: 'Revoke the PAT in Azure DevOps (User settings → Personal access tokens) or regenerate the resource key.', reference: 'https://learn.microsoft.com/azure/devops/organizations/accounts/use-personal-access-tokens-to-authenticate' }),
  prefixed('secret-postman-collection-token', { provider: 'Postman', kind: 'collection access token', shape: ['PMAT-', [CLASS.upperAlnum, 26]], impact: 'Reads the shared collection, with any credentials saved in it.', revoke: 'Revoke the token in the collection\'s sharing settings.', reference: 'https://learning.postman.com/docs/collaborating-in-postman/sharing/' }),
  prefixed('secret-discord-legacy-webhook', { provider: 'Discord', kind: 'webhook URL (discordapp.com, canary, ptb)', shape: ['https://', [{ regex: 'a-z.', chars: '' }, 0, 8], 'discordapp.com/api/webhooks/', [CLASS.digits, 17, 20], '/', [CLASS.base64url, 68]], keywords: ['discordapp.com/api/webhooks/'], boundary: 'A-Za-z0-9',
    impact: 'Posts any message into the channel, and reads or deletes the webhook.', revoke: 'Delete the webhook under Server settings → Integrations → Webhooks.', reference: 'https://discord.com/developers/docs/resources/webhook' }),
  prefixed('secret-gcp-refresh-token', { provider: 'Google Cloud', kind: 'OAuth refresh token', shape: ['1//0', [CLASS.base64url, 40, 200]], keywords: ['1//0'], boundary: 'A-Za-z0-9_/-',
    impact: 'Mints access tokens for the user who granted it (gcloud and application default credentials hold one).', revoke: 'Revoke the grant at myaccount.google.com/permissions or `gcloud auth revoke`.', reference: 'https://developers.google.com/identity/protocols/oauth2' }),
  prefixed('secret-aws-bedrock-api-key', { provider: 'AWS', kind: 'Bedrock API key', shape: ['ABSK', [CLASS.base64, 109, 269]], boundary: 'A-Za-z0-9+/',
    check: (token) => Buffer.from(token.slice(4), 'base64').toString('latin1').startsWith('BedrockAPIKey-'),
    finish: () => `ABSK${Buffer.from(`BedrockAPIKey-${random.chars(CLASS.alnum.chars, 8)}-at-482910375561:${random.chars(CLASS.base64.chars, 60)}`).toString('base64').replace(/=+$/, '')}`,
    impact: 'Calls Amazon Bedrock models billed to the account.', revoke: 'Delete the service-specific credential of the IAM user.', reference: 'https://docs.aws.amazon.com/bedrock/latest/userguide/api-keys.html' }),
];
