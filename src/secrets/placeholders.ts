import { longestRun, sequentialShare } from './entropy.js';

/** Values written to be replaced: templates, variables, angle-bracket hints, masks. */
const TEMPLATED = [
  /\$\{[^}]*\}?/, // ${VAR}
  /\$\([^)]*\)?/, // $(VAR)
  /^\$[A-Za-z_][A-Za-z0-9_]*$/, // $VAR
  /\{\{[\s\S]*\}\}/, // {{ .Values.x }}
  /\{\{|\}\}/,
  /%\([a-z_]+\)s/i, // %(name)s
  /^%[sd]$/,
  /<[^<>]{1,60}>/, // <your-token>
  /^\[[^\]]*\]$/, // [PASSWORD]
  /^\{[A-Za-z_.-]+\}$/, // {password}
  /^#\{[^}]*\}#?$/, // #{var}, and Azure DevOps / Octopus replace tokens #{DbPassword}#
  /^__[A-Za-z0-9_.-]+__$/, // __TOKEN__ (replace-tokens, tokenizer tasks)
  /^%[A-Za-z_][A-Za-z0-9_]*%$/, // %TOKEN% (Windows environment, build tokens)
  /^#[A-Za-z_][A-Za-z0-9_.-]*#$/, // #TOKEN# (sed-replaced templates)
  /%[-+ #0]*\d*(?:\.\d+)?[sdvqf](?![A-Za-z0-9])/, // printf formats: `authelia_%s_`
  /^\[\[[^\]]*\]\]$/, // [[token]]
  /^@[A-Za-z_]+@$/, // @VAR@
  /^ENC\[/, // SOPS ciphertext
  /^[a-z]{2,8}(?:[-_][a-z]{2,8})?[-_][A-Z][A-Z_]{1,15}$/, // a vendor's prefix, then a word in capitals to replace: `nvapi-NVKEY`, `sk-proj-OPENAIKEY`
  /^vault:|^ref\+|^sm:\/\/|^arn:aws:secretsmanager|^op:\/\//i, // secret references
];

const WORDS = /^my[_-][a-z]+(?:[_-][a-z]+)*$|(?:replace|change|fill|insert|enter|put|add|set)[_-]?(?:me|this|here|it|your)|your[_-]|placeholder|redacted|dummy|fake|example|sample|xxx|\*\*\*|\.\.\.|(?<![a-z])(?:todo|tbd)(?![a-z])|not[_-]?a[_-]?(?:real|secret)|secret[_-]?here|password[_-]?here|token[_-]?here|^none$|^null$|^nil$|^undefined$|^true$|^false$|^test$|^string$/i;

/** Common defaults that no reviewer calls a leaked credential. */
const TRIVIAL = new Set([
  'password', 'passwd', 'pass', 'secret', 'token', 'admin', 'root', 'user', 'guest', 'changeit', 'default',
  'postgres', 'mysql', 'redis', 'test', 'testing', 'demo', 'letmein', 'qwerty', 'secretpassword', 'mypassword',
  'password123', 'admin123', '123456', '12345678', 'foobar', 'foo', 'bar', 'baz', 'abc123',
  // initial passwords products publish in their install docs and default configs, to be changed after
  // the first login: kube-prometheus-stack's Grafana, Harbor's admin (harbor.yml, its chart's values,
  // its own tests and CI), MinIO's root user
  'prom-operator', 'harbor12345', 'minioadmin',
  // keyboard mash and filler that tests and docs type (`https://asdf:blah@github.com`), and bash.org's
  // `hunter2` (go-containerregistry's README: AzureDiamond:hunter2)
  'asdf', 'asdfasdf', 'asdf1234', 'blah', 'bleh', 'hunter2',
]);

export function isPlaceholder(value: string): boolean {
  const trimmed = value.trim().replace(/^["']|["']$/g, '');
  if (trimmed === '') return true;
  if (TEMPLATED.some((pattern) => pattern.test(trimmed))) return true;
  // in long random values (keys, certificates) short words like `todo` or `xxx` occur by chance
  if (trimmed.length > 64) return false;
  if (WORDS.test(trimmed)) return true;
  if (TRIVIAL.has(trimmed.toLowerCase())) return true;
  if (longestRun(trimmed) >= 5 && longestRun(trimmed) * 3 >= trimmed.length) return true;
  // `0123456790fedcba` (argocd-image-updater's registry auth tests): counted out, not generated
  if (trimmed.length >= 8 && sequentialShare(trimmed) >= 0.75) return true;
  return /^[x*•#.0-]+$/i.test(trimmed);
}

/** Tokens copied from provider documentation, and fill-in patterns inside a token's shape. */
const DOCUMENTED = new Set([
  'AKIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
  'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c', // the jwt.io sample signature
  'KMUFsIDTnFmyG3nMiGM6H9FNFUROf3wh7SmqJp-QV30',
  'cThIIoDvwdueQB468K5xDc5633seEFoqwxjF_xSJyQQ',
  // the Azure Storage emulator (Azurite) account key, published in Microsoft's documentation
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
  'SW2YcwTIb9zpOOhoPsMm', // Grafana's default secret_key (defaults.ini)
  // ownCloud's OIDC client secrets of its desktop, Android and iOS apps: built into the public apps,
  // so every ownCloud/oCIS identity provider registers them (owncloud.dev/apis/http/authorization,
  // the oauth2 app's default clients, Authelia's and authentik's ownCloud guides)
  'UBntmLjC2yYCeHwsyj73Uwo9TAaecAetRwMw0xYcvNL9yRdLSUi0hUAHfvCHFeFh',
  'dInFYGV33xKzhbRmpqQltYNdfLdJIfJ9L5ISoKhNoT9qZftpdWSP71VrpGR9pmoD',
  'KFeFWWEZO9TkisIQzR3fo7hfiMXlOpaqP8CFuTbSHzV1TUuGECglPxpiVKJfOXIx',
  'sk_test_4eC39HqLyjWDarjtT1zdp7dc', // Stripe's documented test key
  'pk_test_TYooMQauvdEDq54NiTphI7jx',
  '123e4567-e89b-12d3-a456-426614174000', // the example UUID of RFC 4122 and Wikipedia
  // the password of kubernetes.io's Secret tasks (`--from-literal=password='S!B\*d$zDsb='`), copied into many tutorials
  'S!B\\*d$zDsb=',
  'S!B*d$zDsb=',
  // the password of kubernetes.io's Secret concept page and kubectl examples (`MWYyZDFlMmU2N2Rm` in their `data:`)
  '1f2d1e2e67df',
]);

export function isDocumentedExample(token: string): boolean {
  if (DOCUMENTED.has(token)) return true;
  for (const known of DOCUMENTED) if (token.includes(known)) return true;
  return /EXAMPLE|example|placeholder|PLACEHOLDER|xxxxxx|XXXXXX|000000|12345678|abcdefgh|ABCDEFGH/.test(token);
}
