/** The generic rule's key gating: which keys name a credential, and the pattern's cheap look-ahead and start finder for them. */

/**
 * Symmetric keys an application holds (`SESSION_KEY`, `HMAC_KEY`, `JWT_KEY`, `AES_KEY`, Laravel's
 * `APP_KEY`): secrets under a name that says key, not secret.
 */
const SYMMETRIC_KEY = String.raw`(?:session|hmac|jwt|aes|cipher|crypt|cookie|webhook)[_.-]?key|(?:^|[_.-])app[_.-]?key$|^appkey$`;
/**
 * Other `…_KEY` names that say what the key is for, as a word of the key: a Firebase `SERVER_KEY`,
 * a Supabase `SERVICE_KEY`, `ADMIN_KEY`, `SIGN_KEY` (not `observerKey` or `designKey`).
 */
const PURPOSE_KEY = String.raw`(?:^|[_.-])(?:server|service|admin|sign)[_.-]?key(?:$|[_.-])`;
export const PURPOSE_KEY_WORDS = ['server', 'service', 'admin', 'sign'];
/** App keys their vendors publish on purpose: a Pusher or Ably app key goes into the browser (its secret is the credential). */
const PUBLIC_APP_KEY = /pusher|ably/i;
/**
 * An HTML data attribute naming an app's or a site's key (`data-app-key` of Dropbox's Chooser and
 * Saver script tag, `data-client-key` of payment widgets): the page hands it to every visitor's browser.
 */
const PUBLIC_DATA_ATTRIBUTE = /^data-(?:[a-z]+-)*(?:app|client|site|public|publishable)-?key$/i;
const CREDENTIAL_WORD = new RegExp(String.raw`licen[cs]e[_.-]?key|passw(?:or)?d|(?:^|[_.-])(?:pw?d|pass)$|secret|token|api[_.-]?key|access[_.-]?key|private[_.-]?key|auth[_.-]?key|credential|signing[_.-]?key|encryption[_.-]?key|master[_.-]?key|${SYMMETRIC_KEY}|${PURPOSE_KEY}`, 'i');
/**
 * A look-ahead at the start of the generic pattern's key: a credential word somewhere in it, as a
 * superset of CREDENTIAL_WORD (anchors dropped, case spelt out, as the pattern has no `i` flag).
 * Keys without one fail validation anyway; ruling them out inside the regex saves building and
 * rejecting a match for nearly every `key: value` line near a keyword.
 */
export const CREDENTIAL_KEY_AHEAD = `(?=[A-Za-z0-9_.-]{0,79}?(?:${anchorlessCaseless(CREDENTIAL_WORD.source)}))`;

/**
 * Text every credential word of CREDENTIAL_WORD holds (lower case): `…key`, `pass…`, `p(w)d`,
 * `secret`, `token`, `credential`. A test checks each word the pattern's look-ahead can match.
 */
const CREDENTIAL_WORD_PARTS = ['key', 'pass', 'pd', 'pwd', 'secret', 'token', 'credential'];
/** characters of a key (the pattern's `key` group) */
const KEY_CHAR = new Uint8Array(128);
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-') KEY_CHAR[char.charCodeAt(0)] = 1;
const isKeyChar = (text: string, at: number): boolean => KEY_CHAR[text.charCodeAt(at)] === 1;

/**
 * Where the generic pattern can match: its look-behinds put a match at the start of a run of key
 * characters (or one past it, after an escaped `\n`, `\t`, `\r`), and its look-ahead puts a
 * credential word in that run. So each run holding a part of a credential word gives one or two
 * starts; found by `indexOf`, where the pattern itself would try its long look-ahead at every run.
 */
export function credentialKeyStarts(text: string): number[] {
  const lower = text.toLowerCase();
  // a letter that lowercases to two (`İ`) moves the offsets: then every offset is a start
  if (lower.length !== text.length) return Array.from({ length: text.length + 1 }, (_, at) => at);
  const parts: number[] = [];
  for (const part of CREDENTIAL_WORD_PARTS) {
    for (let at = lower.indexOf(part); at !== -1; at = lower.indexOf(part, at + 1)) parts.push(at);
  }
  if (parts.length === 0) return parts;
  parts.sort((a, b) => a - b);
  const starts: number[] = [];
  let runEnd = -1;
  for (const at of parts) {
    if (at < runEnd) continue;
    let start = at;
    while (start > 0 && isKeyChar(text, start - 1)) start -= 1;
    runEnd = at;
    while (runEnd < text.length && isKeyChar(text, runEnd)) runEnd += 1;
    starts.push(start);
    if (start > 0 && text.charCodeAt(start - 1) === BACKSLASH) starts.push(start + 1);
  }
  return starts;
}

