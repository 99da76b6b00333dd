import { decodedPrintable, standInKind } from '../clear-values.js';
import { PRIORITY, samplesOnce, type Detector, type MatchContext } from '../detector.js';
import { isDocumentedExample, isPlaceholder } from '../placeholders.js';
import { SampleRandom } from '../random.js';
import { CLASS } from '../token-shape.js';
import { isTrivialPassword } from './connection-password.js';
import { isRandomDecodedText, isRandomSecretValue, isTypedPassword } from './generic-value-shape.js';
import { isBasicCredential } from './placements.js';
import { isSignedJwt, opensAsJwt } from './structured.js';

/**
 * Credentials written where no `key: value` assignment holds them: a token flag and its value as
 * separate arguments (`cli --api-key X`, `args: ["--token", "X"]`, a YAML list `- --token` / `- X`),
 * and a sentence of documentation or a comment (`the API key is X`, `**Password**: \`X\``).
 */

/** Flags that take a token, key or secret as their value (`--api-key`, `-ApiKey`, `--client-secret`). */
const TOKEN_FLAG_WORDS = String.raw`(?:api|auth|access|bearer|private|personal[-_]?access|bot|app|service)?[-_]?token|api[-_]?key|apikey|(?:client|app|api|secret)?[-_]?secret(?:[-_]?key)?|licen[cs]e[-_]?key`;
/** Flags that take a password: in argument lists only (a shell line's `--password X` is secret-command-line-password's). */
const PASSWORD_FLAG_WORDS = String.raw`password|passwd|pass|pwd`;
/**
 * Between a flag and its value: spaces on a command line; `", "` in a JSON or YAML flow list
 * (`["--token", "…"]`); the next item of a YAML block list (`- --token` then `- …`).
 */
const LIST_SEPARATOR = String.raw`["']?[ \t]*,[ \t]*["']?|["']?[ \t]*\r?\n[ \t]*-[ \t]+["']?`;
const ARGUMENT_VALUE = String.raw`(?<secret>[^\s"'\x60;|&<>,\]]{8,512})(?![^\s"'\x60;|&,\]])`;

/** A flag may name the service first: `--github-token`, `--datadog-api-key`, PowerShell `-NuGetApiKey`. */
const FLAG_PREFIX = String.raw`[A-Za-z0-9_-]{0,40}?`;
const TOKEN_ARGUMENT = new RegExp(String.raw`(?<=^|[ \t"'[,])--?(?<key>${FLAG_PREFIX}(?:${TOKEN_FLAG_WORDS}))(?:[ \t]+["']?|${LIST_SEPARATOR})${ARGUMENT_VALUE}`, 'gim');
const PASSWORD_ARGUMENT = new RegExp(String.raw`(?<=^|[ \t"'[,])--?(?<key>${PASSWORD_FLAG_WORDS})(?:${LIST_SEPARATOR})${ARGUMENT_VALUE}`, 'gim');

