import { hasCrc32Base62Suffix, withCrc32Base62Suffix } from '../checksum.js';
import { PRIORITY, samplesOnce, type Detector } from '../detector.js';
import { shannonEntropy } from '../entropy.js';
import { standInKind } from '../clear-values.js';
import { isPlaceholder } from '../placeholders.js';
import { SampleRandom } from '../random.js';
import { CLASS, tokenDetector } from '../token-shape.js';

const NPM_REFS = ['https://docs.npmjs.com/about-access-tokens', 'https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/'];
const NPM_REVOKE = 'Revoke the token with `npm token revoke` or on npmjs.com under Access Tokens, and publish from CI with trusted publishing (OIDC) instead.';

/** `user:password` behind a docker `auth` field, or undefined when it is not one. */
export function dockerAuthPassword(encoded: string): string | undefined {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || /[\u0000-\u001f\ufffd]/.test(decoded)) return undefined;
  return decoded.slice(colon + 1);
}

const random = new SampleRandom('registries');
const dockerAuth = (user: string, password: string): string => Buffer.from(`${user}:${password}`).toString('base64');

export const registryDetectors: readonly Detector[] = [
  tokenDetector({
    id: 'secret-npm-token',
    provider: 'npm',
    kind: 'access token',
    shape: ['npm_', [CLASS.alnum, 36]],
    check: (token) => hasCrc32Base62Suffix(token.slice(4)),
    finish: (sample) => `npm_${withCrc32Base62Suffix(sample.slice(4, 34))}`,
    corrupt: (sample) => sample.slice(0, 8) + (sample[8] === 'Q' ? 'R' : 'Q') + sample.slice(9),
    impact: 'Publishes new versions of every package the owner maintains: a supply-chain compromise of everyone who installs them.',
    revoke: NPM_REVOKE,
    references: NPM_REFS,
  }),
  {
    id: 'secret-npmrc-auth-token',
    provider: 'npm',
    kind: '.npmrc registry credential',
    keywords: ['_authtoken', '_auth', '_password'],
    // tokens and base64 only: `self._auth = dict(user=…)` in Python is no .npmrc line
    pattern: /(?<![A-Za-z0-9.])(?:_authToken|_auth|_password)[ \t]*=[ \t]*["']?(?<secret>[A-Za-z0-9+/=._~-]{8,1024})(?=[\s"'#;]|$)/g,
    validate: (value) => !isPlaceholder(value) && shannonEntropy(value) >= 3,
    priority: PRIORITY.structural,
    severity: 'critical',
    window: { before: 0, after: 0 },
    docs: {
      impact: 'Authenticates to the package registry as its owner: installs private packages and, often, publishes.',
      revoke: `${NPM_REVOKE} In .npmrc write \`_authToken=\${NPM_TOKEN}\` and set the variable in CI.`,
      references: ['https://docs.npmjs.com/cli/v10/configuring-npm/npmrc#auth-related-configuration'],
    },
    get samples() {
      return samplesOnce(this, () => ({
      file: '.npmrc',
      positives: [
        `//npm.pkg.github.com/:_authToken=${random.chars(CLASS.base64url.chars, 40)}`,
        `//registry.example.org/:_auth=${dockerAuth('ci', random.chars(CLASS.alnum.chars, 20))}`,
      ],
      negatives: [
        '//registry.npmjs.org/:_authToken=${NPM_TOKEN}', 'always-auth=true', '//registry.npmjs.org/:_password=changeme',
        'self._auth = dict(user=username, password=password, token=token)', 'client._auth = make_auth_header(token_value)',
      ],
    }));
    },
  },
  tokenDetector({
    id: 'secret-pypi-token',
    provider: 'PyPI',
    kind: 'API token',
    shape: ['pypi-AgEIcHlwaS5vcmc', [CLASS.base64url, 50, 1000]],
    impact: 'Uploads new releases of the owner\'s projects to PyPI.',
    revoke: 'Remove the token at pypi.org/manage/account/token/, and publish from CI with trusted publishing instead.',
    references: ['https://pypi.org/help/#apitoken'],
  }),
  {
    id: 'secret-pypirc-password',
    provider: 'PyPI',
    kind: '.pypirc password',
    keywords: ['password'],
    paths: /(^|\/)\.pypirc$/,
    pattern: /^[ \t]*password[ \t]*[=:][ \t]*(?<secret>[^\s]{6,256})/gm,
    validate: (value) => !isPlaceholder(value) && shannonEntropy(value) >= 2.5,
    priority: PRIORITY.structural,
    severity: 'critical',
    window: { before: 0, after: 0 },
    docs: {
      impact: 'Uploads releases to the package index as the account.',
      revoke: 'Change the password (or delete the token) on the index, and let twine read it from `TWINE_PASSWORD` or a keyring.',
      references: ['https://packaging.python.org/en/latest/specifications/pypirc/'],
    },
    get samples() {
      return samplesOnce(this, () => ({
      file: '.pypirc',
      positives: [`[internal]\nrepository = https://pypi.example.org\nusername = deploy\npassword = ${random.chars(CLASS.alnum.chars, 18)} # expect: secret-pypirc-password`],
      negatives: ['[pypi]\nusername = __token__\npassword = <your-token>', 'password = ${PYPI_PASSWORD}'],
    }));
    },
  },
  tokenDetector({
    id: 'secret-dockerhub-token',
    provider: 'Docker Hub',
    kind: 'access token',
    shape: ['dckr_pat_', [CLASS.base64url, 27]],
    impact: 'Pushes images to the user\'s repositories: anyone pulling them by tag runs the attacker\'s image.',
    revoke: 'Delete the token at app.docker.com under Personal access tokens.',
    references: ['https://docs.docker.com/security/for-developers/access-tokens/'],
  }),
  {
    id: 'secret-docker-config-auth',
    provider: 'Docker',
    kind: 'config.json registry auth',
    keywords: ['"auth"'],
    pattern: /"auth"[ \t]*:[ \t]*"(?<secret>[A-Za-z0-9+/]{8,4096}={0,2})"/g,
    validate: (value) => {
      const password = dockerAuthPassword(value);
      // `test_user_1:test_password_1` in a test's config.json is a stand-in, not a login
      return password !== undefined && password.length >= 6 && !isPlaceholder(password) && standInKind(password) === undefined;
    },
    priority: PRIORITY.provider,
    severity: 'critical',
    window: { before: 0, after: 0 },
    docs: {
      impact: 'The base64 `auth` field is `user:password` in clear: it pulls, and usually pushes, every image of that registry account.',
      revoke: 'Rotate the registry password or token, and create pull secrets from a secret manager (External Secrets, Sealed Secrets, SOPS) instead of committing config.json.',
      references: ['https://docs.docker.com/reference/cli/docker/login/#credential-stores', 'https://kubernetes.io/docs/tasks/configure-pod-container/pull-image-private-registry/'],
    },
    get samples() {
      return samplesOnce(this, () => ({
      file: 'config.json',
      positives: [`{"auths": {"ghcr.io": {"auth": "${dockerAuth('deploy-bot', random.chars(CLASS.alnum.chars, 24))}"}}}`],
      negatives: ['{"auths": {"ghcr.io": {"auth": ""}}}', `{"auths": {"ghcr.io": {"auth": "${dockerAuth('user', 'password')}"}}}`, '{"credsStore": "desktop"}',
        `{"auths": {"registry.domain.tld:5005": {"auth": "${dockerAuth('test_user_1', 'test_password_1')}"}}}`,
        `{"auths": {"https://index.docker.io/v1/": {"auth": "${dockerAuth('AzureDiamond', 'hunter2')}"}}}`],
    }));
    },
  },
  tokenDetector({
    id: 'secret-rubygems-api-key',
    provider: 'RubyGems',
    kind: 'API key',
    shape: ['rubygems_', [CLASS.hex, 48]],
    impact: 'Pushes new versions of the owner\'s gems.',
    revoke: 'Delete the key at rubygems.org/profile/api_keys.',
    references: ['https://guides.rubygems.org/api-key-scopes/'],
  }),
  tokenDetector({
    id: 'secret-nuget-api-key',
    provider: 'NuGet',
    kind: 'API key',
    shape: ['oy2', [CLASS.lowerAlnum, 43]],
    boundary: 'A-Za-z0-9',
    impact: 'Pushes and unlists packages of the owner on nuget.org.',
    revoke: 'Delete or regenerate the key at nuget.org/account/apikeys.',
    references: ['https://learn.microsoft.com/nuget/nuget-org/scoped-api-keys'],
  }),
];
