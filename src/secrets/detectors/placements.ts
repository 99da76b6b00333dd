import { PRIORITY, samplesOnce, type Detector, type MatchContext } from '../detector.js';
import { shannonEntropy } from '../entropy.js';
import { isDocumentedExample, isPlaceholder } from '../placeholders.js';
import { SampleRandom } from '../random.js';
import { CLASS } from '../token-shape.js';
import { standInKind } from '../clear-values.js';
import { isSignedJwt, opensAsJwt } from './structured.js';
import { isConnectionPassword, isTrivialPassword } from './connection-password.js';
import { isGenericCredential } from './generic.js';
import { appPasswordSample, isAppPassword, isRandomSecretValue } from './generic-value-shape.js';

/** Credentials written where no key names them: HTTP headers in curl lines, scripts and docs. */
const random = new SampleRandom('placements');

/** `user:password` behind Basic, with a password that is not a stand-in. */
export function isBasicCredential(encoded: string): boolean {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || /[\u0000-\u001f\ufffd]/.test(decoded)) return false;
  const password = decoded.slice(colon + 1);
  return password.length >= 6 && !isPlaceholder(password) && isRandomSecretValue(password, 6);
}


/**
 * A password given on a command line: not a variable, a command substitution, a stand-in or a
 * trivial word, and not a name written in capitals (`--password PASSWORD` in a usage line).
 */
/** The value type Go's pflag and cobra print in a command's help (`--password strings   password…`), not a value. */
const FLAG_TYPE = /^(?:string|strings|stringArray|stringSlice|stringToString|bytesHex|bytesBase64)$/;

/** A comma-separated list of lower-case names (`kyverno create test --pass policy-name,rule-name`): a flag's list, not a password. */
const NAME_LIST = /^[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)*(?:,[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)*)+$/;