/** A value that is a credential's own text, not a variable, a stand-in, a file or a documented example. */
function isLiteralCredential(value: string): boolean {
  return !/^[$%<[{(`-]/.test(value) && !isPlaceholder(value) && standInKind(value) === undefined && !isDocumentedExample(value);
}

/**
 * In crypto tooling a bare "token" is a coin: `--token 0x…` (an ERC-20 contract address) or a
 * Solana mint (32–44 base58 characters) names it, and is public.
 */
const COIN_ADDRESS = /^0x[0-9a-fA-F]{40}$|^[1-9A-HJ-NP-Za-km-z]{32,44}$/;

function isTokenValue(value: string, key = ''): boolean {
  if (!isLiteralCredential(value) || (/^[-_ ]?token$/i.test(key) && COIN_ADDRESS.test(value))) return false;
  if (opensAsJwt(value)) return isSignedJwt(value);
  const decoded = decodedPrintable(value);
  return decoded === undefined ? isRandomSecretValue(value, 16) : isRandomDecodedText(decoded);
}

/**
 * Base64 of printable text is judged by that text, as the generic rule judges it: documentation
 * that shows a Secret's data encoded (`DB_PASSWORD: aWxvdmV5b3U=`, `iloveyou`) shows a dictionary
 * word, not a generated password; base64 of random text is still one.
 */
function isPasswordValue(value: string): boolean {
  if (!isLiteralCredential(value) || isTrivialPassword(value)) return false;
  const decoded = decodedPrintable(value);
  return decoded === undefined ? isRandomSecretValue(value, 12) || isTypedPassword(value) : isRandomDecodedText(decoded);
}

/**
 * A header's value kept under a key of any name (`AUTH=Bearer …`, an env entry's `value: "Bearer …"`,
 * `headers: [["X-Auth", "Basic …"]]`): the scheme says what it is. After an assignment or a list separator only.
 */
const SCHEME_VALUE = /(?<=(?:[=:,]|=>)[ \t]*["']?)(?<scheme>Bearer|Basic)[ \t]+(?<secret>[A-Za-z0-9._~+/=-]{16,512})(?![A-Za-z0-9._~+/=$-])/gi;

function isSchemeCredential(value: string, context: MatchContext): boolean {
  if (/^basic$/i.test(context.groups['scheme'] ?? '')) return !isDocumentedExample(value) && isBasicCredential(value);
  if (!isLiteralCredential(value)) return false;
  // in a header a UUID or 32+ hex digits is a token, not an id or a digest
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|^[0-9a-f]{32,}$/i.test(value)) return new Set(value).size >= 8;
  return isTokenValue(value);
}

/** Prose words for a credential; `key` alone is too common a word, so only as `API key`, `secret key`… */
const PROSE_KEY = String.raw`(?:api|access|secret|private|signing|encryption|licen[cs]e|master|auth(?:entication)?|app|client|subscription|account)[ _-]?key|(?:(?:api|access|auth|bearer|bot|personal[ _-]access|refresh|app|oauth|service[ _-]account|integration)[ _-]?)?token|(?:(?:admin|root|user|db|database|default|initial|account|login)[ _-]?)?(?:password|passphrase|passwd)|(?:(?:client|app|api|shared|webhook|signing)[ _-]?)?secret`;
const PROSE_KEYWORDS = ['password', 'passphrase', 'passwd', 'token', 'secret', 'api key', 'api-key', 'api_key', 'apikey', 'access key', 'private key', 'signing key', 'license key', 'licence key', 'master key', 'client key', 'app key', 'account key'];
/**
 * What joins a key to its value in a sentence: `is`, `was`, `to` (`set the token to …`), a colon or
 * `=`, markdown emphasis around either. The blanks before a colon are one run unless a `**` splits
 * them: two runs side by side split a long run of blanks every way (a key, 300,000 spaces, `=`: 35 s).
 */
const PROSE_JOIN = String.raw`(?:\*\*|__)?(?:[ \t]+(?:for|of|on)[ \t]+[A-Za-z0-9 _.-]{1,40}?)?(?:[ \t]*(?:(?:\*\*|__)[ \t]*)?[:=|][ \t]*|[ \t]+(?:is|was|to|as)(?:[ \t]+(?:now|still|set[ \t]+to))?[ \t]+|(?<bare>[ \t]+))(?:\*\*|__)?`;
const PROSE_VALUE = String.raw`(?<open>[\x60"']?)(?<secret>[^\s\x60"'<>()[\]{}|,;*]{8,256})`;
const PROSE_CLAUSE = String.raw`(?<![A-Za-z0-9_.-])(?<key>${PROSE_KEY})${PROSE_JOIN}${PROSE_VALUE}`;
const PROSE = new RegExp(PROSE_CLAUSE, 'gi');
/** A comment line of code or configuration (`# the deploy token is …`), anchored at its marker so other lines fail at once. */
const COMMENT_PROSE = new RegExp(String.raw`^[ \t]*(?:#|\/\/|\/\*|\*|--|;|<!--|REM[ \t]|::)[^\n]{0,300}?${PROSE_CLAUSE}`, 'gim');

/** Documentation files: every line may be prose. Elsewhere only comment lines are. */
const DOCUMENT = /\.(?:md|mdx|markdown|rst|txt|text|adoc|asciidoc|org|textile|wiki)$|(?:^|\/)(?:README|NOTES|HOWTO|INSTALL|USAGE)(?:\.[^/]*)?$/i;
const NOT_DOCUMENT = new RegExp(String.raw`^(?!.*(?:${DOCUMENT.source}))`, 'i');

function isProseCredential(raw: string, context: MatchContext): boolean {
  const { text, index, match } = context;
  if (text === undefined || index === undefined || match === undefined) return false;
  // a quoted value ends at its quote; a bare one at a space or closing punctuation of the sentence
  const end = index + match.length;
  const open = context.groups['open'] ?? '';
  const next = text[end] ?? '\n';
  if (open !== '' ? next !== open : !/[\s.,;:!?)\]]/.test(next)) return false;
  const value = open === '' ? raw.replace(/[.:!?]+$/, '') : raw;
  const key = context.groups['key'] ?? '';
  // `use token X to log in`: with no word joining them, only a value no sentence holds by chance
  if (context.groups['bare'] !== undefined && !(value.length >= 20 && /[A-Z]/.test(value) && /[a-z]/.test(value) && /[0-9]/.test(value))) return false;
  return /pass/i.test(key) ? isPasswordValue(value) : isTokenValue(value, key);
}

export const writtenCredentialDetectors: readonly Detector[] = [
  {
    id: 'secret-command-line-token',
    provider: 'Generic',
    kind: 'token or API key given as a command-line argument',
    // the flag's own spelling (`-token`, `-secret`): lines that merely hold the word are not searched
    keywords: ['-token', '-secret', 'apikey', '-api-key', '-api_key', '-access_token', '-auth_token', '-api_token', '-client_secret', '-secret_key', '-license-key', '-licence-key'],
    pattern: TOKEN_ARGUMENT,
    validate: (value, context) => isTokenValue(value, context.groups['key']),
    priority: PRIORITY.generic + 0.5,
    severity: 'high',
    window: { before: 0, after: 200 },
    docs: {
      summary: 'A token, API key or client secret given to a program as the argument after its flag (`cli --api-key X`, a container\'s `args: ["--token", "X"]`) that no provider rule claims',
      impact: 'The value is the credential itself: whoever reads the script, manifest or page calls the service as its owner; command lines also end up in process listings and CI logs.',
      revoke: 'Revoke the token at its issuer, and pass it from the environment or a mounted Secret (`--token-file`, `valueFrom.secretKeyRef`).',
      references: ['https://cwe.mitre.org/data/definitions/214.html', 'https://kubernetes.io/docs/tasks/inject-data-application/distribute-credentials-secure/'],
    },
    get samples() {
      return samplesOnce(this, () => {
      const sample = new SampleRandom('command-line-token');
      return {
        file: 'deploy/app.yaml',
        positives: [
          `        args: ["--listen=:8080", "--api-key", "${sample.chars(CLASS.alnum.chars, 32)}"]`,
          `        args:\n          - --token\n          - ${sample.chars(CLASS.base64url.chars, 40)} # expect: secret-command-line-token`,
          `      run: ./bin/uploader --client-secret ${sample.chars(CLASS.alnum.chars, 28)} --dry-run`,
          `Publish-Module -Path ./out -NuGetApiKey "${sample.chars(CLASS.lowerAlnum.chars, 46)}"`,
        ],
        negatives: [
          'args: ["--token", "$(API_TOKEN)"]', 'args:\n  - --token\n  - ${TOKEN}', './uploader --api-key "$API_KEY"', 'cli --token-file /var/run/secrets/token',
          'kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef', 'docker buildx build --secret id=npmrc,src=$HOME/.npmrc .', 'cli --token <your-token>',
          'args: ["--api-key", "REPLACE_WITH_YOUR_API_KEY"]', 'vault login -method=github --token-only', 'gh secret set DEPLOY_KEY --body "$KEY"',
          '      --token string             Bearer token for authentication to the API server', 'args: ["--secret-name", "my-app-credentials"]',
          // a coin, not a credential: an ERC-20 contract address and a Solana mint
          'spl-token transfer --token EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v 10 recipient', 'bridge send --token 0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48 --amount 5',
        ],
      };
      });
    },
  },
  {
    id: 'secret-authorization-scheme-value',
    provider: 'HTTP',
    kind: 'Bearer or Basic credential kept as a value (AUTH=Bearer …)',
    keywords: ['bearer', 'basic'],
    pattern: SCHEME_VALUE,
    validate: isSchemeCredential,
    // below secret-http-authorization-header, which names `Authorization: Bearer …` better
    priority: PRIORITY.generic + 0.25,
    severity: 'high',
    window: { before: 0, after: 0 },
    docs: {
      summary: 'An HTTP `Bearer` or `Basic` credential kept as the value of a setting or an environment variable (`AUTH=Bearer X`, `value: "Bearer X"`) that no provider rule claims',
      impact: 'The value is a ready-made Authorization header: whoever reads it replays requests as its owner.',
      revoke: 'Revoke the token (or change the password inside a Basic value) at its issuer, and build the header at run time from a secret the program reads.',
      references: ['https://datatracker.ietf.org/doc/html/rfc6750#section-2.1', 'https://datatracker.ietf.org/doc/html/rfc7617'],
    },
    get samples() {
      return samplesOnce(this, () => {
      const sample = new SampleRandom('authorization-scheme-value');
      return {
        file: 'deploy/app.yaml',
        positives: [
          `AUTH_HEADER=Bearer ${sample.chars(CLASS.alnum.chars, 32)}`,
          `          - name: UPSTREAM_AUTH\n            value: "Bearer ${sample.chars(CLASS.base64url.chars, 40)}" # expect: secret-authorization-scheme-value`,
          `registryAuth: Basic ${Buffer.from(`ci:${sample.chars(CLASS.alnum.chars, 20)}`).toString('base64')}`,
        ],
        negatives: [
          'AUTH_HEADER=Bearer ${TOKEN}', 'value: "Bearer $(API_TOKEN)"', 'auth: Bearer <your-token>', `auth: Basic ${Buffer.from('user:password').toString('base64')}`,
          'description: Bearer authentication with a JWT', 'scheme: Bearer', 'AUTH=Bearer YOUR_ACCESS_TOKEN_HERE',
        ],
      };
      });
    },
  },
  {
    id: 'secret-argument-list-password',
    provider: 'Generic',
    kind: 'password given as an argument in a list (container args, exec arrays)',
    keywords: ['-pass', '-pwd'],
    pattern: PASSWORD_ARGUMENT,
    validate: (value) => isPasswordValue(value),
    priority: PRIORITY.generic + 0.5,
    severity: 'high',
    window: { before: 0, after: 200 },
    docs: {
      summary: 'A password given as the item after `--password` in an argument list (`command: ["app", "--password", "X"]`, a YAML list `- --password` / `- X`)',
      impact: 'The password logs in as the account the program uses; container arguments are readable by anyone who can read the manifest or the pod spec.',
      revoke: 'Change the password, and give it to the program from a Secret (an environment variable from `secretKeyRef`, or a mounted file).',
      references: ['https://cwe.mitre.org/data/definitions/214.html', 'https://kubernetes.io/docs/tasks/inject-data-application/distribute-credentials-secure/'],
    },
    get samples() {
      return samplesOnce(this, () => {
      const sample = new SampleRandom('argument-list-password');
      return {
        file: 'deploy/job.yaml',
        positives: [
          `        command: ["/bin/backup", "--user", "backup", "--password", "${sample.chars(CLASS.alnum.chars, 18)}"]`,
          `        args:\n          - --password\n          - "Qv${sample.chars(CLASS.alnum.chars, 8)}#${sample.chars(CLASS.alnum.chars, 4)}" # expect: secret-argument-list-password`,
        ],
        negatives: [
          'command: ["/bin/backup", "--password", "$(DB_PASSWORD)"]', 'args:\n  - --password\n  - changeme', 'args: ["--password", "--verbose"]',
          'args: ["--password-file", "/etc/backup/password"]', 'args:\n  - --password\n  - ${DB_PASSWORD}',
        ],
      };
      });
    },
  },
  {
    id: 'secret-prose-credential',
    provider: 'Generic',
    kind: 'credential written in a sentence of documentation',
    keywords: PROSE_KEYWORDS,
    pattern: PROSE,
    paths: DOCUMENT,
    validate: isProseCredential,
    priority: PRIORITY.generic,
    severity: 'high',
    window: { before: 0, after: 0 },
    docs: {
      summary: 'A random-looking token, key or password written in a sentence of a README or a note (`the API key is X`, `**Password**: X`)',
      impact: 'Documentation and comments are read and copied more than code: a credential written there is as exposed as one in a config file, and often older and forgotten.',
      revoke: 'Rotate the credential at its issuer, and write a placeholder in the text (`<your API key>`), pointing to where the real one is kept.',
      references: ['https://cwe.mitre.org/data/definitions/798.html', 'https://cwe.mitre.org/data/definitions/615.html'],
    },
    get samples() {
      return samplesOnce(this, () => {
      const random = new SampleRandom('prose-credential');
      return {
        file: 'docs/setup.md',
        positives: [
          `The API key for the staging tenant is ${random.chars(CLASS.alnum.chars, 32)}.`,
          `- **Password**: \`Kq${random.chars(CLASS.alnum.chars, 10)}!${random.chars(CLASS.alnum.chars, 4)}\``,
          `Your access token is "${random.chars(CLASS.base64url.chars, 40)}", keep it safe.`,
          `Set the client secret to \`${random.chars(CLASS.alnum.chars, 30)}\` and restart.`,
          `| staging | API key | \`${random.chars(CLASS.alnum.chars, 24)}7Qa\` |`,
          `Log in with the access token ${random.chars(CLASS.alnum.chars, 28)}4Kx and open the dashboard.`,
          `The admin password is \`${Buffer.from(`Qz${random.chars(CLASS.alnum.chars, 8)}#${random.chars(CLASS.alnum.chars, 6)}`).toString('base64')}\` (base64).`,
        ],
        negatives: [
          'The API key is stored in the `app-credentials` Secret.', 'Set the token to `<your-token>` first.', 'The password is `changeme` by default.',
          'The access token is valid for 3600 seconds.', 'The client secret is generated by `make secrets`.', 'Password: ${ADMIN_PASSWORD}',
          'The token is `${{ secrets.GITHUB_TOKEN }}` in workflows.', 'The secret is mounted at /var/run/secrets/kubernetes.io/serviceaccount.',
          'The API key is `YOUR_API_KEY_HERE`.', 'The signing key is ed25519:8f3a… (truncated).', 'The token is a JWT signed with RS256.',
          'The secret key is sha256:2b1a9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b',
          'Token: eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ0ZXN0In0.',
          '| `token` | string | The API token used for requests |', 'Pass the token 3f2b8c1e9a4d4e7bb6c25d8e9f0a1b2c as a header.', 'the refresh token rotation interval',
          // dictionary words shown base64-encoded in a Secret's data (kustomize's secretGeneratorPlugin.md: `iloveyou`, `SOMETHING_ELSE!`)
          '>   DB_PASSWORD: aWxvdmV5b3U=', 'The password is `U09NRVRISU5HX0VMU0Uh`.',
        ],
      };
      });
    },
  },
  {
    id: 'secret-comment-credential',
    provider: 'Generic',
    kind: 'credential written in a sentence of a code or configuration comment',
    keywords: PROSE_KEYWORDS,
    pattern: COMMENT_PROSE,
    paths: NOT_DOCUMENT,
    validate: isProseCredential,
    priority: PRIORITY.generic,
    severity: 'high',
    window: { before: 0, after: 0 },
    docs: {
      summary: 'A random-looking token, key or password written in a sentence of a comment in code or configuration (`# the deploy token is X`, `// password for the test tenant: X`)',
      impact: 'A comment is part of the file: whoever reads the repository reads the credential, and comments outlive the code they were written beside.',
      revoke: 'Rotate the credential at its issuer, and point the comment to where the real one is kept instead of quoting it.',
      references: ['https://cwe.mitre.org/data/definitions/798.html', 'https://cwe.mitre.org/data/definitions/615.html'],
    },
    get samples() {
      return samplesOnce(this, () => {
      const random = new SampleRandom('comment-credential');
      return {
        file: 'deploy/values.yaml',
        positives: [
          `# the deploy token for the mirror is ${random.chars(CLASS.alnum.chars, 32)}, rotate it after the migration`,
          `    // password for the staging tenant: Zq${random.chars(CLASS.alnum.chars, 9)}#${random.chars(CLASS.alnum.chars, 4)}`,
        ],
        negatives: [
          '# the token is read from the GITHUB_TOKEN secret', '# password: see the vault entry at kv/ci/deploy', '// the API key is passed in by the operator',
          '# The access token is valid for 3600 seconds.', 'description: the token is 9f8Kq2LmZx7Vb3Nc5Tg1Hj4Pw6Qs0Ud8 # not a comment line',
        ],
      };
      });
    },
  },
];
