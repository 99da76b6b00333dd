import { ASSIGN, DOCKERFILE_ENV_SPACE, looksRandom } from '../assignment.js';
import { decodedPrintable, isWordlike, standInKind } from '../clear-values.js';
import { PRIORITY, samplesOnce, type Detector, type MatchContext } from '../detector.js';
import { isDocumentedExample, isPlaceholder } from '../placeholders.js';
import { SampleRandom } from '../random.js';
import { CLASS } from '../token-shape.js';
import { hasJwsHeader, isSignedJwt } from './structured.js';
import { PRESIGNED_URL_SAMPLES } from './cloud.js';
import { isConnectionPassword } from './connection-password.js';
import { CREDENTIAL_KEY_AHEAD, credentialKeyStarts, HEX40_KEY, isCredentialKey, PASSWORD_KEY, PURPOSE_KEY_WORDS, UUID_KEY } from './generic-key.js';
import { appPasswordSample, base32Text, HEX40, isAppPassword, isRandomDecodedText, isRandomSecretValue, isShortRandomKey, isTypedPassword, UUID_LAYOUT, UUID_LAYOUT_ALNUM } from './generic-value-shape.js';
import { isInTestEnvironment } from './generic-test-environment.js';
import { assignedValue, withNameEscapesDecoded, withUnicodeEscapesDecoded } from './generic-code-literal.js';
import { CRC_CHECKED_TOKEN, GITHUB_NODE_ID, isDocSearchKey, isInEncryptedBlock, isPresignedUrlValue, isQuotedPhrase, isWebAnalyticsBeacon, JWT_SHAPE, PACKAGE_SPEC, PUBLIC_CLIENT_KEY, SEALED_CIPHERTEXT, SHELL_SPLICE } from './generic-published.js';

/**
 * A quoted value holding a character a bare value ends at (a quote of the other kind, a backtick,
 * `,`, `;`, `<`, `\`): generated secrets full of punctuation (`"7\x60D'}/vY…;W\\5]…"`) are taken
 * whole, up to the closing quote; the look-ahead keeps every other value to the bare form.
 */
const QUOTED_PUNCTUATED = String.raw`(?<=(?<!\\)")(?=[^"\s]{0,255}[\x60',;<\\])[^"\s]{15,255}[^"\s\\](?=")|(?<=(?<!\\)')(?=[^'\s]{0,255}[\x60",;<\\])[^'\s]{15,255}[^'\s\\](?=')`;

const random = new SampleRandom('generic');

