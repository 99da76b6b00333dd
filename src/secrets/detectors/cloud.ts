import { assignmentDetector } from '../assignment.js';
import type { Detector } from '../detector.js';
import { CLASS, tokenDetector } from '../token-shape.js';
import { isPresignedUrlCredential } from '../presigned-url.js';

/** Presigned URLs (S3 SigV4 with a temporary key's session token, SigV2), as a browser or an API's JSON hands them out. */
export const PRESIGNED_URL_SAMPLES = [
  '"url": "https://files.s3.us-west-2.amazonaws.com/a1/photo.jpeg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAZI2LQ7RKVX4MOD3T%2F20250311%2Fus-west-2%2Fs3%2Faws4_request&X-Amz-Date=20250311T180209Z&X-Amz-Expires=3600&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEGIaCXVzLXdlc3QtMiJHMEUCIQDx7Kq2Vb9mR3tLpN8wZc4HfY1sJ6aT0gUe5oXiWnBdPAIgM2vQ9rKcL7yF1tH8jS4uE6pA3wN0bZ5xGiD2fVhYoC0qiAQIy%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F8BEAAaDDY0NDk3MjY3NzE0OSIMq7Zw4KfR9mT2sLbXKrwDn5Vh8pQe3Yc1uJ6aG0tD&X-Amz-Signature=d98f3a1c6b2e4f5a7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b&X-Amz-SignedHeaders=host"',
  '<a href="https://bucket.s3.amazonaws.com/report.pdf?AWSAccessKeyId=AKIAQ3ZX7LMN4RTV2WKE&Expires=1741719729&Signature=Zk3vQ9rKcL7yF1tH8jS4uE6pA3w%3D">report</a>',
];

const AWS_REFS = ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html', 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids'];
const AWS_REVOKE = 'Deactivate and delete the access key in IAM (Users → Security credentials), review CloudTrail for its use, and move workloads to IAM roles (IRSA, Pod Identity) instead of long-lived keys.';
const DO_REFS = ['https://docs.digitalocean.com/reference/api/create-personal-access-token/'];
const DO_REVOKE = 'Revoke it in the DigitalOcean control panel under API → Tokens (or the OAuth application) and create a new one.';

function digitalOcean(id: string, prefix: string, kind: string, impact: string): Detector {
  return tokenDetector({ id, provider: 'DigitalOcean', kind, shape: [prefix, [CLASS.hex, 64]], impact, revoke: DO_REVOKE, references: DO_REFS });
}

