import { assignmentDetector } from '../assignment.js';
import type { Detector } from '../detector.js';
import { CLASS } from '../token-shape.js';
import { prefixed, type Prefixed } from './define.js';

const simple = (spec: Prefixed & { readonly id: string }): Detector => prefixed(spec.id, spec);
const DATADOG_REFS = ['https://docs.datadoghq.com/account_management/api-app-keys/'];

export const devopsDetectors: readonly Detector[] = [
  simple({ id: 'secret-vault-service-token', provider: 'HashiCorp Vault', kind: 'service token', shape: ['hvs.', [CLASS.base64url, 24, 130]],
    impact: 'Reads every secret its policies allow, often the keys to everything else.', revoke: 'Revoke it with `vault token revoke` (or its accessor) and audit what it read.', reference: 'https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes' }),
  simple({ id: 'secret-vault-batch-token', provider: 'HashiCorp Vault', kind: 'batch token', shape: ['hvb.', [CLASS.base64url, 24, 500]],
    impact: 'Reads the secrets its policies allow until it expires; batch tokens cannot be revoked one by one.', revoke: 'Revoke the parent token or rotate the secrets it could read; shorten batch token TTLs.', reference: 'https://developer.hashicorp.com/vault/docs/concepts/tokens#batch-tokens' }),
  simple({ id: 'secret-terraform-cloud-token', provider: 'HCP Terraform', kind: 'API token', shape: [[CLASS.alnum, 14], '.atlasv1.', [CLASS.base64url, 60, 70]],
    impact: 'Queues runs and reads state (with every secret Terraform stored in it) in the organisation\'s workspaces.', revoke: 'Delete the token under User or Organization settings → Tokens.', reference: 'https://developer.hashicorp.com/terraform/cloud-docs/users-teams-organizations/api-tokens' }),
  simple({ id: 'secret-pulumi-access-token', provider: 'Pulumi', kind: 'access token', shape: ['pul-', [CLASS.hex, 40]],
    impact: 'Reads stack state and configuration secrets, and runs updates, in the user\'s organisations.', revoke: 'Delete it in Pulumi Cloud under Personal access tokens.', reference: 'https://www.pulumi.com/docs/pulumi-cloud/access-management/access-tokens/' }),
  simple({ id: 'secret-doppler-token', provider: 'Doppler', kind: 'personal token', shape: ['dp.pt.', [CLASS.alnum, 40, 44]],
    impact: 'Reads every secret of the workplace\'s projects the user can read.', revoke: 'Revoke it in the Doppler dashboard under Tokens.', reference: 'https://docs.doppler.com/reference/api#authentication' }),
  simple({ id: 'secret-grafana-cloud-token', provider: 'Grafana', kind: 'Cloud access policy token', shape: ['glc_', [CLASS.base64, 32, 400]],
    impact: 'Writes and reads metrics, logs and traces of the stack, or manages it, by the policy\'s scopes.', revoke: 'Delete the token under the access policy in the Grafana Cloud portal.', reference: 'https://grafana.com/docs/grafana-cloud/security-and-account-management/authentication-and-permissions/access-policies/' }),
  simple({ id: 'secret-grafana-service-account-token', provider: 'Grafana', kind: 'service account token', shape: ['glsa_', [CLASS.alnum, 32], '_', [CLASS.anyHex, 8]],
    impact: 'Calls the Grafana HTTP API with the service account\'s role: dashboards, data sources and their credentials.', revoke: 'Delete the token under Administration → Service accounts.', reference: 'https://grafana.com/docs/grafana/latest/administration/service-accounts/' }),
  simple({ id: 'secret-newrelic-user-api-key', provider: 'New Relic', kind: 'user API key', shape: ['NRAK-', [CLASS.upperAlnum, 27]],
    impact: 'Queries and changes the accounts the user can reach through NerdGraph.', revoke: 'Delete the key in the API keys UI.', reference: 'https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/' }),
  simple({ id: 'secret-sentry-user-token', provider: 'Sentry', kind: 'user auth token', shape: ['sntryu_', [CLASS.hex, 64]],
    impact: 'Reads events (stack traces with request data) and manages projects as the user.', revoke: 'Revoke it under User settings → Personal tokens.', reference: 'https://docs.sentry.io/account/auth-tokens/' }),
  simple({ id: 'secret-dynatrace-api-token', provider: 'Dynatrace', kind: 'API token', shape: ['dt0c01.', [CLASS.upperAlnum, 24], '.', [CLASS.upperAlnum, 64]],
    impact: 'Reads monitoring data and changes settings of the environment by the token\'s scopes.', revoke: 'Delete the token under Access tokens in the Dynatrace web UI.', reference: 'https://docs.dynatrace.com/docs/manage/identity-access-management/access-tokens-and-oauth-clients/access-tokens' }),
  simple({ id: 'secret-postman-api-key', provider: 'Postman', kind: 'API key', shape: ['PMAK-', [CLASS.hex, 24], '-', [CLASS.hex, 34]],
    impact: 'Reads the user\'s collections and environments, which often hold further credentials.', revoke: 'Delete the key under Settings → API keys.', reference: 'https://learning.postman.com/docs/developer/postman-api/authentication/' }),
  simple({ id: 'secret-databricks-token', provider: 'Databricks', kind: 'personal access token', shape: ['dapi', [CLASS.hex, 32]], boundary: 'A-Za-z0-9_',
    impact: 'Runs jobs and reads the data the user can reach in the workspace.', revoke: 'Revoke it under User settings → Developer → Access tokens.', reference: 'https://docs.databricks.com/aws/en/dev-tools/auth/pat' }),
  simple({ id: 'secret-planetscale-token', provider: 'PlanetScale', kind: 'service token', shape: ['pscale_tkn_', [CLASS.base64url, 43]],
    impact: 'Manages the organisation\'s databases and branches by the token\'s access.', revoke: 'Delete the service token in the organisation settings.', reference: 'https://planetscale.com/docs/concepts/service-tokens' }),
  simple({ id: 'secret-planetscale-password', provider: 'PlanetScale', kind: 'database password', shape: ['pscale_pw_', [CLASS.base64url, 43]],
    impact: 'Connects to the database branch and reads or writes its data.', revoke: 'Delete the password on the branch\'s Passwords page.', reference: 'https://planetscale.com/docs/concepts/connection-strings' }),
  simple({ id: 'secret-sonarqube-token', provider: 'SonarQube', kind: 'token', shape: ['sq', [{ regex: 'upa', chars: 'upa' }, 1], '_', [CLASS.hex, 40]], keywords: ['squ_', 'sqp_', 'sqa_'],
    impact: 'Reads the source and analysis results of the projects the token can browse.', revoke: 'Revoke it under My Account → Security.', reference: 'https://docs.sonarsource.com/sonarqube-server/latest/user-guide/managing-tokens/' }),
  simple({ id: 'secret-buildkite-token', provider: 'Buildkite', kind: 'API access token', shape: ['bkua_', [CLASS.hex, 40]],
    impact: 'Creates builds and reads pipelines, logs and artifacts of the organisation.', revoke: 'Revoke it under Personal settings → API access tokens.', reference: 'https://buildkite.com/docs/apis/managing-api-tokens' }),
  simple({ id: 'secret-supabase-token', provider: 'Supabase', kind: 'personal access token', shape: ['sbp_', [CLASS.hex, 40]],
    impact: 'Manages the user\'s Supabase projects through the Management API, database included.', revoke: 'Revoke it at supabase.com/dashboard/account/tokens.', reference: 'https://supabase.com/docs/reference/api/introduction' }),
  simple({ id: 'secret-mapbox-secret-token', provider: 'Mapbox', kind: 'secret access token', shape: ['sk.eyJ', [CLASS.base64url, 20, 300], '.', [CLASS.base64url, 22]],
    impact: 'Uses the account\'s secret scopes: uploads, styles and billing-relevant APIs.', revoke: 'Delete the token at account.mapbox.com/access-tokens.', reference: 'https://docs.mapbox.com/accounts/guides/tokens/' }),
  assignmentDetector({
    id: 'secret-datadog-api-key', provider: 'Datadog', kind: 'API key',
    keys: String.raw`(?:dd|datadog)[_-]?api[_-]?key`,
    keywords: ['dd_api', 'dd-api', 'ddapi', 'datadog_api', 'datadog-api', 'datadogapi'],
    value: CLASS.hex, length: [32, 32], sampleKey: 'DD_API_KEY',
    impact: 'Submits metrics, logs and events to the organisation (and, with some endpoints, reads configuration).',
    revoke: 'Revoke the key under Organization settings → API keys.', references: DATADOG_REFS,
  }),
  assignmentDetector({
    id: 'secret-datadog-app-key', provider: 'Datadog', kind: 'application key',
    keys: String.raw`(?:dd|datadog)[_-]?app(?:lication)?[_-]?key`,
    keywords: ['dd_app', 'dd-app', 'ddapp', 'datadog_app', 'datadog-app', 'datadogapp'],
    value: CLASS.hex, length: [40, 40], sampleKey: 'DD_APP_KEY',
    impact: 'Reads and changes dashboards, monitors and data of the organisation with the owner\'s permissions.',
    revoke: 'Revoke the key under Organization settings → Application keys.', references: DATADOG_REFS,
  }),
];
