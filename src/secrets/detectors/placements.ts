import { PRIORITY, type Detector } from '../detector.js';
import { shannonEntropy } from '../entropy.js';
import { isDocumentedExample, isPlaceholder } from '../placeholders.js';
import { SampleRandom } from '../random.js';
import { CLASS } from '../token-shape.js';
import { isRandomSecretValue } from './generic.js';

/** Credentials written where no key names them: HTTP headers in curl lines, scripts and docs. */
const random = new SampleRandom('placements');

/** `user:password` behind Basic, with a password that is not a stand-in. */
function isBasicCredential(encoded: string): boolean {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || /[\u0000-\u001f\ufffd]/.test(decoded)) return false;
  const password = decoded.slice(colon + 1);
  return password.length >= 6 && !isPlaceholder(password) && isRandomSecretValue(password, 6);
}

const HEADER = /(?<![A-Za-z0-9-])(?<key>(?:Proxy-)?Authorization|X-Api-Key|Api-Key|X-Auth-Token|Private-Token|X-Access-Token|Access-Token)["']?[ \t]*:[ \t]*(?:(?<scheme>Bearer|Token|Basic|Bot|Key|ApiKey)[ \t]+)?(?<secret>[A-Za-z0-9._~+/=-]{16,512})(?![A-Za-z0-9._~+/=$-])/gi;

export const placementDetectors: readonly Detector[] = [
  {
    id: 'secret-http-authorization-header',
    provider: 'HTTP',
    kind: 'credential in an Authorization or API-key header',
    keywords: ['authorization', 'api-key', 'x-auth-token', 'private-token', 'access-token'],
    pattern: HEADER,
    validate: (value, context) => {
      if (isPlaceholder(value) || isDocumentedExample(value)) return false;
      if (/^basic$/i.test(context.groups['scheme'] ?? '')) return isBasicCredential(value);
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
    samples: {
      file: 'scripts/release.sh',
      positives: [
        `curl -sS -H 'Authorization: Bearer ${random.chars(CLASS.alnum.chars, 32)}' https://api.internal.test/v1/releases`,
        `curl -H "X-Api-Key: ${random.chars(CLASS.base64url.chars, 40)}" https://metrics.internal.test/api/v2/series`,
        `curl --header "Authorization: Basic ${Buffer.from(`deploy:${random.chars(CLASS.alnum.chars, 16)}7q`).toString('base64')}" https://registry.internal.test/v2/`,
      ],
      negatives: [
        'curl -H "Authorization: Bearer $GITHUB_TOKEN" https://api.github.com/user',
        'curl -H "Authorization: Bearer ${API_TOKEN}" https://api.internal.test',
        'curl -H "Authorization: Bearer <your-token>" https://api.internal.test',
        `curl -H "Authorization: Basic ${Buffer.from('user:password').toString('base64')}" https://registry.internal.test/v2/`,
        'curl -H "Authorization: Bearer YOUR_ACCESS_TOKEN_HERE" https://api.internal.test',
        'authorizationEndpoint: https://login.internal.test/oauth2/authorize',
      ],
    },
  },
];
