import { hasCrc32Base62Suffix, withCrc32Base62Suffix } from '../checksum.js';
import type { Detector } from '../detector.js';
import { CLASS, tokenDetector, type CharClass } from '../token-shape.js';

const GITHUB_REVOKE = 'Delete the token under GitHub Settings → Developer settings (or the app or OAuth app that issued it); GitHub also revokes tokens reported to it through secret scanning.';
const GITHUB_REFS = ['https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/about-authentication-to-github#githubs-token-formats', 'https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/'];

/** Classic GitHub tokens: prefix, 30 random base62 characters, then their CRC32 in base62. */
function githubClassic(id: string, prefix: string, kind: string, impact: string, letters?: CharClass): Detector {
  const shape = letters ? ['gh', [letters, 1] as const, '_', [CLASS.alnum, 36] as const] : [prefix, [CLASS.alnum, 36] as const];
  return tokenDetector({
    id,
    provider: 'GitHub',
    kind,
    shape,
    ...(letters ? { keywords: [...letters.chars].map((letter) => `gh${letter}_`) } : {}),
    check: (token) => hasCrc32Base62Suffix(token.slice(4)),
    finish: (sample) => sample.slice(0, 4) + withCrc32Base62Suffix(sample.slice(4, 34)),
    corrupt: (sample) => sample.slice(0, 10) + (sample[10] === 'A' ? 'B' : 'A') + sample.slice(11),
    impact,
    revoke: GITHUB_REVOKE,
    references: GITHUB_REFS,
  });
}

const GITLAB_REFS = ['https://docs.gitlab.com/security/tokens/'];
const GITLAB_REVOKE = 'Revoke the token in GitLab (User settings → Access tokens, the project or group token list, or the runner / deploy token page) and create a new one.';

function gitlab(id: string, prefix: string, kind: string, body: CharClass, length: number, impact: string): Detector {
  return tokenDetector({ id, provider: 'GitLab', kind, shape: [prefix, [body, length]], impact, revoke: GITLAB_REVOKE, references: GITLAB_REFS });
}

export const sourceControlDetectors: readonly Detector[] = [
  githubClassic('secret-github-token', 'ghp_', 'personal access token', 'Acts as the user on every repository and organisation the token was granted: push code, read private repositories, change settings.'),
  githubClassic('secret-github-oauth-token', 'gho_', 'OAuth access token', 'Acts as the user through an OAuth app with every scope the user granted it.'),
  githubClassic('secret-github-app-token', '', 'app installation or user-to-server token', 'Acts as a GitHub App installation (or as a user through the app) on the repositories it is installed on.', { regex: 'su', chars: 'su' }),
  githubClassic('secret-github-refresh-token', 'ghr_', 'refresh token', 'Mints new user-to-server tokens for a GitHub App until it is revoked.'),
  tokenDetector({
    id: 'secret-github-fine-grained-token',
    provider: 'GitHub',
    kind: 'fine-grained personal access token',
    shape: ['github_pat_', [CLASS.alnum, 22], '_', [CLASS.alnum, 59]],
    impact: 'Acts as the user on the repositories and with the permissions the token was granted.',
    revoke: GITHUB_REVOKE,
    references: GITHUB_REFS,
  }),
  gitlab('secret-gitlab-pat', 'glpat-', 'personal, project or group access token', CLASS.base64url, 20, 'Calls the GitLab API as its owner: read and push code, run pipelines, read CI/CD variables.'),
  tokenDetector({
    id: 'secret-gitlab-routable-token',
    provider: 'GitLab',
    kind: 'routable access token',
    shape: ['glpat-', [CLASS.base64url, 27, 300], '.01.', [CLASS.lowerAlnum, 9]],
    impact: 'Calls the GitLab API as its owner (the newer routable format of personal, project and group tokens).',
    revoke: GITLAB_REVOKE,
    references: GITLAB_REFS,
  }),
  gitlab('secret-gitlab-pipeline-trigger-token', 'glptt-', 'pipeline trigger token', CLASS.hex, 40, 'Starts pipelines of the project, with access to its CI/CD variables and deploy jobs.'),
  gitlab('secret-gitlab-runner-token', 'glrt-', 'runner authentication token', CLASS.base64url, 20, 'Registers a runner that receives the project\'s jobs, their source and their secrets.'),
  gitlab('secret-gitlab-deploy-token', 'gldt-', 'deploy token', CLASS.base64url, 20, 'Reads (and possibly writes) the repository, container registry and package registry.'),
  gitlab('secret-gitlab-feed-token', 'glft-', 'feed token', CLASS.base64url, 20, 'Reads the user\'s activity and issue feeds, including private projects.'),
  gitlab('secret-gitlab-oauth-app-secret', 'gloas-', 'OAuth application secret', CLASS.hex, 64, 'Impersonates the OAuth application to obtain tokens for its users.'),
  gitlab('secret-gitlab-scim-token', 'glsoat-', 'SCIM OAuth token', CLASS.base64url, 20, 'Provisions and removes users of the group through SCIM.'),
  tokenDetector({
    id: 'secret-atlassian-api-token',
    provider: 'Atlassian',
    kind: 'API token',
    shape: ['ATATT3xFfGF0', [CLASS.base64url, 150, 250], '=', [CLASS.upperHex, 8]],
    impact: 'Calls Jira, Confluence and Bitbucket APIs as the user.',
    revoke: 'Revoke it at id.atlassian.com → Security → API tokens.',
    references: ['https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/'],
  }),
  tokenDetector({
    id: 'secret-linear-api-key',
    provider: 'Linear',
    kind: 'API key',
    shape: ['lin_api_', [CLASS.alnum, 40]],
    impact: 'Reads and changes the workspace\'s issues and projects as the user.',
    revoke: 'Revoke it under Linear Settings → Security & access → Personal API keys.',
    references: ['https://linear.app/developers/graphql#personal-api-keys'],
  }),
];