const BACKSLASH = 0x5c;

/** A regex source matching everything `source` matches with the `i` flag, and more: letters of both cases, no `^`/`$` anchors. */
function anchorlessCaseless(source: string): string {
  let out = '';
  let inClass = false;
  for (let index = 0; index < source.length; index += 1) {
    const char = source[index]!;
    if (char === '\\') {
      out += source.slice(index, index + 2);
      index += 1;
    } else if (inClass) {
      if (char === ']') inClass = false;
      out += /[a-z]/i.test(char) ? char.toLowerCase() + char.toUpperCase() : char;
    } else if (char === '[') {
      inClass = true;
      out += char;
    } else if (char === '^' || char === '$') {
      // an anchor only narrows a match: without it the look-ahead matches more
    } else {
      out += /[a-z]/i.test(char) ? `[${char.toLowerCase()}${char.toUpperCase()}]` : char;
    }
  }
  return out;
}
/** Names that hold a reference to a secret, a setting about it, or a non-secret part of it. */
const NOT_A_VALUE = /(?:file|path|dir|url|uri|endpoint|name|names|ref|id|type|length|size|policy|enabled|required|format|header|prefix|field|env|ttl|expiry|expires|timeout|arn|version|mode|count|location|provider|store|selector|template|source|key_?ref|secret_?key_?ref|keys?_?name|username|user|hash|digest|checksum|fingerprint|thumbprint|sha\d*|md5|template|suffix|method|strategy|usage|rotation|annotation|type|kind|class|audience|issuer|scope|scopes)$|^existing|hashed|secretref|keyref|secretname|fromsecret|_from$|from_|valuefrom|csrf|xsrf|commit|revision/i;
/** Tokens that page, order or de-duplicate requests, not credentials: AWS `NextToken`, `ClientRequestToken`, CloudControl `RequestToken`, `pageToken`, `continuationToken`. */
const PAGING_TOKEN_KEY = /(?:next|page|continuation|pagination|sync|change|idempotency|request)[_.-]?token$/i;
/**
 * A .NET strong name's `PublicKeyToken` (`Version=3.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35`
 * in Web.config and .csproj files): 8 bytes of the hash of a public key, printed in every assembly name.
 */
const PUBLIC_KEY_TOKEN_KEY = /^public[_.-]?key[_.-]?token$/i;
/**
 * Settings about a credential: `enableApiKey`, `use_token`, `IS_SECRET`, `hasPassword` — a verb then a
 * separator or a camel-case hump; `USERSTACK_API_KEY` and `ENABLEX_API_KEY` only begin with the letters.
 */
const SETTING_KEY = /^(?:enable|disable|use|is|has|create|manage|allow|skip|require|rotate)[ds]?[_.-]/i;
const CAMEL_SETTING_KEY = /^(?:enable|disable|use|is|has|create|manage|allow|skip|require|rotate)[ds]?[A-Z]/;
export const UUID_KEY = /api[_.-]?key|apikey|token|secret|access[_.-]?key/i;

/** A key that names a credential (`dbPassword`, `API_TOKEN`) rather than a reference to one or a setting about it. */
export function isCredentialKey(key: string): boolean {
  return CREDENTIAL_WORD.test(key) && !(PUBLIC_APP_KEY.test(key) && !/secret|token|passw/i.test(key)) && !NOT_A_VALUE.test(key) && !SETTING_KEY.test(key) && !CAMEL_SETTING_KEY.test(key) && !PAGING_TOKEN_KEY.test(key) && !PUBLIC_KEY_TOKEN_KEY.test(key) && !PUBLIC_DATA_ATTRIBUTE.test(key);
}

export const HEX40_KEY = /token|api[_.-]?key|access[_.-]?key|client[_.-]?secret|.[_.-]secret$|licen[cs]e[_.-]?key/i;
export const PASSWORD_KEY = /passw|pwd|passphrase|(?:^|[_.-])pass$/i;
