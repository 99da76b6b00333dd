import { describe, expect, it } from 'vitest';
import { pemBlock, sampleOpenSshKey, sampleRsaDer } from './pem.js';
import { SampleRandom } from './random.js';
import { findSecrets } from './scan-text.js';

const random = new SampleRandom('placements-test');
const rsa = pemBlock('RSA PRIVATE KEY', sampleRsaDer(random));
const lines = rsa.split('\n');
/** Java/JS: one quoted string a line, joined with `+` */
const concatenated = `String key = ${lines.map((line) => `"${line}\\n"`).join(' +\n    ')};\n`;
/** JSON: `\r\n` escapes */
const escaped = `{"private_key": "${lines.join('\\r\\n')}"}\n`;
/** Python: implicit concatenation of adjacent literals */
const adjacent = `KEY = (\n${lines.map((line) => `    "${line}\\n"`).join('\n')}\n)\n`;
/** an OpenSSH key under a PEM label */
const relabelled = sampleOpenSshKey(random).replace(/OPENSSH PRIVATE KEY/g, 'RSA PRIVATE KEY');

/**
 * Where credentials are written, beyond `key: value`: the placements real repositories use, each
 * with a look-alike that is not a credential. Values are generated for this test.
 */
const FOUND: ReadonlyArray<readonly [name: string, file: string, text: string, secret: string]> = [
  ['an env line pasted into Python', 'app.py', '# kept for reference\nDEPLOY_API_KEY=4ic5ltrtfI5xi2fOIB6CSVRjVBtlJrJC\n', '4ic5ltrtfI5xi2fOIB6CSVRjVBtlJrJC'],
  ['an id.secret token under a key', 'config.yaml', 'TRACKER_API_KEY: 5d1c9e02.7a4f0b8e2c61d93f5e0a7b48c2d16e9f3a\n', '5d1c9e02.7a4f0b8e2c61d93f5e0a7b48c2d16e9f3a'],
  ['a token of dotted random parts', '.env', 'FORMS_API_KEY=Qx7vN2kLp9RtY4wZ8bHc3JmF6dSa1GeU.Tn5Kq8Wz2Lx7Rv4Pb9Hy3Mc6\n', 'Qx7vN2kLp9RtY4wZ8bHc3JmF6dSa1GeU.Tn5Kq8Wz2Lx7Rv4Pb9Hy3Mc6'],
  ['a dotted token pasted into Python', 'app.py', 'FORMS_API_KEY=Qx7vN2kLp9RtY4wZ8bHc3JmF6dSa1GeU.Tn5Kq8Wz2Lx7Rv4Pb9Hy3Mc6\n', 'Qx7vN2kLp9RtY4wZ8bHc3JmF6dSa1GeU.Tn5Kq8Wz2Lx7Rv4Pb9Hy3Mc6'],
  ['32 hex digits under an API key (hex carries 4 bits a digit at most)', '.env', 'CART_API_KEY=a3f690413fc9295ad92af09f3f38e6f9\n', 'a3f690413fc9295ad92af09f3f38e6f9'],
  ['a random value that spells a filler word by chance', '.env', 'FLOW_API_KEY=ezemzhopsj2lbwf28llptbdk2gy82fl5\n', 'ezemzhopsj2lbwf28llptbdk2gy82fl5'],
  ['a PEM key joined from quoted lines (Java)', 'KeyTest.java', concatenated, ''],
  ['a PEM key with \\r\\n escapes (JSON)', 'sa.json', escaped, ''],
  ['a PEM key of adjacent literals (Python)', 'keys.py', adjacent, ''],
  ['an OpenSSH key under an RSA label', 'id_rsa', relabelled, ''],
  ['a base64-encoded PEM key', '.env', `SIGNING_KEY_B64=${Buffer.from(rsa).toString('base64')}\n`, ''],
  ['a typed password in PHPMailer settings', 'mail.php', "$mail->Username = 'alerts@acme.test';\n$mail->Password = 'Vrendo#Kastel9';\n", 'Vrendo#Kastel9'],
  ['a typed password in a WordPress define()', 'wp-config.php', "define('DB_PASSWORD', 'Hollin$Marbe7');\n", 'Hollin$Marbe7'],
  ['a typed password in .NET appSettings', 'Web.config', '<add key="SmtpPassword" value="Qorvane!82x"/>\n', 'Qorvane!82x'],
  ['a user and password given to NetworkCredential', 'Mailer.cs', 'smtp.Credentials = new NetworkCredential("alerts@acme.test", "Zr8vQm2LpX4tNw7Ks");\n', 'Zr8vQm2LpX4tNw7Ks'],
  ['DirectoryEntry arguments on lines of their own', 'Ldap.cs', 'new DirectoryEntry("LDAP://dc1.acme.test",\n    "svc-ldap@acme.test",\n    "Kv7#Tr2mWq9");\n', 'Kv7#Tr2mWq9'],
  ['PowerShell ConvertTo-SecureString with a literal', 'deploy.ps1', '$pw = ConvertTo-SecureString "Wq8!Rt5mZx2v" -AsPlainText -Force\n', 'Wq8!Rt5mZx2v'],
  ['Python requests auth tuple', 'client.py', 'requests.get(url, auth=("svc-report", "Mh4tVq9Lz2Rw8Xn"))\n', 'Mh4tVq9Lz2Rw8Xn'],
  ['smtplib login', 'notify.py', 'server.login("alerts@acme.test", "Jp3xWn8Qv5Tz")\n', 'Jp3xWn8Qv5Tz'],
  ['a Gradle credentials block', 'build.gradle', "credentials {\n    username 'deploy'\n    password 'Tn4vXq8Rz2Lm'\n}\n", 'Tn4vXq8Rz2Lm'],
  ['a key that only begins with a setting verb (USERSTACK, ENABLEX)', '.env', 'USERSTACK_API_KEY=3kpxk0945wz6e8wwphalezdeila4t5s9\n', '3kpxk0945wz6e8wwphalezdeila4t5s9'],
  ['a UUID-laid key of letters and digits', '.env', 'TRACKING_API_KEY=8jn4wq39-2677-okqs-qyms-spqxzk0rp8s5\n', '8jn4wq39-2677-okqs-qyms-spqxzk0rp8s5'],
  ['a key in dash-separated groups of capitals and digits', '.env', 'SOCIAL_API_KEY=RHEP5NAL-G9JVWY8Z-7DSSLDXE-WLV51NM8\n', 'RHEP5NAL-G9JVWY8Z-7DSSLDXE-WLV51NM8'],
  ['a long dotted token pasted into Python', 'app.py', `WORKSPACE_API_KEY=tkn.v1_${'u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8dKLzdocJ2isAjIhKtJ0RlgLKOmxgJTe'}=\n`, `tkn.v1_${'u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8dKLzdocJ2isAjIhKtJ0RlgLKOmxgJTe'}=`],
  ['curl -u on a continuation line', 'notes.md', 'curl -X POST https://api.acme.test/oauth2/token \\\n-u svc-export:Wd8qLm3vRt7zXn2K\n', 'Wd8qLm3vRt7zXn2K'],
  ['curl --user with the password quoted', 'notes.md', "curl --user svc-export:'Wd8qLm3vRt7zXn2K' -X PATCH https://api.acme.test\n", 'Wd8qLm3vRt7zXn2K'],
  ['curl --user with an @ in the password', 'notes.md', 'curl -s --user "svc.export:Wd8q@Lm3vRt7z#Xn2K" https://api.acme.test/me\n', 'Wd8q@Lm3vRt7z#Xn2K'],
  ['an Api-Token authorization scheme', 'call.sh', 'curl -H "Authorization: Api-Token 9c1e7b3f0a5d2e8c4b6a1f9d3e7c5b2a8f4d6e1c" https://monitor.acme.test/api/v2\n', '9c1e7b3f0a5d2e8c4b6a1f9d3e7c5b2a8f4d6e1c'],
  ['words joined by a symbol under a password key', 'mail.php', "$mail->Password = 'tarn!quelborrow';\n", 'tarn!quelborrow'],
  ['an env line pasted into Go', 'main.go', 'package main\n\nSERVICE_TOKEN=7Rk2qVw9ZxLmPb4TnYc8JdHs3Fg\n', '7Rk2qVw9ZxLmPb4TnYc8JdHs3Fg'],
  ['an env line of mixed-case letters pasted into Python', 'app.py', '# kept for reference\nRENDER_API_KEY=qWbTrkZmXpLeYvNcHsUdAgRfJo\n', 'qWbTrkZmXpLeYvNcHsUdAgRfJo'],
  ['a short env line pasted into Python', 'app.py', 'MAILCHECK_API_KEY=Rt7kWq2xLm9Zv\n', 'Rt7kWq2xLm9Zv'],
  ['a curl line pasted into Python', 'notes.py', '# kept for reference\ncurl https://api.acme.test/v1/devices -d access_token=5c8e1f0a7b3d9e2c4f6a8b1d3e5f7a9c0b2d4e6f\n', '5c8e1f0a7b3d9e2c4f6a8b1d3e5f7a9c0b2d4e6f'],
  ['a curl continuation line pasted into Python', 'notes.py', 'curl https://api.acme.test/v1/devices \\\n  -d access_token=5c8e1f0a7b3d9e2c4f6a8b1d3e5f7a9c0b2d4e6f\n', '5c8e1f0a7b3d9e2c4f6a8b1d3e5f7a9c0b2d4e6f'],
  ['a URL with a token pasted into Python', 'notes.py', 'https://search.acme.test/api?token=Vd8kQw2ZrT5mXn9LpYb4Hc7J\n', 'Vd8kQw2ZrT5mXn9LpYb4Hc7J'],
  ['an Android buildConfigField (Groovy)', 'app/build.gradle', '        buildConfigField "String", "MAPS_API_KEY", "\\"7d0e4b9a2c6f1e8d3b5a0c7f9e2d4b6a\\""\n', '7d0e4b9a2c6f1e8d3b5a0c7f9e2d4b6a'],
  ['an Android buildConfigField (Kotlin)', 'app/build.gradle.kts', '    buildConfigField("String", "API_TOKEN", "\\"Kq9vXt3LmZ7wRb2NpYd5Hc8F\\"")\n', 'Kq9vXt3LmZ7wRb2NpYd5Hc8F'],
  ['a compose environment list pasted into Python', 'notes.py', 'environment:\n  - CI_USER=builder\n  - CI_ACCESS_KEY=Wq7vT2kLx9RmZ4pNb8Hc\n', 'Wq7vT2kLx9RmZ4pNb8Hc'],
  ['a Makefile default', 'Makefile', 'DEPLOY_TOKEN ?= 9Xk2Lq7WvT4mZr8NbYc3Hd6P\n', '9Xk2Lq7WvT4mZr8NbYc3Hd6P'],
];

