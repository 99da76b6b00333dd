import { decodeUriOrKeep } from '../../decode-uri.js';
import { PRIORITY, samplesOnce, type Detector, type MatchContext } from '../detector.js';
import { SampleRandom } from '../random.js';
import { CLASS } from '../token-shape.js';
import { isConnectionPassword } from './connection-password.js';

/**
 * A URL with a password in it, written encoded: percent-encoded once or twice
 * (`https%3A%2F%2Fuser%3Apass%40host`, a redirect or callback parameter; `%3A`/`%40` in place of
 * the `:`/`@` of the userinfo alone), or escaped in a JSON string (`https:\/\/user:pass@host`,
 * `\u0040`). A client decodes it to `scheme://user:password@host` all the same;
 * `secret-connection-string` reads the plain spelling.
 */
const COLON = String.raw`(?::|%3[aA]|%253[aA]|\\u003[aA])`;
const SLASHES = String.raw`(?:\/\/|%2[fF]%2[fF]|%252[fF]%252[fF]|\\\/\\\/|\\u002[fF]\\u002[fF])`;
const AT = String.raw`(?:@|%40|%2540|\\u0040)`;
/** user name characters: no separator, encoded or not (a `%` only when no separator's escape follows) */
const USER = String.raw`(?:[A-Za-z0-9._~!$&()*+,;=-]|%(?!3[aA]|40|253[aA]|2540)[0-9A-Fa-f][0-9A-Fa-f]){1,128}`;
const PASSWORD = String.raw`(?:[^\s:@/"'<>{}[\]%\\]|%(?!40|2540)[0-9A-Fa-f][0-9A-Fa-f]){1,256}`;
const ENCODED_URL = new RegExp(String.raw`(?<![A-Za-z0-9+.-])[a-zA-Z][a-zA-Z0-9+.-]{1,30}(?<colon>${COLON})(?<slashes>${SLASHES})(?<key>${USER})(?<separator>${COLON})(?<secret>${PASSWORD})(?<at>${AT})(?<host>[A-Za-z0-9._-]{1,253})`, 'g');

/** `\/`, `\u0040`, then percent escapes (twice over for a URL encoded twice). */
function decoded(text: string): string {
  const unescaped = text.replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))).replace(/\\\//g, '/');
  return decodeUriOrKeep(decodeUriOrKeep(unescaped));
}

function isEncodedUrlPassword(password: string, context: MatchContext): boolean {
  const { colon, slashes, separator, at } = context.groups;
  // written plainly, it is secret-connection-string's
  if (colon === ':' && slashes === '//' && separator === ':' && at === '@') return false;
  return isConnectionPassword(decoded(password), decoded(context.groups['key'] ?? ''), context.groups['host'] ?? '');
}

const random = new SampleRandom('secret-connection-string-encoded');

export const encodedUrlDetectors: readonly Detector[] = [
  {
    id: 'secret-connection-string-encoded',
    provider: 'Connection',
    kind: 'string',
    keywords: ['://', '%3a%2f%2f', '%253a%252f%252f', ':\\/\\/', '\\u003a\\u002f', '%3a//'],
    // a URL written plainly throughout is secret-connection-string's: every other spelling has an escape
    requires: ['%', '\\'],
    pattern: ENCODED_URL,
    validate: isEncodedUrlPassword,
    priority: PRIORITY.structural,
    severity: 'high',
    window: { before: 60, after: 900 },
    docs: {
      summary: 'A URL with an embedded password written percent-encoded or JSON-escaped (https%3A%2F%2Fuser%3Apassword%40host…)',
      impact: 'An encoded URL is decoded by whatever reads it (a redirect, a callback parameter, a JSON client) into a plain scheme://user:password@host: the password gives the service it points at to whoever reads the repository.',
      revoke: 'Change the password on the server, then pass it separately: a Secret key referenced with `secretKeyRef`, or the client\'s credential helper.',
      references: ['https://cwe.mitre.org/data/definitions/798.html', 'https://www.rfc-editor.org/rfc/rfc3986#section-2.1'],
    },
    get samples() {
      return samplesOnce(this, () => ({
        file: 'app.yaml',
        positives: [
          `redirect: https%3A%2F%2Fdeploy%3A${random.chars(CLASS.alnum.chars, 18)}%40git.corp.io%2Frepo.git`,
          `remote: https://deploy%3A${random.chars(CLASS.alnum.chars, 16)}%40git.corp.io/repo.git`,
          `config.json: '{"url": "https:\\/\\/deploy:${random.chars(CLASS.alnum.chars, 16)}@git.corp.io\\/repo.git"}'`,
          `config.json: '{"url": "https://deploy\\u003a${random.chars(CLASS.alnum.chars, 16)}\\u0040git.corp.io/repo.git"}'`,
          `next: HTTPS%253a%252f%252fdeploy%253a${random.chars(CLASS.alnum.chars, 16)}%2540git.corp.io`,
        ],
        negatives: [
          'redirect: https%3A%2F%2Fgit.corp.io%2Frepo.git', 'callback: https%3A%2F%2Fuser%3Apassword%40localhost',
          'url: https%3A%2F%2Fuser%3A%24%7BPASSWORD%7D%40git.corp.io', 'json: "https:\\/\\/git.corp.io\\/repo"',
          'remote: https://user%3A<password>%40example.com/repo', 'url: postgres://app:plain0Secret9Word@db.internal:5432/x',
        ],
      }));
    },
  },
];