function isCommandLinePassword(password: string, user: string): boolean {
  const value = password.replace(/^["']|["']$/g, '');
  if (value.length < 6 || /^[$%<[{(`-]|^\d+$|^[A-Z][A-Z0-9_]*$/.test(value) || FLAG_TYPE.test(value) || NAME_LIST.test(value) || standInKind(value) !== undefined) return false;
  return user === '' ? !isTrivialPassword(value) && !isPlaceholder(value) : isConnectionPassword(value, user, '');
}

/** The command a position is an argument of: its line, and the lines before it that end in `\\` (continued). */
function commandBefore(text: string, index: number): string {
  // bounded (20 lines, 2,000 characters): each match looks back, and lastIndexOf over a whole
  // long line for every match would make the scan quadratic
  const lines = text.slice(Math.max(0, index - 2000), index).split('\n');
  let first = lines.length - 1;
  while (first > 0 && lines.length - first < 20 && /\\[ \t]*\r?$/.test(lines[first - 1]!)) first -= 1;
  return lines.slice(first).join('\n');
}

/**
 * MySQL/MariaDB clients take `--password` with a value only after `=` (alone, it prompts), and the
 * PostgreSQL tools' `--password` takes none: in `mysql --user=admin --password mysql_prod` and
 * `psql --password appdb` the next word is the database.
 */
function isPasswordPrompt(match: string, text: string, index: number): boolean {
  return /^--password[ \t]/i.test(match)
    && /(?<![\w-])(?:mysql|mariadb|mysqldump|mysqladmin|mysqlimport|mysqlcheck|mysqlshow|mysqlsh|psql|pg_dump|pg_dumpall|pg_restore|pg_basebackup|pgbench|createdb|dropdb|createuser|dropuser|vacuumdb|reindexdb|clusterdb)(?![\w-])/.test(commandBefore(text, index));
}

const VALUE = String.raw`["']?(?<secret>[^\s"'\x60;|&<>]{4,128})["']?(?![^\s;|&])`;
/** Registry clients whose `login` takes the password as `-p X` (`docker login -u ci -p … registry`). */
const REGISTRY_LOGIN = String.raw`(?:docker|podman|nerdctl|buildah|skopeo|oras|helm[ \t]+registry)[ \t]+login`;
/** `--password X`, `--password=X`, PowerShell `-Password X`; `-p X` only after the commands that take a password so (psexec, sshpass, a registry login). */
const PASSWORD_FLAG = new RegExp(String.raw`(?:(?<=[ \t])--?(?:password|passwd|pass|pwd)(?:[ \t]+|=)|(?<![A-Za-z0-9_-])(?:psexec(?:\.exe)?|sshpass|${REGISTRY_LOGIN})(?=[ \t])[^\n]{0,200}?[ \t]-p[ \t]+)${VALUE}`, 'gi');
/** `curl -u user:password` / `--user user:password` / `--user user:'password'` / `-u :password`, also on a continuation line (where the regex sees the line from its start). */
const CURL_USER = new RegExp(String.raw`(?<![^ \t\n])(?:-u|--user)(?:[ \t]+|=)["']?(?<key>[^\s:"'\x60]{0,128}):["']?(?<secret>[^\s"'\x60]{4,128})["']?(?=[\s\\]|$)`, 'g');

/** `curl -u TOKEN:` (Stripe, Mailgun, Harvest… take the API key as the user, with no password). */
const CURL_TOKEN_USER = new RegExp(String.raw`(?<![^ \t\n])(?:-u|--user)(?:[ \t]+|=)["']?(?<secret>[^\s:"'\x60]{12,128}):["']?(?=[\s\\]|$)`, 'g');

/**
 * A header and its value: `Authorization: Bearer …` in a request or a curl line, and as code sets it:
 * `{"Authorization": "Bearer …"}` (Python, JS), `Header.Set("Authorization", "Bearer …")` (Go), `=>` (PHP, Ruby).
 */
const HEADER = /(?<![A-Za-z0-9-])(?<key>(?:Proxy-)?Authorization|X-Api-Key|Api-Key|X-Auth-Token|Private-Token|X-Access-Token|Access-Token)["']?[ \t]*(?::|,|=>?)[ \t]*["']?(?:(?<scheme>Bearer|Token|Basic|Bot|Key|ApiKey|Api-Token|SSWS|GenieKey|Splunk)[ \t]+)?(?<secret>[A-Za-z0-9._~+/=-]{16,512})(?![A-Za-z0-9._~+/=$-])/gi;

/** Constructors and calls that take a user and a password as string arguments, in that order. */
const CREDENTIAL_CALLS = String.raw`(?<![A-Za-z0-9_])(?:NetworkCredential|PasswordAuthentication|UsernamePasswordCredentials?|UsernamePasswordAuthenticationToken|HTTPBasicAuth|HTTPDigestAuth|HttpBasicAuth|BasicAuth|DirectoryEntry|PSCredential|auth[ \t]*=[ \t]*)|\.login`;
const STRING_ARG = (name: string, max: number): string => String.raw`["'](?<${name}>[^"'\r\n]{1,${max}})["']`;
/**
 * `new NetworkCredential("user", "password")`, `DirectoryEntry("LDAP://…", "user", "password")`,
 * `smtp.login("user", "password")`, `auth=("user", "password")`; arguments may sit on lines of
 * their own. Only literals: a variable is no credential.
 */
const POSITIONAL = new RegExp(String.raw`(?:(?:${CREDENTIAL_CALLS})[ \t]*\([ \t]*(?:["'][^"'\r\n]{0,200}["'][ \t]*,\s{0,40})?${STRING_ARG('key', 128)}[ \t]*,\s{0,40}|(?<![A-Za-z0-9_-])ConvertTo-SecureString[ \t]+(?:-String[ \t]+)?)${STRING_ARG('secret', 128)}`, 'gi');

/** The password of a positional match: `ConvertTo-SecureString "…"` (no user) only with `-AsPlainText`. */
function isPositionalPassword(password: string, context: MatchContext): boolean {
  const user = context.groups['key'];
  if (user === undefined) {
    const after = (context.text ?? '').slice((context.index ?? 0) + (context.match ?? '').length, (context.index ?? 0) + (context.match ?? '').length + 20);
    if (!/^[ \t]+-AsPlainText/i.test(after)) return false;
  }
  return (isCommandLinePassword(password, user ?? '') || isAppPassword(password)) && !/^(?:ldaps?|https?):\/\//i.test(password);
}
/** Groovy's command syntax in Gradle builds and Jenkinsfiles: `password 'x'` inside `credentials { … }`. */
const GROOVY_PASSWORD = /^[ \t]*(?:password|passwd)[ \t]+["'](?<secret>[^"'\\$\r\n]{6,128})["'](?=[ \t]*(?:$|\/\/|#|;|\}))/gm;

/**
 * Android's `buildConfigField "String", "API_KEY", "\"…\""` (Groovy, with or without parentheses) and
 * `buildConfigField("String", "API_KEY", "\"…\"")` (Kotlin DSL): the value is Java source, a quoted
 * string inside the Gradle string. The field name is the key.
 */
const BUILD_CONFIG_FIELD = /buildConfigField[ \t]*\(?[ \t]*["']String["'][ \t]*,[ \t]*["'](?<key>[A-Za-z0-9_]{1,80})["'][ \t]*,[ \t]*(?:'"|"\\")(?<secret>[^"'\\\s]{8,256})(?:"'|\\"")/g;

/** A value named by a key the pattern captured, judged as the generic rule judges `key: value`. */
function judgedAsKeyValue(value: string, context: MatchContext): boolean {
  return isGenericCredential(value, { path: context.path, groups: { key: context.groups['key'] } });
}

/** .NET `appSettings`/NuGet `<add key="SmtpPassword" value="…"/>`: the key is an attribute, not an element or a YAML key. */
const ADD_KEY_VALUE = /<add[ \t]+key[ \t]*=[ \t]*"(?<key>[A-Za-z0-9_.:-]{1,80})"[ \t]+value[ \t]*=[ \t]*"(?<secret>[^"\r\n]{4,256})"/gi;

export const placementDetectors: readonly Detector[] = [
  {
    id: 'secret-dotnet-config-value',
    provider: '.NET',
    kind: 'credential in an appSettings or NuGet config entry',
    keywords: ['<add'],
    pattern: ADD_KEY_VALUE,
    // the key is the attribute's
    validate: judgedAsKeyValue,
    priority: PRIORITY.generic + 0.5,
    severity: 'high',
    window: { before: 0, after: 0 },
    docs: {
      summary: 'A password, token or key in a .NET configuration entry (`<add key="SmtpPassword" value="…"/>` in Web.config, App.config or NuGet.config) that no provider rule claims',
      impact: 'The value logs in wherever the application or the package feed connects: a mail server, a database, an API, a private NuGet feed.',
      revoke: 'Rotate the credential, and move it out of the config file: user secrets or environment variables in development, a key vault or protected configuration in production.',
      references: ['https://learn.microsoft.com/aspnet/identity/overview/features-api/best-practices-for-deploying-passwords-and-other-sensitive-data-to-aspnet-and-azure', 'https://cwe.mitre.org/data/definitions/798.html'],
    },
    get samples() {
      const sample = new SampleRandom('dotnet-config-value');
      return {
        file: 'Web.config',
        positives: [`<add key="SmtpPassword" value="${sample.chars(CLASS.alnum.chars, 14)}#4"/>`, `    <add key="PaymentsApiKey" value="${sample.chars(CLASS.alnum.chars, 32)}" />`],
        negatives: ['<add key="SmtpPassword" value="" />', '<add key="SmtpServer" value="smtp.acme.test"/>', '<add key="ApiKey" value="#{ApiKey}#" />', '<add key="PasswordLength" value="12345678" />', '<add key="Password" value="password" />'],
      };
    },
  },
  {
    id: 'secret-positional-credential',
    provider: 'Generic',
    kind: 'user and password passed to a credential constructor or login call',
    keywords: ['networkcredential', 'passwordauthentication', 'usernamepassword', 'basicauth', 'digestauth', 'directoryentry', 'pscredential', '.login', 'auth=(', 'auth = (', 'convertto-securestring'],
    pattern: POSITIONAL,
    validate: isPositionalPassword,
    priority: PRIORITY.generic + 0.5,
    severity: 'high',
    window: { before: 0, after: 300 },
    docs: {
      summary: 'A user and password written as string arguments of a credential constructor or login call (`new NetworkCredential("user", "password")`, `smtp.login(…)`, `auth=(…)`, `ConvertTo-SecureString "…" -AsPlainText`)',
      impact: 'The password logs in as the user wherever the code connects: a mail server, a directory, a web service.',
      revoke: 'Change the password, and have the code read it from configuration kept outside the repository (a secret manager, the environment, a credential store).',
      references: ['https://cwe.mitre.org/data/definitions/798.html', 'https://learn.microsoft.com/dotnet/api/system.net.networkcredential.-ctor'],
    },
    get samples() {
      const sample = new SampleRandom('positional-credential');
      return {
        file: 'src/Mailer.cs',
        positives: [
          `client.Credentials = new NetworkCredential("mailer@acme.test", "${sample.chars(CLASS.alnum.chars, 18)}");`,
          `smtp.Credentials = new NetworkCredential("alerts@acme.test", "${appPasswordSample(sample)}");`,
          `entry = DirectoryEntry("LDAP://dc1.acme.test", "ACME\\svc-ldap",\n    "Tq7${sample.chars(CLASS.alnum.chars, 12)}!") # expect: secret-positional-credential`,
          `server.login("alerts@acme.test", "${sample.chars(CLASS.alnum.chars, 16)}")`,
          `$secure = ConvertTo-SecureString "${sample.chars(CLASS.alnum.chars, 14)}#2" -AsPlainText -Force`,
        ],
        negatives: [
          'new NetworkCredential(user, password)', 'new NetworkCredential("mailer@acme.test", config["SmtpPassword"])',
          'server.login("user", "password")', 'requests.get(url, auth=("admin", "admin"))', 'new NetworkCredential("deploy", "<password>")',
          '$secure = ConvertTo-SecureString $env:PASSWORD -AsPlainText -Force', 'new PasswordAuthentication(user, pass.toCharArray())',
        ],
      };
    },
  },
  {
    id: 'secret-groovy-password',
    provider: 'Generic',
    kind: 'password in a Gradle build or Jenkinsfile (Groovy `password \'…\'`)',
    keywords: ['password', 'passwd'],
    pattern: GROOVY_PASSWORD,
    validate: (password) => isCommandLinePassword(password, ''),
    priority: PRIORITY.generic + 0.5,
    severity: 'high',
    paths: /(?:\.gradle|\.groovy|\.gvy|(?:^|\/)Jenkinsfile[^/]*)$/,
    window: { before: 0, after: 0 },
    docs: {
      summary: 'A password written in Groovy\'s command syntax (`password \'…\'`) in a Gradle build script or a Jenkinsfile, such as a Maven repository\'s `credentials { }` block',
      impact: 'The password publishes to or reads from the repository manager (or whatever the block logs in to) as the build\'s user.',
      revoke: 'Change the password, and read it from Gradle properties kept outside the repository (`~/.gradle/gradle.properties`, `ORG_GRADLE_PROJECT_…` variables) or Jenkins credentials.',
      references: ['https://docs.gradle.org/current/userguide/declaring_repositories.html#sec:handling_credentials', 'https://cwe.mitre.org/data/definitions/798.html'],
    },
    get samples() {
      const sample = new SampleRandom('groovy-password');
      return {
        file: 'build.gradle',
        positives: [`        password '${sample.chars(CLASS.alnum.chars, 16)}'`, `    password "${sample.chars(CLASS.alnum.chars, 12)}#7"`],
        negatives: ["        password 'password'", '        password "$nexusPassword"', "        password project.findProperty('nexusPassword')", '        password System.getenv("NEXUS_PASSWORD")', "        password 'changeme'"],
      };
    },
  },
  {
    id: 'secret-gradle-build-config-field',
    provider: 'Gradle',
    kind: 'credential in an Android buildConfigField',
    keywords: ['buildconfigfield'],
    pattern: BUILD_CONFIG_FIELD,
    // the key is the field name
    validate: judgedAsKeyValue,
    priority: PRIORITY.generic + 0.5,
    severity: 'high',
    window: { before: 0, after: 0 },
    docs: {
      summary: 'A key, token or password compiled into an Android app as a `buildConfigField` in a Gradle build script',
      impact: 'The value is in the repository and in every APK built from it (BuildConfig is readable with any decompiler): whoever has either calls the API as the app.',
      revoke: 'Rotate the key, read it at build time from `local.properties` or an environment variable kept out of the repository, and restrict what the key can do (app signature, API scope).',
      references: ['https://developer.android.com/build/gradle-tips#share-custom-fields-and-resource-values-with-your-app-code', 'https://cwe.mitre.org/data/definitions/798.html'],
    },
    get samples() {
      const sample = new SampleRandom('gradle-build-config-field');
      return {
        file: 'app/build.gradle',
        positives: [
          `        buildConfigField "String", "MAPS_API_KEY", "\\"${sample.chars('0123456789abcdef', 32)}\\""`,
          `        buildConfigField 'String', 'API_TOKEN', '"${sample.chars(CLASS.alnum.chars, 28)}"'`,
          `        buildConfigField("String", "PAYMENTS_SECRET", "\\"${sample.chars(CLASS.base64url.chars, 40)}\\"")`,
        ],
        negatives: [
          '        buildConfigField "String", "API_KEY", "\\"${apiKey}\\""', '        buildConfigField "String", "API_KEY", properties.getProperty("API_KEY")',
          '        buildConfigField "String", "BASE_URL", "\\"https://api.acme.test/v1/\\""', '        buildConfigField "String", "API_KEY", "\\"YOUR_API_KEY_HERE\\""',
          '        buildConfigField "boolean", "USE_TOKEN", "true"', '        buildConfigField "String", "TOKEN_HEADER", "\\"X-Auth-Token-Value\\""',
        ],
      };
    },
  },
  {
    id: 'secret-http-authorization-header',
    provider: 'HTTP',
    kind: 'credential in an Authorization or API-key header',
    keywords: ['authorization', 'api-key', 'x-auth-token', 'private-token', 'access-token'],
    pattern: HEADER,
    validate: (value, context) => {
      if (/^basic$/i.test(context.groups['scheme'] ?? '')) return !isDocumentedExample(value) && isBasicCredential(value);
      // a stand-in, also one written in base64 (`dGVzdC1hcGkta2V5Cg==` is `test-api-key`)
      if (standInKind(value) !== undefined || isDocumentedExample(value)) return false;
      // a JWT is judged as one: with `alg: none` or no signature it is readable JSON anyone can write
      if (opensAsJwt(value)) return isSignedJwt(value);
      // in a header a UUID or 32+ hex digits is a token, not an id or a digest
      if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|^[0-9a-f]{32,}$/i.test(value)) return shannonEntropy(value) >= 3;
      return isRandomSecretValue(value, 16);
    },
    // above the generic rule (which reads `X-Api-Key: …` as an assignment too): the header names it better
    priority: PRIORITY.generic + 0.5,
    severity: 'high',
    window: { before: 0, after: 0 },
    docs: {
      summary: 'A credential in an HTTP Authorization or API-key header (curl -H lines, scripts, docs) that no provider rule claims',
      impact: 'A bearer token or API key in a header line is the credential itself: whoever reads the script or the page replays the request as its owner.',
      revoke: 'Revoke the token at its issuer, and pass it to curl from the environment (`-H "Authorization: Bearer $TOKEN"`) or a netrc/config file outside the repository.',
      references: ['https://datatracker.ietf.org/doc/html/rfc6750#section-2.1', 'https://curl.se/docs/manpage.html#-H'],
    },
    get samples() {
      return samplesOnce(this, () => ({
      file: 'scripts/release.sh',
      positives: [
        `curl -sS -H 'Authorization: Bearer ${random.chars(CLASS.alnum.chars, 32)}' https://api.internal.test/v1/releases`,
        `curl -H "X-Api-Key: ${random.chars(CLASS.base64url.chars, 40)}" https://metrics.internal.test/api/v2/series`,
        `curl --header "Authorization: Basic ${Buffer.from(`deploy:${random.chars(CLASS.alnum.chars, 16)}7q`).toString('base64')}" https://registry.internal.test/v2/`,
        `requests.get(url, headers={"Authorization": "Bearer ${random.chars(CLASS.alnum.chars, 32)}"})`,
        `req.Header.Set("Authorization", "token ${random.chars(CLASS.hex.chars, 40)}")`,
      ],
      negatives: [
        'curl -H "Authorization: Bearer $GITHUB_TOKEN" https://api.github.com/user',
        'curl -H "Authorization: Bearer ${API_TOKEN}" https://api.internal.test',
        'curl -H "Authorization: Bearer <your-token>" https://api.internal.test',
        `curl -H "Authorization: Basic ${Buffer.from('user:password').toString('base64')}" https://registry.internal.test/v2/`,
        'curl -H "Authorization: Bearer YOUR_ACCESS_TOKEN_HERE" https://api.internal.test',
        'authorizationEndpoint: https://login.internal.test/oauth2/authorize',
        '  api-key: dGVzdC1hcGkta2V5Cg== # test-api-key',
        `Invoke-RestMethod -Uri $url -Headers @{ 'X-API-KEY' = '${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"test-user"}').toString('base64url')}.' }`,
        'headers = {"Authorization": "Bearer " + token}', 'fetch(url, { headers: { Authorization: `Bearer ${token}` } })', 'req.Header.Set("Authorization", "Bearer "+os.Getenv("TOKEN"))',
      ],
    }));
    },
  },
  {
    id: 'secret-command-line-password',
    provider: 'Generic',
    kind: 'password given on a command line',
    keywords: ['--pass', '-pass', '--pwd', '-pwd', 'psexec', 'sshpass', 'docker login', 'podman login', 'nerdctl login', 'buildah login', 'skopeo login', 'oras login', 'registry login'],
    pattern: PASSWORD_FLAG,
    validate: (password, context) => !isPasswordPrompt(context.match ?? '', context.text ?? '', context.index ?? 0) && isCommandLinePassword(password, ''),
    priority: PRIORITY.generic + 0.5,
    severity: 'high',
    window: { before: 0, after: 0 },
    docs: {
      summary: 'A password passed as a command-line flag (`--password X`, PowerShell `-Password X`, `psexec … -p X`) in a script, a pipeline or docs',
      impact: 'The password logs in as whoever the command runs as; command lines also end up in shell history, process listings and CI logs.',
      revoke: 'Change the password, and pass it from the environment, a file or a prompt (`--password-stdin`, `-Credential (Get-Credential)`).',
      references: ['https://cwe.mitre.org/data/definitions/214.html', 'https://cwe.mitre.org/data/definitions/798.html'],
    },
    get samples() {
      const sample = new SampleRandom('command-line-password');
      return {
        file: 'scripts/deploy.sh',
        positives: [
          `./cli login --user deploy --password ${sample.chars(CLASS.alnum.chars, 14)}q7`,
          `Connect-VIServer -Server vc.internal.test -User svc-backup -Password "Vx${sample.chars(CLASS.alnum.chars, 10)}!"`,
          `psexec \\\\10.0.4.12 -u Administrator -p ${sample.chars(CLASS.alnum.chars, 12)} cmd /c ipconfig`,
          `docker login -u ci-deploy -p ${sample.chars(CLASS.alnum.chars, 20)} registry.internal.test`,
        ],
        negatives: [
          'docker login --username ci --password-stdin < token.txt', './cli login --password $DEPLOY_PASSWORD', 'cli --password "$(cat /run/secrets/pw)"',
          'Connect-VIServer -Server vc -User $user -Password $password', 'usage: cli --password PASSWORD', 'mkdir -p /var/lib/app', 'cli --password changeme', 'docker login -u admin -p Harbor12345 $IP:5000',
          'psexec \\\\host -u admin -p %PASSWORD% cmd', '      --password strings                  password. Comma-separated passwords allowed.', 'cli --password=<password>', 'cli --password ${{ secrets.PW }}',
          'mysql --host=db.internal.test:3306 --user=admin --password mysql_prod', 'psql -h db.internal.test -U app --password appdb_production',
          'docker login -u "$CI_REGISTRY_USER" -p "$CI_REGISTRY_PASSWORD" "$CI_REGISTRY"', 'docker login -u ci -p $(cat token.txt) registry.internal.test', 'docker run -p 8080:80 nginx',
          'kyverno create test -p policy.yaml -r resource.yaml --pass policy-name,rule-name,resource-name,resource-kind',
        ],
      };
    },
  },
  {
    id: 'secret-curl-user-password',
    provider: 'HTTP',
    kind: 'curl user and password (-u user:password)',
    keywords: ['-u', '--user'],
    pattern: CURL_USER,
    validate: (password, context) => /\bcurl\b/.test(commandBefore(context.text ?? '', context.index ?? 0)) && isCommandLinePassword(password, context.groups['key'] ?? ''),
    priority: PRIORITY.generic + 0.5,
    severity: 'high',
    window: { before: 0, after: 0 },
    docs: {
      summary: 'A user and password given to curl (`-u user:password`, `--user user:password`) in a script, a pipeline or docs',
      impact: 'The credentials log in to the service as the user (HTTP Basic); the command line also ends up in shell history and CI logs.',
      revoke: 'Change the password, and let curl read it from a netrc file (`--netrc-file`) or the environment outside the repository.',
      references: ['https://curl.se/docs/manpage.html#-u', 'https://cwe.mitre.org/data/definitions/798.html'],
    },
    get samples() {
      const sample = new SampleRandom('curl-user-password');
      return {
        file: 'scripts/publish.sh',
        positives: [
          `curl -fsS -u deploy:${sample.chars(CLASS.alnum.chars, 16)} https://nexus.internal.test/repository/raw/app.tgz`,
          `curl -X POST https://api.internal.test/oauth2/token \\\n  --user "svc-${sample.chars(CLASS.lowerAlnum.chars, 6)}:${sample.chars(CLASS.base64url.chars, 32)}" -d grant_type=client_credentials # expect: secret-curl-user-password`,
        ],
        negatives: [
          'curl -u "$USER:$PASSWORD" https://nexus.internal.test', 'curl -u admin:admin http://localhost:8080', 'curl --user user:password https://host',
          'curl -u ${NEXUS_USER}:${NEXUS_PASS} https://nexus', 'ssh -u deploy:notcurl host', 'curl -u elastic:<password> https://es:9200',
          'curl -u :password https://host',
        ],
      };
    },
  },
  {
    id: 'secret-curl-user-token',
    provider: 'HTTP',
    kind: 'API key given to curl as the user (-u TOKEN:)',
    keywords: ['-u', '--user'],
    pattern: CURL_TOKEN_USER,
    validate: (token, context) => /\bcurl\b/.test(commandBefore(context.text ?? '', context.index ?? 0)) && !isPlaceholder(token) && standInKind(token) === undefined && isRandomSecretValue(token, 12),
    priority: PRIORITY.generic + 0.5,
    severity: 'high',
    window: { before: 0, after: 0 },
    docs: {
      summary: 'An API key given to curl as the user name with an empty password (`curl -u sk_live_…:`, the form Stripe, Mailgun and others document) that no provider rule claims',
      impact: 'The key authenticates as the account it belongs to (HTTP Basic with the key as the user); the command line also ends up in shell history and CI logs.',
      revoke: 'Roll the key at its issuer, and let curl read it from a netrc file or the environment (`-u "$API_KEY:"`).',
      references: ['https://curl.se/docs/manpage.html#-u', 'https://cwe.mitre.org/data/definitions/798.html'],
    },
    get samples() {
      const sample = new SampleRandom('curl-user-token');
      return {
        file: 'scripts/charge.sh',
        positives: [
          `curl https://api.payments.test/v1/charges -u ${sample.chars(CLASS.alnum.chars, 24)}: -d amount=2000`,
          `curl -s --user "${sample.chars(CLASS.base64url.chars, 32)}:" https://api.internal.test/v2/me`,
        ],
        negatives: ['curl -u "$API_KEY:" https://api.payments.test/v1/charges', 'curl -u ${STRIPE_KEY}: https://api.stripe.com', 'curl -u your_api_key_here: https://api.test', 'curl -u username: https://host', 'ssh -u Xk9vQ2mLp7RtY4wZ8bHc: host'],
      };
    },
  },
];