const QUIET: ReadonlyArray<readonly [name: string, file: string, text: string]> = [
  ['an identifier assigned in Python', 'app.py', 'token = api_token_v2\npassword = hash_password(user)\n'],
  ['a member assigned in JavaScript', 'app.js', 'apiKey = keyStore.k8sTokenV2;\n'],
  ['a dotted constant assigned in Go', 'client_test.go', '\tclient.IDTokenEncryptedResponseAlg = oidc.EncryptionAlgA192GCMKW\n'],
  ['a constant of a package in Go', 'config.go', 'secretToken = oidc.EncryptionAlgA192GCMKW\n'],
  ['a file name under a secret key', 'externalsecret.yaml', '  - secretKey: home-assistant-7c48d-e078848c9fb0.json\n'],
  ['a member chain', 'values.yaml', 'token: settings.githubTokenV2.value\n'],
  ['a base64-encoded certificate', 'values.yaml', `ca.crt: ${Buffer.from('-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2F0Y2hNZUlmWW91Q2FuMB4XDTI0MDEwMTAwMDAwMFo=\n-----END CERTIFICATE-----\n').toString('base64')}\n`],
  ['a joined PEM key whose body is cut short', 'KeyTest.java', `String key = "${lines[0]}\\n" +\n    "${lines[1]}\\n" +\n    "${lines.at(-1)}";\n`],
  ['a password read from the request', 'views.py', "passwd = request.POST['pass']\n"],
  ['a password from the environment (in a JSON report line)', 'report.json', '"line": "password: process.env.DB_PASSWORD,\\n",\n'],
  ['a word with digits under a password key', 'values.yaml', 'rootPassword: minio123\n'],
  ['filler spelt as a password', 'values.yaml', 'password: "P@ssw0rd!"\n'],
  ['NetworkCredential with variables', 'Mailer.cs', 'new NetworkCredential(user, password);\nnew NetworkCredential("alerts", settings["SmtpPassword"]);\n'],
  ['ConvertTo-SecureString of a variable', 'deploy.ps1', '$pw = ConvertTo-SecureString $env:DEPLOY_PASSWORD -AsPlainText -Force\n'],
  ['a Gradle password from a property', 'build.gradle', "credentials {\n    password project.findProperty('nexusPassword')\n    password \"$nexusPassword\"\n}\n"],
  ['a setting about a key', 'values.yaml', 'useApiKey: Xk9vQ2mLp7RtY4wZ8bHc3JmF6d\nenable_token: Xk9vQ2mLp7RtY4wZ8bHc3JmF6d\n'],
  ['a hash of a secret', 'report.json', '"hashed_secret": "0f7a3c9be84d2a6c4e7d9c32bf1e7f8812ab34cd",\n'],
  ['ENV_NAMES in dashes', 'values.yaml', 'api_key: ACME-PROD-API-KEYS\n'],
  ['an e-mail address under a password key', 'mail.php', "$mail->Password = 'alerts@acme.test';\n"],
  ['a Go variable', 'main.go', 'secret := randomBytes32\n'],
  ['a random-looking name inside a call', 'app.py', 'call(token=4ic5ltrtfI5xi2fOIB6CSVRjVBtlJrJC, retries=3)\n'],
  ['a negated name in Python', 'calc.py', 'x = 1\n- API_TOKEN_OFFSET\n'],
  ['a camel-case name assigned in Python', 'app.py', 'API_TOKEN=getTokenFromVaultOrEnv\nSECRET_KEY=SecretKeyLoaderFactory\n'],
  ['a curl variable in Python', 'fetch.py', 'curl = pycurl.Curl()\ncurl.setopt(pycurl.USERPWD, token)\n'],
  ['a token read from the environment in a pasted curl line', 'notes.py', 'curl -H "Authorization: Bearer $TOKEN" https://api.acme.test -d access_token=$ACCESS_TOKEN\n'],
  ['a buildConfigField read from a property', 'app/build.gradle', '        buildConfigField "String", "API_KEY", "\\"${apiKey}\\""\n        buildConfigField "String", "BASE_URL", "\\"https://api.acme.test/\\""\n'],
];

describe('credentials in placements beyond key: value', () => {
  it.each(FOUND)('finds %s', (_name, file, text, secret) => {
    const found = findSecrets(text, file);
    // keys: found as one key block (the secret is the block, not one value)
    if (secret === '') expect(found.map((match) => match.detector.id)).toEqual([expect.stringMatching(/private-key$/)]);
    else expect(found.map((match) => match.secret)).toContain(secret);
  });

  it.each(QUIET)('stays quiet on %s', (_name, file, text) => {
    expect(findSecrets(text, file).map((match) => `${match.detector.id}: ${match.secret}`)).toEqual([]);
  });
});