export const cloudDetectors: readonly Detector[] = [
  tokenDetector({
    id: 'secret-aws-access-key',
    provider: 'AWS',
    kind: 'access key id',
    shape: ['A', [{ regex: 'KS', chars: 'KS' }, 1], 'IA', [CLASS.base32, 16]],
    keywords: ['akia', 'asia'],
    boundary: 'A-Za-z0-9',
    check: (_token, context) => !isPresignedUrlCredential(context),
    negatives: ['aws_access_key_id = AKIAIOSFODNN7EXAMPLE', 'region: asia-northeast1', ...PRESIGNED_URL_SAMPLES],
    impact: 'Identifies an IAM access key; with the secret key beside it (often in the same file or commit) it signs AWS API calls as that IAM user.',
    revoke: AWS_REVOKE,
    references: AWS_REFS,
  }),
  assignmentDetector({
    id: 'secret-aws-secret-key',
    provider: 'AWS',
    kind: 'secret access key',
    keys: String.raw`aws_?secret_?access_?key|aws_?secret_?key|secret_?access_?key|aws_?secret`,
    keywords: ['secret_access_key', 'secretaccesskey', 'aws_secret', 'awssecret', 'secret-access-key'],
    value: CLASS.base64,
    length: [40, 40],
    sampleKey: 'aws_secret_access_key',
    minEntropy: 4,
    negatives: ['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    impact: 'Signs AWS API calls as the IAM user that owns the key: whatever that user may do, anyone holding the key may do.',
    revoke: AWS_REVOKE,
    references: AWS_REFS,
  }),
  tokenDetector({
    id: 'secret-gcp-api-key',
    provider: 'Google Cloud',
    kind: 'API key',
    shape: ['AIza', [CLASS.base64url, 35]],
    impact: 'Calls every Google API the key is not restricted from, billed to the project (Maps, Gemini, Firebase…).',
    revoke: 'Delete or regenerate the key under APIs & Services → Credentials, and restrict the new one by API and referrer.',
    references: ['https://cloud.google.com/docs/authentication/api-keys'],
  }),
  tokenDetector({
    id: 'secret-gcp-oauth-client-secret',
    provider: 'Google Cloud',
    kind: 'OAuth client secret',
    shape: ['GOCSPX-', [CLASS.base64url, 28]],
    impact: 'Impersonates the OAuth client to obtain tokens for its users.',
    revoke: 'Add a new secret to the OAuth client under APIs & Services → Credentials and delete the leaked one.',
    references: ['https://support.google.com/cloud/answer/15549257'],
  }),
  tokenDetector({
    id: 'secret-azure-storage-key',
    provider: 'Azure',
    kind: 'storage account key',
    lead: 'AccountKey=',
    shape: [[CLASS.base64, 86], '=='],
    keywords: ['accountkey='],
    boundary: 'A-Za-z0-9+/',
    check: (key) => Buffer.from(key, 'base64').length === 64,
    impact: 'Full control of the storage account: read, write and delete every blob, queue, table and file share.',
    revoke: 'Rotate the key under Storage account → Access keys, then prefer Entra ID (managed identities) over shared keys.',
    references: ['https://learn.microsoft.com/azure/storage/common/storage-account-keys-manage'],
  }),
  tokenDetector({
    id: 'secret-azure-client-secret',
    provider: 'Azure',
    kind: 'Entra ID client secret',
    shape: [[{ regex: 'A-Za-z0-9_~.', chars: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_~.' }, 3], [CLASS.digits, 1], 'Q~', [{ regex: 'A-Za-z0-9_~.-', chars: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_~.-' }, 31, 34]],
    keywords: ['q~'],
    boundary: 'A-Za-z0-9_~.-',
    impact: 'Signs in as the application (service principal) with every permission it holds in the tenant.',
    revoke: 'Delete the secret under App registrations → Certificates & secrets, and prefer workload identity federation.',
    references: ['https://learn.microsoft.com/entra/identity-platform/how-to-add-credentials'],
  }),
  digitalOcean('secret-digitalocean-pat', 'dop_v1_', 'personal access token', 'Manages droplets, Kubernetes clusters, databases and DNS of the team.'),
  digitalOcean('secret-digitalocean-oauth-token', 'doo_v1_', 'OAuth token', 'Calls the DigitalOcean API with the scopes granted to the OAuth application.'),
  digitalOcean('secret-digitalocean-refresh-token', 'dor_v1_', 'OAuth refresh token', 'Mints new OAuth tokens for the DigitalOcean API.'),
  tokenDetector({
    id: 'secret-alibaba-access-key',
    provider: 'Alibaba Cloud',
    kind: 'AccessKey id',
    shape: ['LTAI', [CLASS.alnum, 12, 20]],
    boundary: 'A-Za-z0-9',
    impact: 'Identifies a RAM access key; with its secret it signs Alibaba Cloud API calls.',
    revoke: 'Disable and delete the AccessKey pair in the RAM console.',
    references: ['https://www.alibabacloud.com/help/en/ram/user-guide/create-an-accesskey-pair'],
  }),
  tokenDetector({
    id: 'secret-heroku-api-key',
    provider: 'Heroku',
    kind: 'API key',
    shape: ['HRKU-AA', [CLASS.base64url, 58]],
    impact: 'Deploys, scales and reads the config vars (and so the secrets) of the user\'s apps.',
    revoke: 'Regenerate the key in Account settings, or revoke the authorization with `heroku authorizations:revoke`.',
    references: ['https://devcenter.heroku.com/articles/authentication'],
  }),
];