/** A credential-like key with a random-looking value that no provider format claims. */
export function isGenericCredential(value: string, context: MatchContext): boolean {
  const key = context.groups['key'];
  if (!key || !isCredentialKey(key)) return false;
  const written = withUnicodeEscapesDecoded(assignedValue(key, value, context));
  // `repo_secrets: |` then `GPG_PRIVATE_KEY=signing-key:private_key`: the value is itself an
  // assignment (env lines, a secret manager's NAME=path:field list); a credential name there has a
  // match of its own, any other name's value is judged under the outer key
  const nested = written === undefined ? undefined : NESTED_ASSIGNMENT.exec(written);
  if (nested && isCredentialKey(nested[1]!)) return false;
  // the same for one word (`password=…`), judged before anything reads the whole value: a line of
  // `password=password=…` is a match at every key, each up to 4,096 characters (270 KB: 4 s, 2 MB: 30 s)
  const nestedWord = written === undefined ? undefined : NESTED_WORD.exec(written);
  if (nestedWord && isCredentialKey(nestedWord[1]!)) return false;
  const assigned = withNameEscapesDecoded(nested ? nested[2] : written);
  if (assigned === undefined || isPlaceholder(value) || PACKAGE_SPEC.test(assigned) || isWebAnalyticsBeacon(context) || isPresignedUrlValue(value, context) || isQuotedPhrase(value, context) || isInEncryptedBlock(context) || SEALED_CIPHERTEXT.test(assigned) || SHELL_SPLICE.test(assigned) || PUBLIC_CLIENT_KEY.test(assigned) || GITHUB_NODE_ID.test(assigned) || isDocSearchKey(key, assigned, context)) return false;
  // text in a script beyond ASCII (a translation: `"…_token_here_1007": "分析器预期…"`) is no generated secret
  if ((assigned.match(/[^\x00-\x7f]/g)?.length ?? 0) >= 3) return false;
  // GitHub's and npm's formats carry a CRC32 of their random part: one that fails it was never issued
  // (their detectors report those that pass), whatever key it sits under
  if (CRC_CHECKED_TOKEN.test(assigned)) return false;
  // a JWT is judged as one: with `alg: none` or no signature it is readable JSON anyone can forge;
  // so is a value that opens with a JWT's header but is no JWT (`eyJhbGciOi….test`)
  if (JWT_SHAPE.test(assigned) || hasJwsHeader(assigned)) return isSignedJwt(assigned);
  // `secret_H9ZGTfAERfN5W0AX`: a vendor's word prefix before random characters is no filler text
  const prefixed = WORD_PREFIXED.exec(assigned)?.[1];
  if (standInKind(prefixed ?? assigned) !== undefined) return false;
  if (prefixed !== undefined) return !isWordlike(prefixed) && isRandomSecretValue(prefixed, 12);
  // base64 of printable text is judged by that text: `c3RvcmFnZW9z` is the word `storageos`
  const decoded = decodedPrintable(assigned) ?? base32Text(assigned);
  // 40 hex digits are a commit id, except under a token, API key or OAuth client secret key (GitHub
  // classic tokens and OAuth client secrets, Datadog application keys are written so)
  if (decoded === undefined) {
    if (HEX40.test(assigned)) return HEX40_KEY.test(key);
    if (UUID_LAYOUT.test(assigned) || UUID_LAYOUT_ALNUM.test(assigned)) return UUID_KEY.test(key) && !/passw|pwd/i.test(key) && !isDocumentedExample(assigned) && looksRandom(assigned.replace(/-/g, ''), 24);
    if (!isWordlike(assigned) && isRandomSecretValue(assigned, 10)) return true;
    return PASSWORD_KEY.test(key) ? isTypedPassword(assigned) || isAppPassword(assigned) : isShortRandomKey(assigned);
  }
  return isRandomDecodedText(decoded);
}

