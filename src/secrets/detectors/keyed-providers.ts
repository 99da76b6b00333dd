import type { Detector } from '../detector.js';
import type { SampleRandom } from '../random.js';
import { CLASS, keyed } from './define.js';
import type { CharClass } from '../token-shape.js';

/**
 * Providers whose credentials have no marker of their own: a value of the right class and length
 * under a key that names both the provider and a credential (`ALGOLIA_ADMIN_KEY`, `cohere_api_key`).
 * Any other value of that shape belongs to the keyword-gated generic rule.
 */
const UUID_CLASS: CharClass = { regex: 'a-fA-F0-9-', chars: CLASS.hex.chars };
const isUuid = (value: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
const uuid = (random: SampleRandom): string => [8, 4, 4, 4, 12].map((length) => random.chars(CLASS.hex.chars, length)).join('-');
const MIXED_ALNUM = (value: string): boolean => /[0-9]/.test(value) && /[A-Za-z]/.test(value);

type Row = readonly [provider: string, words: readonly string[], value: CharClass, length: readonly [number, number], impact: string, revoke: string, reference: string];

const ROWS: Readonly<Record<string, Row>> = {
  algolia: ['Algolia', ['algolia'], CLASS.lowerAlnum, [32, 32], 'With an admin key: reads, changes and deletes every index of the application.', 'Regenerate the key under Settings → API keys.', 'https://www.algolia.com/doc/guides/security/api-keys/'],
  cohere: ['Cohere', ['cohere', 'co_api_key'], CLASS.alnum, [40, 40], 'Spends the account\'s credit on Cohere models.', 'Delete the key at dashboard.cohere.com/api-keys.', 'https://docs.cohere.com/reference/about'],
  mistral: ['Mistral AI', ['mistral'], CLASS.alnum, [32, 32], 'Spends the workspace\'s credit on Mistral models.', 'Delete the key in La Plateforme under API keys.', 'https://docs.mistral.ai/getting-started/quickstart/'],
  deepgram: ['Deepgram', ['deepgram'], CLASS.hex, [40, 40], 'Transcribes audio billed to the project.', 'Delete the key in the Deepgram console.', 'https://developers.deepgram.com/docs/create-additional-api-keys'],
  wandb: ['Weights & Biases', ['wandb'], CLASS.hex, [40, 40], 'Reads and writes the entity\'s runs, artifacts and models.', 'Revoke the key at wandb.ai/authorize.', 'https://docs.wandb.ai/guides/track/environment-variables/'],
  together: ['Together AI', ['together'], CLASS.hex, [64, 64], 'Spends the account\'s credit on model calls.', 'Rotate the key in the Together settings.', 'https://docs.together.ai/reference/authentication-1'],
  confluent: ['Confluent Cloud', ['confluent'], CLASS.alnum, [64, 64], 'Produces and consumes the cluster\'s topics by the key\'s ACLs.', 'Delete the API key in Confluent Cloud.', 'https://docs.confluent.io/cloud/current/security/authenticate/workload-identities/service-accounts/api-keys/overview.html'],
  contentful: ['Contentful', ['contentful'], CLASS.base64url, [43, 43], 'Reads (or previews) the space\'s published or draft content.', 'Revoke the key under Settings → API keys.', 'https://www.contentful.com/developers/docs/references/authentication/'],
  fastly: ['Fastly', ['fastly'], CLASS.base64url, [32, 32], 'Purges and reconfigures the account\'s services (backends, VCL, TLS).', 'Delete the token under Account → API tokens.', 'https://docs.fastly.com/en/guides/using-api-tokens'],
  freshbooks: ['FreshBooks', ['freshbooks'], CLASS.alnum, [64, 64], 'Reads and changes invoices, clients and payments.', 'Revoke the app\'s authorization in FreshBooks.', 'https://www.freshbooks.com/api/authentication'],
  gitter: ['Gitter', ['gitter'], CLASS.base64url, [40, 40], 'Reads and posts in the user\'s rooms.', 'Revoke the token in the developer portal.', 'https://developer.gitter.im/docs/authentication'],
  intercom: ['Intercom', ['intercom'], CLASS.base64url, [60, 60], 'Reads conversations and user data of the workspace.', 'Revoke the access token in the Developer Hub.', 'https://developers.intercom.com/docs/build-an-integration/learn-more/authentication'],
  kraken: ['Kraken', ['kraken'], CLASS.base64, [80, 90], 'Trades and, with withdraw rights, moves the account\'s funds.', 'Delete the API key under Security → API.', 'https://docs.kraken.com/api/docs/guides/spot-rest-auth'],
  coinbase: ['Coinbase', ['coinbase'], CLASS.base64url, [64, 64], 'Trades and moves the account\'s funds by the key\'s permissions.', 'Delete the API key in the Coinbase developer platform.', 'https://docs.cdp.coinbase.com/get-started/docs/cdp-api-keys'],
  mattermost: ['Mattermost', ['mattermost'], CLASS.lowerAlnum, [26, 26], 'Acts as the user or bot on the Mattermost server.', 'Revoke the token under Profile → Security → Personal access tokens.', 'https://developers.mattermost.com/integrate/reference/personal-access-token/'],
  messagebird: ['MessageBird (Bird)', ['messagebird', 'message_bird'], CLASS.alnum, [25, 25], 'Sends SMS and voice messages billed to the account.', 'Delete the access key in the dashboard.', 'https://developers.messagebird.com/api/#authentication'],
  netlify: ['Netlify', ['netlify'], CLASS.base64url, [40, 46], 'Deploys the user\'s sites and reads their environment variables.', 'Delete the token under User settings → Applications.', 'https://docs.netlify.com/api/get-started/#authentication'],
  rapidapi: ['RapidAPI', ['rapidapi'], CLASS.base64url, [50, 50], 'Calls every API the account subscribes to, billed to it.', 'Rotate the key in the RapidAPI developer dashboard.', 'https://docs.rapidapi.com/docs/keys-and-key-rotation'],
  sendbird: ['Sendbird', ['sendbird'], CLASS.hex, [40, 40], 'Reads and sends the application\'s chat messages as any user.', 'Revoke the API token in the Sendbird dashboard.', 'https://sendbird.com/docs/chat/platform-api/v3/prepare-to-use-api'],
  sumologic: ['Sumo Logic', ['sumo'], CLASS.alnum, [64, 64], 'Searches the organisation\'s logs and changes its collectors.', 'Delete the access key under Preferences → Access keys.', 'https://help.sumologic.com/docs/manage/security/access-keys/'],
  travis: ['Travis CI', ['travis'], CLASS.base64url, [22, 22], 'Triggers builds and reads the settings of the user\'s repositories.', 'Regenerate the token in Travis CI account settings.', 'https://docs.travis-ci.com/user/triggering-builds/'],
  trello: ['Trello', ['trello'], CLASS.alnum, [32, 64], 'Reads and changes the user\'s boards and cards.', 'Revoke the token under Account → Applications.', 'https://developer.atlassian.com/cloud/trello/guides/rest-api/authorization/'],
  twitter: ['X (Twitter)', ['twitter'], CLASS.alnum, [45, 50], 'Posts and reads direct messages as the account, by the app\'s permissions.', 'Regenerate the keys in the X developer portal.', 'https://developer.x.com/en/docs/authentication/oauth-1-0a/api-key-and-secret'],
  zendesk: ['Zendesk', ['zendesk'], CLASS.alnum, [40, 40], 'Reads and changes every ticket (customer data) of the account.', 'Delete the token in Admin Center → Apps and integrations → Zendesk API.', 'https://developer.zendesk.com/api-reference/introduction/security-and-auth/'],
  alibaba: ['Alibaba Cloud', ['alibaba', 'aliyun'], CLASS.alnum, [30, 30], 'Signs Alibaba Cloud API calls with the AccessKey id beside it.', 'Disable and delete the AccessKey pair in the RAM console.', 'https://www.alibabacloud.com/help/en/ram/user-guide/create-an-accesskey-pair'],
  bitbucket: ['Bitbucket', ['bitbucket'], CLASS.base64url, [64, 64], 'Obtains tokens as the OAuth consumer of the workspace.', 'Regenerate the consumer secret in the workspace settings.', 'https://support.atlassian.com/bitbucket-cloud/docs/use-oauth-on-bitbucket-cloud/'],
  codecov: ['Codecov', ['codecov'], UUID_CLASS, [36, 36], 'Uploads coverage reports for the repository (forged reports pass review gates).', 'Regenerate the upload token in the repository\'s Codecov settings.', 'https://docs.codecov.com/docs/codecov-tokens'],
  heroku: ['Heroku', ['heroku'], UUID_CLASS, [36, 36], 'Deploys, scales and reads the config vars (and so the secrets) of the user\'s apps.', 'Regenerate the key in Account settings.', 'https://devcenter.heroku.com/articles/authentication'],
  snyk: ['Snyk', ['snyk'], UUID_CLASS, [36, 36], 'Reads the organisation\'s projects and vulnerabilities and changes its settings.', 'Revoke and regenerate the token in Account settings.', 'https://docs.snyk.io/snyk-api/authentication-for-api'],
  postmark: ['Postmark', ['postmark'], UUID_CLASS, [36, 36], 'Sends email from the server\'s verified domains.', 'Regenerate the server token under API Tokens.', 'https://postmarkapp.com/developer/api/overview#authentication'],
  opsgenie: ['Opsgenie', ['opsgenie'], UUID_CLASS, [36, 36], 'Creates and closes alerts, and reads on-call schedules.', 'Delete the API integration or key in Opsgenie settings.', 'https://docs.opsgenie.com/docs/api-key-management'],
  squarespace: ['Squarespace', ['squarespace'], UUID_CLASS, [36, 36], 'Reads and changes the site\'s commerce data (orders, inventory, profiles).', 'Revoke the key under Settings → Developer API keys.', 'https://developers.squarespace.com/commerce-apis/authentication-and-permissions'],
  hetzner: ['Hetzner Cloud', ['hcloud', 'hetzner'], CLASS.alnum, [64, 64], 'Creates, deletes and reads the project\'s servers, volumes and networks.', 'Delete the token under Project → Security → API tokens.', 'https://docs.hetzner.cloud/#authentication'],
  linode: ['Akamai (Linode)', ['linode'], CLASS.hex, [64, 64], 'Manages the account\'s Linodes, volumes and Kubernetes clusters.', 'Revoke the token in Cloud Manager → API tokens.', 'https://techdocs.akamai.com/linode-api/reference/get-started'],
  vultr: ['Vultr', ['vultr'], CLASS.upperAlnum, [36, 36], 'Manages the account\'s instances, Kubernetes clusters and DNS.', 'Regenerate the key under Account → API.', 'https://docs.vultr.com/platform/other/api/enable-api-access'],
  cloudflare: ['Cloudflare', ['cloudflare', 'cf_api'], CLASS.base64url, [40, 40], 'Changes DNS, WAF and Workers of the zones the token can reach.', 'Roll or delete the token under My Profile → API Tokens.', 'https://developers.cloudflare.com/fundamentals/api/get-started/create-token/'],
  pagerduty: ['PagerDuty', ['pagerduty'], CLASS.base64url, [20, 20], 'Creates and resolves incidents and reads schedules of the account.', 'Delete the key under Integrations → API access keys.', 'https://support.pagerduty.com/main/docs/api-access-keys'],
  sparkpost: ['SparkPost', ['sparkpost'], CLASS.hex, [40, 40], 'Sends email from the account\'s sending domains.', 'Delete the key under Configuration → API keys.', 'https://developers.sparkpost.com/api/#header-authentication'],
  mailjet: ['Mailjet', ['mailjet', 'mj_apikey'], CLASS.hex, [32, 32], 'Sends email from the account\'s senders.', 'Regenerate the secret key under Account → API keys.', 'https://dev.mailjet.com/email/guides/#authentication'],
  pushover: ['Pushover', ['pushover'], CLASS.lowerAlnum, [30, 30], 'Sends push notifications as the application to its users.', 'Regenerate the application token.', 'https://pushover.net/api'],
  etsy: ['Etsy', ['etsy'], CLASS.lowerAlnum, [24, 24], 'Reads and changes the shop\'s listings and orders.', 'Regenerate the keystring in Your apps.', 'https://developers.etsy.com/documentation/essentials/authentication'],
  finnhub: ['Finnhub', ['finnhub'], CLASS.lowerAlnum, [20, 20], 'Spends the account\'s API quota.', 'Regenerate the key in the Finnhub dashboard.', 'https://finnhub.io/docs/api/authentication'],
  linkedin: ['LinkedIn', ['linkedin', 'linked_in'], CLASS.alnum, [16, 16], 'Obtains tokens as the LinkedIn application.', 'Generate a new client secret for the application.', 'https://learn.microsoft.com/linkedin/shared/authentication/client-credentials-flow'],
  looker: ['Looker', ['looker'], CLASS.alnum, [24, 24], 'Runs queries and reads dashboards as the API user.', 'Delete the API3 key of the user.', 'https://cloud.google.com/looker/docs/api-auth'],
  razorpay: ['Razorpay', ['razorpay'], CLASS.alnum, [24, 24], 'With the key id beside it, creates orders, captures and refunds payments, and reads the account\'s transactions.', 'Regenerate the key under Account & Settings → API keys in the Razorpay dashboard.', 'https://razorpay.com/docs/api/authentication/'],
  plaid: ['Plaid', ['plaid'], CLASS.lowerAlnum, [30, 30], 'Calls the Plaid API as the client: exchanges tokens for linked bank accounts.', 'Rotate the secret in the Plaid dashboard (Team settings → Keys).', 'https://plaid.com/docs/api/#api-access'],
};

const sampleKey = (word: string, length: number): string => `${word.replace(/[^a-z]/g, '_').toUpperCase()}_${length >= 40 ? 'API_TOKEN' : 'SECRET_KEY'}`;

export const keyedProviderDetectors: readonly Detector[] = Object.entries(ROWS).map(([name, [provider, words, value, length, impact, revoke, reference]]) => {
  const uuidValued = value === UUID_CLASS;
  return keyed(`secret-${name}-${uuidValued ? 'token' : 'credential'}`, {
    provider, kind: uuidValued ? 'API key (a UUID under a key naming the provider)' : 'API key or secret (under a key naming the provider)',
    words, value, length, sampleKey: sampleKey(words[0]!, length[0]), impact, revoke, reference,
    ...(uuidValued ? { check: isUuid, sample: uuid, minEntropy: 2.5 } : { check: MIXED_ALNUM }),
  });
});