/** `NAME=value` as a value: an ENV_NAME or snake_case name (random text holds no `=` but base64's padding at its end). */
const NESTED_WORD = /^([A-Za-z][A-Za-z0-9]*)=(?!=)/;
const NESTED_ASSIGNMENT = /^([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{3,}[0-9]*|[a-z][a-z0-9]*(?:_[a-z0-9]+)+)=(?!=)(.+)$/;

const WORD_PREFIXED = /^(?:secret|token|key|api_?key)[_-]([A-Za-z0-9]{16,64})$/i;
export const genericDetectors: readonly Detector[] = [
  {
    id: 'secret-generic-credential',
    provider: 'Generic',
    kind: 'credential',
    keywords: ['passw', '_pass', '.pass', '-pass', 'pwd', 'secret', 'token', 'license_key', 'licence_key', 'licensekey', 'license-key', 'apikey', 'api_key', 'api-key', 'accesskey', 'access_key', 'access-key', 'private_key', 'privatekey', 'auth_key', 'authkey', 'credential', 'signing_key', 'encryption_key', 'master_key',
      ...['session', 'hmac', 'jwt', 'aes', 'cipher', 'crypt', 'cookie', 'webhook', 'app', ...PURPOSE_KEY_WORDS].flatMap((word) => [`${word}_key`, `${word}key`, `${word}-key`, `${word}.key`])],
    // `/` before the key: `checksum/secret` is an annotation holding a digest, not a secret; `:`
    // before it: a segment of an ARN or URN (`…:secret:name`);
    // `<password>…</password>`: XML elements (Maven settings.xml, NuGet.config) assign with `>`
    // after an escaped line break in a string (`"a: b\npassword: …"`) the key starts past the `\n`;
    // a Ruby symbol key (`:password => '…'`) starts past its `:`, which follows a space or an opening bracket
    pattern: new RegExp(String.raw`(?:(?<=\\[ntr])|(?<=(?:^|[\s{(,[]):)|(?<![A-Za-z0-9_./:\\-]))${CREDENTIAL_KEY_AHEAD}(?<key>[A-Za-z0-9_.-]{1,80})(?:${ASSIGN}|${DOCKERFILE_ENV_SPACE}|>)(?<secret>${QUOTED_PUNCTUATED}|[^\s"'\x60,;<\\]{8,4096})`, 'gm'),
    // the look-ahead at every run of key characters was the costliest regex work of a history scan
    starts: credentialKeyStarts,
    validate: (value, context) => isGenericCredential(value, context) && !isInTestEnvironment(context),
    priority: PRIORITY.generic,
    severity: 'high',
    window: { before: 0, after: 160 },
    docs: {
      summary: 'A high-entropy value assigned to a credential-like key (password, token, apiKey, secret…) that no provider rule claims',
      impact: 'A random-looking value assigned to a password, token, secret or key is, more often than not, a live credential of some system; whoever reads the repository can use it.',
      revoke: 'Rotate the credential in the system it belongs to (the key it sits under usually names that system).',
      references: ['https://cwe.mitre.org/data/definitions/798.html', 'https://owasp.org/Top10/A07_2021-Identification_and_Authentication_Failures/'],
    },
    get samples() {
      return samplesOnce(this, () => ({
      file: 'values.yaml',
      positives: [
        `dbPassword: "${random.chars(CLASS.alnum.chars, 20)}"`,
        `- name: SESSION_SECRET\n  value: ${random.chars(CLASS.base64url.chars, 32)} # expect: secret-generic-credential`,
        `"apiKey": "${random.chars(CLASS.alnum.chars, 28)}",`,
        `admin_password = "Xk9#${random.chars(CLASS.alnum.chars, 10)}"`,
        // a quoted value followed by a comment, not by more of its string
        `"db_password": "Vr3#${random.chars(CLASS.alnum.chars, 10)}", "note": "rotate it yearly"`,
        // a product's published initial password, changed: no longer the default
        'harborAdminPassword: "Harbor12345x"',
        `SECRET_KEY_BASE: ${random.chars('0123456789abcdef', 128)}`,
        `jwtSecret: "${random.chars('0123456789abcdef', 64)}"`,
        `<server><id>nexus</id><username>deploy</username><password>${random.chars(CLASS.alnum.chars, 16)}</password></server>`,
        `"env": "USER=deploy\\nAPI_TOKEN=${random.chars(CLASS.alnum.chars, 24)}\\n",`,
        `token: ${random.chars('0123456789abcdef', 40)}`,
        `SIGNING_KEY: "\${SIGNING_KEY:-${random.chars(CLASS.alnum.chars, 24)}}"`,
        // providers without a marker of their own (Blynk, particle.io, IP2Location…) under their keys
        `BLYNK_AUTH_TOKEN: ${random.chars(CLASS.alnum.chars, 32)}`,
        `PARTICLE_ACCESS_TOKEN=${random.chars('0123456789abcdef', 40)}`,
        `IP2LOCATION_API_KEY: ${random.chars(CLASS.upperAlnum.chars, 32)}`,
        `BROWSERSTACK_ACCESS_KEY: ${random.chars(CLASS.alnum.chars, 20)}`,
        `"airvisualApiKey": "${random.chars(CLASS.lowerAlnum.chars, 20)}-${random.chars(CLASS.lowerAlnum.chars, 15)}"`,
        `HUBSPOT_API_KEY: ${[8, 4, 4, 4, 12].map((length) => random.chars('0123456789abcdef', length)).join('-')}`,
        `license_key: ${random.chars('0123456789abcdef', 40)}`,
        `PROXYCRAWL_TOKEN: ${random.chars(CLASS.alpha.chars, 22)}`,
        // short keys some providers issue, a vendor's word before random characters, generated punctuation
        `KANBANTOOL_API_KEY=${random.chars('ABCDEFGHJKLMNPQRSTVWXZ', 3)}7${random.chars('BCDFGHJKLMNPQRSTVWXZ', 4)}4${random.chars('BCDFGHJKLMNPQRSTVWXZ', 3)}`,
        `PARSEHUB_API_KEY=${random.chars('bcdfghjklmnpqrstvwxz', 2)}${random.chars('BCDFGHJKLMNPQRSTVWXZ', 2)}k${random.chars('bcdfghjklmnpqrstvwxz', 3)}Q${random.chars('BCDFGHJKLMNPQRSTVWXZ', 2)}e`,
        `CONVERTAPI_SECRET=secret_${random.chars(CLASS.alnum.chars, 16)}`,
        // letters only, in dash-separated groups: random case, not words
        `apiToken: ${random.chars(CLASS.alpha.chars, 12)}-${random.chars(CLASS.alpha.chars, 12)}`,
        `jwtsecret: "${random.chars(CLASS.alnum.chars, 6)}\x60;'${random.chars(CLASS.alnum.chars, 6)}}/)${random.chars(CLASS.alnum.chars, 6)}\\5]&${random.chars(CLASS.alnum.chars, 8)}?{<${random.chars(CLASS.alnum.chars, 6)}"`,
        `EMAIL_HOST_PASSWORD: ${appPasswordSample(random)}`,
        `curl https://hooks.internal.acme.io/notify?token=${random.chars(CLASS.alnum.chars, 32)}`,
        // an Algolia key outside a DocSearch block (an admin key in a backend's config)
        `search:\n  appId: BH4D9OD16A\n  apiKey: ${random.chars('0123456789abcdef', 32)} # expect: secret-generic-credential`,
        `{\n  "apiKey": "${random.chars('0123456789abcdef', 32)}", # expect: secret-generic-credential\n  "indexName": "products"\n}`,
        // Terraform state (JSON) escapes `>` in a generated password
        `"secret": "${random.chars(CLASS.alnum.chars, 3)}{=$}${random.chars(CLASS.alnum.chars, 8)}[${random.chars(CLASS.alpha.chars, 1)}}${random.chars(CLASS.alpha.chars, 1)}+${random.chars(CLASS.alnum.chars, 5)}\\u003e${random.chars(CLASS.alpha.chars, 5)}(",`,
        // `…_PASS` keys (compose and .env files), a name and its value in one object (ECS task definitions, flow-style env, Terraform)
        `RABBITMQ_DEFAULT_PASS=${random.chars(CLASS.alnum.chars, 20)}`,
        `{"environment": [{"name": "DB_PASSWORD", "value": "${random.chars(CLASS.alnum.chars, 20)}"}]}`,
        `"environment": [\n  {\n    "name": "API_TOKEN",\n    "value": "${random.chars(CLASS.alnum.chars, 24)}" # expect: secret-generic-credential\n  }\n]`,
        `env:\n  - {name: SESSION_SECRET, value: "${random.chars(CLASS.alnum.chars, 24)}"} # expect: secret-generic-credential`,
        `environment = [{ name = "API_TOKEN", value = "${random.chars(CLASS.alnum.chars, 24)}" }]`,
        `D7_API_KEY=${random.chars(CLASS.alnum.chars, 3)}@${random.chars(CLASS.alnum.chars, 4)})${random.chars(CLASS.alnum.chars, 3)}>${random.chars(CLASS.alnum.chars, 3)}(${random.chars(CLASS.alnum.chars, 3)}^${random.chars(CLASS.alnum.chars, 3)}`,
        // symmetric keys under a name that says key: sessions, HMAC/JWT signing, Laravel's APP_KEY
        `SESSION_KEY: ${random.chars(CLASS.alnum.chars, 32)}`,
        `APP_KEY=base64:${Buffer.from(random.chars(CLASS.alnum.chars, 32)).toString('base64')}`,
        `"hmacKey": "${random.chars('0123456789abcdef', 64)}",`,
        // a Ruby hash with symbol keys (Chef attributes, Capistrano and Rails configs)
        `  :smtp_password => "${random.chars(CLASS.alnum.chars, 6)}#${random.chars(CLASS.alnum.chars, 8)}",`,
        // a YAML block scalar whose first line is the value
        `auth:\n  password: |-\n    ${random.chars(CLASS.alnum.chars, 20)} # expect: secret-generic-credential`,
        `        - name: API_TOKEN\n          value: >-\n            ${random.chars(CLASS.alnum.chars, 28)} # expect: secret-generic-credential`,
        // a key named for what the secret is for: a Supabase service key, a Firebase server key
        `SUPABASE_SERVICE_KEY: ${random.chars(CLASS.alnum.chars, 28)}`,
        // env lines as the value of a credential key: a name that says nothing is judged by its value
        `repo_secrets: |\n  SIGNING=${random.chars(CLASS.alnum.chars, 24)} # expect: secret-generic-credential`,
        // an app key under a name that is no HTML data attribute
        `DROPBOX_APP_KEY: ${random.chars(CLASS.lowerAlnum.chars, 6)}8${random.chars(CLASS.lowerAlnum.chars, 4)}3${random.chars(CLASS.lowerAlnum.chars, 4)}`,
        // an OIDC client of its own beside ownCloud's published ones
        `      - client_id: ${random.chars(CLASS.alnum.chars, 64)}\n        client_name: OwnCloud Infinite Scale (Desktop client)\n        client_secret: ${random.chars(CLASS.alnum.chars, 64)} # expect: secret-generic-credential`,
      ],
      negatives: [
        // a yarn.lock dependency named for a credential, an escaped `-` in a key name (External Secrets), a Web Analytics beacon
        '    generate-password: "npm:^1.5.0"', '  - secretKey: "some_U002D_key"', '    secret-stack: "workspace:^"',
        `head: <script defer src="https://static.cloudflareinsights.com/beacon.min.js" data-cf-beacon='{"token": "${random.chars('0123456789abcdef', 32)}"}'></script>`,
        'password: ${DB_PASSWORD}', 'password: changeme', 'harborAdminPassword: "Harbor12345"', 'MINIO_ROOT_PASSWORD: minioadmin',
        // ownCloud's desktop, Android and iOS OIDC client secrets, public in its apps and docs
        '      - client_id: xdXOt13JKxym1B1QcEncf2XDkLAexMBFwiT9j6EfhhHFJhs2KM9jbjTmf8JBXE69\n        client_secret: UBntmLjC2yYCeHwsyj73Uwo9TAaecAetRwMw0xYcvNL9yRdLSUi0hUAHfvCHFeFh',
        'client_secret = "dInFYGV33xKzhbRmpqQltYNdfLdJIfJ9L5ISoKhNoT9qZftpdWSP71VrpGR9pmoD"', "OCIS_IOS_CLIENT_SECRET: 'KFeFWWEZO9TkisIQzR3fo7hfiMXlOpaqP8CFuTbSHzV1TUuGECglPxpiVKJfOXIx'", 'apiKey: REPLACE_ME', 'token: <your-token>', 'password: ""',
        'existingSecret: postgres-credentials', 'passwordSecretRef:', 'secretName: grafana-admin', 'tokenUrl: https://auth.example.org/token',
        'client_secret_file: /etc/oauth/client-secret', 'password: "{{ .Values.password }}"', 'secretKey: admin-password',
        'integrity: sha512-Xk9a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6==',
        'token: 123e4567-e89b-12d3-a456-426614174000', 'password: ENC[AES256_GCM,data:Tr7o=,iv:1=,tag:2=,type:str]',
        'secretKeyRef: {name: api, key: token}',
        '- secretKey: radarr_4k_RADARR_API_KEY', 'secretKey: sonarr_SONARR_API_KEY', '- secretKey: rb5009_password', '- secretKey: crs320_username',
        '"RequestToken": "08ac298e-7cea-4d5f-89f4-ee88a4674425",', 'NextToken: eyJ2IjoyLCJjIjoiSmFnR0NhcGJ4WDNmRkE9PSJ9', 'ClientRequestToken: 8f1b7c2e9d4a6b3f5e0c1d2a',
        '<password>${env.NEXUS_PASSWORD}</password>', '<passwordFile>/run/secrets/nexus</passwordFile>',
        'checksum/secret: 2b1a9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b', 'tokenSha256: 2b1a9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b', 'tokenSecretName: github-token', 'password_length: 32',
        '"secretlint": "bin/secretlint.js",', 'const secrets: ArgocdSecret[] = [];', 'private_key: Option<PrivateKey>?',
        'pattern: /token[ \\t]*:[ \\t]*(?<secret>[A-Za-z0-9+/]{40})/g,', "password: 'pass:with:colons'",
        "const secret = 'apiVersion: v1\\nkind: Secret\\n';", 'secretKeys: {adminPasswordKey: admin-password, userPasswordKey: user-password}',
        'grafana_admin_password_secret_arn: arn:aws:secretsmanager:eu-west-1:123456789012:secret:grafana-AbCdEf', "'key: token\\nexistingSecret: grafana-admin-credentials\\nexistingSecretPasswordKey: admin-password'",
        "headers: {'X-Auth-Token': token_var, 'X-Api-Key': apiKeyFromVault}", ': "${SM_AWS_SECRET_REGION:?SM_AWS_SECRET_REGION must be set}"',
        '- credentials-binding:720.v3f2a_b_c1d2e3f', 'apiKey: env:DATADOG_API_KEY', 'password: vault:secret/data/db#password',
        'clientSecret: op://platform/argocd/client-secret', 'token: ${{ secrets.DEPLOY_TOKEN }}', 'dbPassword: "#{DbPassword}#"',
        'api_key = data.aws_ssm_parameter.sendgrid_api_key[0].value', '"Secret":"LA_kwDOCsUTCM75TTQL"',
        '  repository_password        = local.spark_k8s_operator_helm_app["repository_password"]',
        '{"hostRules": [{"matchHost": "ghcr.io", "encrypted": {"password": "wcFMA/xDdHCJBTolAQ/+Kq3bLqv7Zp0Yw9sNfX2aRj8tLmE4uHcQ1Vz6oPgBn"}}]}',
        `#     RESTIC_PASSWORD: AgCA${random.chars(CLASS.base64.chars.replace(/[=]/g, ''), 700)}`,
        'echo \'\n{\n  "debug.level": "",\n  "privateKeyLocation": "\'$base_dir/docker-worker.key\'",\n  "cotEd25519SigningKey": "\'$base_dir/docker-worker-cot-ed25519-signing.key\'",\n}\n\' > deploy.json',
        // a symbol that names a setting, and a segment of an ARN, are no keys
        "  :password => ENV['SMTP_PASSWORD'],", 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:token=Xk9aB2cD3eF4gH5i',
        'adminPassword: __ADMIN_PASSWORD__', 'secret_key: PleaseGenerateA50CharLul', 'clientSecret: $dex.github.clientSecret',
        'accessKey: AKIAIOSFODNN7EXAMPLE', 'storageKey: Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
        'hashedPassword: "$2a$10$RncPyHW/B5ll2Z3J8s.IBOnbZ9uoJ4JhHLKzj5lzG/kU1KN1Oj3/K"', 'sharedSecret: c3Ryb25nLXBhc3N3b3Jk',
        'token: MY_SECRET_TOKEN_NAME', 'secretName: my-app-tls-secret-v2', 'totp_secret: ONSWG4TFOQWXAYLTON3W64TE', 'apiKey: 12345678-25fg-4b05-9ced-35e7dd5093ae',
        'dbPassword: b2a1c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d', 'secret: GetSecretByKeyVersionThree', "api_key: 'longStringFromLinodeApi'", 'token: helloworldstring', 'api_key: AWS4HMACSHA256', 'API_KEY: V1ALPHA1', 'token: "Bearer abc, def"',
        'password: "a;b;c;d;e;f;g;h;i;j"', 'secret: "${FOO};${BAR};${BAZ}"', 'api_key: "^[A-Za-z0-9]{32}$"', 'token: "{{ .Values.a }};{{ .Values.b }}"',
        'secret: "function(a,b){return a.c(b)}"', 'apiKey: "https://a.example.com/x?y=1;z=2"', 'token_regex: "^(?:[A-Z][a-z]+){2,4};\\\\d+$"', 'EMAIL_HOST_PASSWORD: helloworldstring', 'password: qwertyuiopasdfgh', 'refreshToken2 := "0123456790fedcba"', 'apiToken: 9876543210zyxwvu', 'smtp_password: correcthorsebattr', 'SOPS_SECRET: "$STATE/gitwork/kubernetes/apps/e2e-sops.sops.yaml"', 'SSH_PRIVATE_KEY: "${SSH_PRIVATE_KEY:-$HOME/.ssh/id_ed25519}"',
        '{"name": "DB_PASSWORD", "valueFrom": "arn:aws:ssm:eu-west-1:123456789012:parameter/db-password"}', '{"name": "API_TOKEN", "value": "${API_TOKEN}"}',
        'env:\n  - {name: SESSION_SECRET, value: ""}', 'SMTP_PASS=${SMTP_PASS}', 'bypass: true', 'compass_token_url: https://compass.internal/token',
        'INVALID_TOKEN: "\\n\\nThe LOGENTRIES_TOKEN you entered is incorrect!\\n"', 'license_key: ${NEW_RELIC_LICENSE_KEY}',
        'lastSignificantToken = "?InterpolationInJSX";', 'nextToken: InterpolationInJSX', '"The_parser_expected_to_find_a_1_to_match_the_0_token_here_1007": "分析器预期在此处找到与“{0}”标记匹配的“{1}”。",',
        'secret: |\n  apiVersion: v1\n  kind: Secret', 'password: |-\n  {{ .Values.auth.password }}', 'token: >\n  read from the vault at start-up',
        'cache_key: user-session-v2', 'APP_KEY_ID: 3f2b8c1e9a4d', 'session_key_prefix: sess:', 'APP_KEY: ${APP_KEY}', 'jwt_key_file: /etc/jwt/key.pem',
        // a Go template field assigned to a template variable, a Secret's key name (ExternalSecret `secretKey`)
        '{{- $automountSAToken := .Values.controller.serviceAccount.automountServiceAccountToken }}', '  secretKey: .dockerconfigjson',
        // keys named for something other than a secret, and a Pusher app key (public, the browser holds it)
        `observerKey: ${random.chars(CLASS.alnum.chars, 24)}`, 'SERVER_KEY: /etc/ssl/private/server.key', `PUSHER_APP_KEY: ${random.chars('0123456789abcdef', 20)}`,
        // public by design: PostHog project keys, Stripe publishable keys, Mapbox public tokens
        `"api_key": "phc_${random.chars(CLASS.alnum.chars, 43)}"`, `STRIPE_PUBLISHABLE_KEY=pk_live_${random.chars(CLASS.alnum.chars, 99)}`,
        `mapboxAccessToken: pk.eyJ${random.chars(CLASS.base64url.chars, 60)}.${random.chars(CLASS.base64url.chars, 22)}`,
        // a documented example, and a format's NUL-terminated magic (golang.org/x/crypto, vendored widely)
        '// Put inserts a key-value secret (e.g. {"password": "Qarnik42"}) into the KV engine.', 'const privateKeyAuthMagic = "openssh-key-v1\\x00"',
        // a meeting's join link with its passcode, published so that anyone can join
        `* Meeting link: <https://zoom.us/j/93847561029?pwd=${random.chars(CLASS.alnum.chars, 32)}>`,
        `[Join the community call](https://zoom-lfx.platform.linuxfoundation.org/meeting/98901510164?password=${[8, 4, 4, 4, 12].map((length) => random.chars('0123456789abcdef', length)).join('-')})`,
        // Algolia DocSearch's search-only key in a docs site's config
        `algolia: {\n  appId: 'BH4D9OD16A',\n  apiKey: '${random.chars('0123456789abcdef', 32)}',\n  indexName: 'acme-docs',\n},`,
        `docsearch({ appId: 'R2IYF7ETH7', apiKey: "${random.chars('0123456789abcdef', 32)}", indexName: 'acme', container: '#search' })`,
        `{\n  "apiKey": "${random.chars('0123456789abcdef', 32)}",\n  "indexName": "acme_docs",\n  "inputSelector": "#docsearch"\n}`,
        // an unsigned JWT (`alg: none`, empty signature): JSON anyone can write
        'accessToken: eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ0ZXN0LXVzZXIiLCJyb2xlIjoiYWRtaW4ifQ.',
        // a local server's start-up URL (Jupyter): loopback or a container's own host name
        `#   or http://127.0.0.1:8888/lab?token=${random.chars('0123456789abcdef', 48)}`, `    http://${random.chars('0123456789abcdef', 12)}:8888/?token=${random.chars('0123456789abcdef', 48)}`,
        `Open <http://localhost:49153/lab?theme=dark&token=${random.chars('0123456789abcdef', 48)}> in a browser`,
        // secret-manager references: get-vault-secrets' NAME=path:field lines (grafana/helm-charts), Vault paths with a field, GCP Secret Manager names
        'repo_secrets: |\n  GPG_PRIVATE_KEY=helm-chart-signing-key:private_key\n  GPG_PASSPHRASE=helm-chart-signing-key:passphrase',
        'GPG_PRIVATE_KEY=ci/Helm-Signing2:PrivateKey', 'client_secret: "kv/data/Team7/ArgoCD#clientSecret"', 'DB_PASSWORD: projects/Platform-Prod-7/secrets/DbPassword2/versions/latest',
        // a .NET assembly's public key token; a GitHub-format token whose CRC32 fails (never issued: GitHub's docs and tests write them)
        '<add assembly="System.Web.Mvc, Version=5.2.7.0, Culture=neutral, PublicKeyToken=31BF3856AD364E35" />', '<assemblyIdentity name="Newtonsoft.Json" publicKeyToken="30ad4fe6b2a6aeed" />',
        '"token": "ghs_16C7e42F292c6912E7710c838347Ae178B4a",',
        // a presigned URL's own session token
        PRESIGNED_URL_SAMPLES[0]!,
        // an app key an HTML page gives every visitor (Dropbox Chooser's script tag)
        `<script src="https://www.dropbox.com/static/api/2/dropins.js" id="dropboxjs" data-app-key="${random.chars(CLASS.lowerAlnum.chars, 15)}"></script>`,
        `tag.setAttribute("data-app-key", "${random.chars(CLASS.lowerAlnum.chars, 15)}");`,
        // messages of a translation catalogue: the value is a sentence's first word
        '"CONFIRM_PWD": "Passwörter sind nicht identisch.",', '"CLI_PASSWORD_TIP": "使用docker cli访问Harbor时，可以使用此cli密码作为密码。",',
        // names of words joined by dashes in any case: a Secret's name, an HTTP header's name
        'configFileSecret: jackett-vpnConfig', 'APIKeyScannerAdapter: X-ScannerAdapter-API-Key', 'tokenHeader: X-Vault-Token',
        // a vendor's prefix before a word in capitals to replace (NVIDIA NIM samples)
        '- name: NGC_API_KEY\n  value: "nvapi-NVKEY"',
        // kubernetes.io's example password, base64-encoded in a Secret (`S!B\*d$zDsb=`)
        'password: UyFCXCpkJHpEc2I9',
      ],
    }));
    },
  },
  {
    id: 'secret-connection-string',
    provider: 'Connection',
    kind: 'string',
    keywords: ['://'],
    // most URLs hold no `user:password@`: their lines are not searched
    requires: ['@'],
    pattern: /(?<![A-Za-z0-9+.-])[a-zA-Z][a-zA-Z0-9+.-]{1,30}:\/\/(?<key>[^\s:@/"'<>{}[\]]{1,128}):(?<secret>[^\s@/"'<>{}[\]]{1,256})@(?<host>[A-Za-z0-9._-]{1,253})/g,
    validate: (password, context) => isConnectionPassword(password, context.groups['key'] ?? '', context.groups['host'] ?? ''),
    priority: PRIORITY.structural,
    severity: 'high',
    window: { before: 40, after: 600 },
    docs: {
      summary: 'A URL or DSN with an embedded password (postgres://user:password@host…)',
      impact: 'A URL or DSN with its password inline gives whoever reads it the database, broker or service it points at; these strings also end up in logs and process listings.',
      revoke: 'Change the password on the server, then pass it separately: a Secret key referenced with `secretKeyRef`, or the driver\'s password file or environment variable.',
      references: ['https://cwe.mitre.org/data/definitions/798.html', 'https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1'],
    },
    get samples() {
      return samplesOnce(this, () => ({
      file: 'app.yaml',
      positives: [
        `DATABASE_URL: postgres://orders:${random.chars(CLASS.alnum.chars, 18)}@db.internal:5432/orders`,
        `broker: amqp://svc-billing:${random.chars(CLASS.alnum.chars, 14)}@rabbitmq.prod.svc:5672/`,
        `mongo: "mongodb+srv://app:${random.chars(CLASS.alnum.chars, 16)}@cluster0.a1b2c.mongodb.net/shop"`,
      ],
      negatives: [
        'expected := `https://asdf:blah@github.com\nhttps://bleh:belch@gitlab.com`',
        'DATABASE_URL: postgres://user:password@localhost:5432/db', 'url: postgres://${DB_USER}:${DB_PASSWORD}@db:5432/app',
        'url: https://user:<password>@registry.example.com', 'redis: redis://:****@redis:6379', 'url: https://github.com/org/repo',
        'dsn: mysql://root:root@mysql:3306/app', 'url: http://host:8080/path', 'url: postgresql://app:%s@%s/db',
        'clone with `https://USERNAME:PERSONAL_ACCESS_TOKEN@github.com/USERNAME/REPOSITORY`', 'quarkus.mongodb.connection-string: mongodb://DB_USER:DB_PASSWORD@mongodb:27017',
        '"https://gitlab-ci-token:test-job-token@gitlab.com"', 'echo "url=https://invalidUser:invalidPass@foo.bar/repo"', 'stdin: "url=https://some-user:some-pass@some-host/repo"',
      ],
    }));
    },
  },
];
