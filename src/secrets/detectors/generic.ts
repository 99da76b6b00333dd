import { ASSIGN, DOCKERFILE_ENV_SPACE, looksRandom } from '../assignment.js';
import { characterClasses, shannonEntropy } from '../entropy.js';
import { decodedPrintable, isWordlike, standInKind } from '../clear-values.js';
import { insideText, textRangesOf } from '../code-literals.js';
import { PRIORITY, samplesOnce, type Detector, type MatchContext } from '../detector.js';
import { isDocumentedExample, isPlaceholder } from '../placeholders.js';
import { SampleRandom } from '../random.js';
import { CLASS } from '../token-shape.js';
import { isSignedJwt } from './structured.js';
import { isPresignedUrlCredential } from '../presigned-url.js';
import { PRESIGNED_URL_SAMPLES } from './cloud.js';
import { isConnectionPassword, TRIVIAL_PASSWORDS } from './connection-password.js';

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
const PURPOSE_KEY_WORDS = ['server', 'service', 'admin', 'sign'];
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
const CREDENTIAL_KEY_AHEAD = `(?=[A-Za-z0-9_.-]{0,79}?(?:${anchorlessCaseless(CREDENTIAL_WORD.source)}))`;

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
/**
 * Settings about a credential: `enableApiKey`, `use_token`, `IS_SECRET`, `hasPassword` — a verb then a
 * separator or a camel-case hump; `USERSTACK_API_KEY` and `ENABLEX_API_KEY` only begin with the letters.
 */
/** Tokens that page, order or de-duplicate requests, not credentials: AWS `NextToken`, `ClientRequestToken`, CloudControl `RequestToken`, `pageToken`, `continuationToken`. */
const PAGING_TOKEN_KEY = /(?:next|page|continuation|pagination|sync|change|idempotency|request)[_.-]?token$/i;
/**
 * A .NET strong name's `PublicKeyToken` (`Version=3.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35`
 * in Web.config and .csproj files): 8 bytes of the hash of a public key, printed in every assembly name.
 */
const PUBLIC_KEY_TOKEN_KEY = /^public[_.-]?key[_.-]?token$/i;
const SETTING_KEY = /^(?:enable|disable|use|is|has|create|manage|allow|skip|require|rotate)[ds]?[_.-]/i;
const CAMEL_SETTING_KEY = /^(?:enable|disable|use|is|has|create|manage|allow|skip|require|rotate)[ds]?[A-Z]/;
/**
 * Keys their vendors publish in web pages and apps on purpose: PostHog project keys (`phc_`), Stripe
 * publishable keys (`pk_live_`/`pk_test_`) and Mapbox public tokens (`pk.eyJ…`) only send events or
 * read public data. Their secret counterparts (`phx_`, `sk_`/`rk_`, `sk.eyJ`) have detectors.
 */
const PUBLIC_CLIENT_KEY = /^(?:phc_[A-Za-z0-9]{30,}|pk_(?:live|test)_[A-Za-z0-9]{20,}|pk\.eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,})$/;
/**
 * Algolia DocSearch's search-only key in a documentation site's config: every visitor's browser
 * sends it, and DocSearch's docs say to commit it. Only 32 hex digits directly inside such a block:
 * `algolia: { appId, apiKey, indexName }` (Docusaurus, VitePress), `docsearch({ apiKey, indexName })`,
 * or an object that also names the index and the page element the search box binds to
 * (`inputSelector`, `container`: DocSearch's own options, as in a Gatsby site's `algolia.json`).
 */
const DOCSEARCH_BLOCK = /(?:algolia|docsearch)["']?[ \t]*(?::|=|\()[ \t]*\{[^{}]*$/i;
const DOCSEARCH_OPTIONS = /["']?indexName["']?[ \t]*:/;
const DOCSEARCH_ELEMENT = /["']?(?:inputSelector|container)["']?[ \t]*:/;

function isDocSearchKey(key: string, value: string, context: MatchContext): boolean {
  if (!/^["']?api_?key["']?$/i.test(key) || !/^[0-9a-f]{32}$/.test(value) || context.text === undefined || context.index === undefined) return false;
  const before = context.text.slice(Math.max(0, context.index - 600), context.index);
  if (DOCSEARCH_BLOCK.test(before)) return true;
  // the object around the key: back to its `{`, on to its `}`, neither crossing another brace
  const open = before.lastIndexOf('{');
  if (open === -1 || before.indexOf('}', open) !== -1) return false;
  const after = context.text.slice(context.index, context.index + 600);
  const close = after.indexOf('}');
  if (close === -1 || after.lastIndexOf('{', close) !== -1) return false;
  const object = before.slice(open) + after.slice(0, close);
  return DOCSEARCH_OPTIONS.test(object) && DOCSEARCH_ELEMENT.test(object);
}
/** A JSON Web Token: base64url JSON header and payload (`eyJ…`), then a signature or nothing (its last dot may be read as prose's full stop). */
const JWT_SHAPE = /^eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/**
 * Commit ids and algorithm-prefixed digests. A bare 64- or 128-hex value under a credential key is
 * not excluded: `openssl rand -hex 32` secrets look like that (and digests sit under keys such as
 * `checksum/secret` or `sha256`, which are never read as credential keys).
 */
const DIGEST = /^[0-9a-f]{40}$|^(?:sha|md5|blake)[0-9a-z]*[:-]/i;
/**
 * Values that are names or expressions, not secrets: paths (absolute, or lower-case relative ones
 * such as `bin/cli.js`: random base64 has upper case), URLs, anchors, variables, calls, host
 * names, `var.x` / `data.y.z` references, snake, kebab or colon-separated words, versions,
 * ENV_NAMES, type annotations (`Secret[]`, `Token?`), regex character classes (`[A-Z0-9]{20}`) and
 * keys (`apiVersion:`, where a string holding YAML starts), flow collections (`{adminPasswordKey: …}`).
 */
const NOT_SECRET_SHAPES = /^(?:\/|\.\/|~\/|[a-z]+:\/\/|\*|&|!|\?|\$|%|@)|\(|^[a-z0-9]+(?:\.[a-z0-9-]+)*\.[a-z-]*[a-z][a-z-]*$|^[a-z0-9]+(?:\.[a-z0-9-]+)+$(?<!\.[a-z0-9-]{24,})|^v?\d+(?:\.\d+)+|^[a-z0-9_.-]+(?:\/[a-z0-9_.-]+)+$|^[A-Za-z_][A-Za-z0-9_]*(?:<[^>]*>)?(?:\[\]|\?)+$|^\^?\[[^\]]*\][{*+?]|^[A-Za-z_][A-Za-z0-9_.-]*:$|^[{[]|^[a-z]+(?:[/:._-]+[a-z]+)+\/?$/;
/**
 * `var.x`, `data.y.z`, `settings.API_TOKEN`: a reference, unless one of its parts is random (a JWT,
 * `<id>.<secret>` tokens: `5d1c9e02.7a4f0b…`, `oaaXyz….v1.eyJ…`).
 */
const DOTTED_NAME = /^[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)+/;
/** Index subscripts of a member chain: `data.aws_ssm_parameter.api_key[0].value`, `local.tokens["ci"]` are expressions too. */
const SUBSCRIPTS = /(?<=[A-Za-z0-9_\]])\[(?:\d+|"[^"\]]*"|'[^'\]]*'|[A-Za-z_][A-Za-z0-9_.]*)\]/g;
/**
 * GitHub's GraphQL node ids (`LA_kwDOCsUTCM75TTQL` a label, `PVT_kwDOBc…` a project): a type prefix and
 * a base64 MessagePack array; ids, not credentials, even under a key such as a label named `Secret`.
 */
const GITHUB_NODE_ID = /^[A-Z]{1,8}_(?:kg|kw|lA|lQ)[A-D][A-Za-z0-9_-]{5,}$/;

const FILE_NAME = /\.(?:json|ya?ml|txt|pem|key|crt|cer|p12|pfx|jks|env|conf|cfg|ini|xml|toml|properties|js|ts|py|go|sh)$/i;

function isRandomPart(part: string): boolean {
  return part.length >= 16 && !NAME_SHAPES.test(part) && /[0-9]/.test(part) && /[A-Za-z]/.test(part) && !isWordlike(part) && looksRandom(part, 16);
}

/**
 * Names: kebab-case (`my-app-tls`), snake or colon-separated words (`pass:with:colons`), ENV_NAMES,
 * names ending in an ENV-style credential word (`radarr_4k_RADARR_API_KEY`, an ExternalSecret's secretKey).
 * A value of that shape with a random part is a key written so (`pri_0998…`, `Y6D1FIS3XZXI…`,
 * `rtcbsxiee3d5au8ik14g-8iqrsu8thl1pku8`), not a name.
 */
const NAME_SHAPES = /^[a-z0-9]+(?:-[a-z0-9]+)+$|^[a-z][a-z0-9]*(?:[_:-][a-z0-9]+)+$|^[A-Z][A-Z0-9_-]+$|^[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*_(?:API_?KEY|TOKEN|PASSWORD|PASSWD|SECRET(?:_KEY)?|ACCESS_KEY|PRIVATE_KEY|KEY|PASS|PWD|CREDENTIALS?)$/;
/**
 * Words in any case joined by dashes: a resource named in camelCase parts (`jackett-vpnConfig`, a
 * Secret's name under `configFileSecret`), an HTTP header's name (`X-ScannerAdapter-API-Key`). Each
 * part is an acronym or humps of a capital and two or more lower-case letters, no digits: random
 * letters change case more often than that.
 */
const WORD_PART = String.raw`(?:[A-Z]{1,5}|(?:[a-z]{2,}|[A-Z][a-z]{2,})(?:[A-Z][a-z]{2,}|[A-Z]{2,5}(?![a-z]))*)`;
const DASHED_WORDS = new RegExp(String.raw`^${WORD_PART}(?:-${WORD_PART})+$`);
/** A UUID: under an API-key, token or secret key it is the key (Heroku, Snyk, Postmark…). */
const UUID_LAYOUT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A UUID's layout in letters and digits beyond hex (`8jn4wq39-2677-okqs-…`): keys some providers issue so. */
const UUID_LAYOUT_ALNUM = /^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$/;
/** Keys issued in dash-separated groups of capitals and digits (`RHEP5NAL-G9JVWY8Z-…`), unlike ENV_NAMES. */
const KEY_GROUPS = /^[A-Z0-9]{4,8}(?:-[A-Z0-9]{4,8}){2,7}$/;
const UUID_KEY = /api[_.-]?key|apikey|token|secret|access[_.-]?key/i;

/**
 * A quoted value holding a character a bare value ends at (a quote of the other kind, a backtick,
 * `,`, `;`, `<`, `\`): generated secrets full of punctuation (`"7\x60D'}/vY…;W\\5]…"`) are taken
 * whole, up to the closing quote; the look-ahead keeps every other value to the bare form.
 */
const QUOTED_PUNCTUATED = String.raw`(?<=(?<!\\)")(?=[^"\s]{0,255}[\x60',;<\\])[^"\s]{15,255}[^"\s\\](?=")|(?<=(?<!\\)')(?=[^'\s]{0,255}[\x60",;<\\])[^'\s]{15,255}[^'\s\\](?=')`;

const random = new SampleRandom('generic');

/** A key that names a credential (`dbPassword`, `API_TOKEN`) rather than a reference to one or a setting about it. */
export function isCredentialKey(key: string): boolean {
  return CREDENTIAL_WORD.test(key) && !(PUBLIC_APP_KEY.test(key) && !/secret|token|passw/i.test(key)) && !NOT_A_VALUE.test(key) && !SETTING_KEY.test(key) && !CAMEL_SETTING_KEY.test(key) && !PAGING_TOKEN_KEY.test(key) && !PUBLIC_KEY_TOKEN_KEY.test(key) && !PUBLIC_DATA_ATTRIBUTE.test(key);
}

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
  // a JWT is judged as one: with `alg: none` or no signature it is readable JSON anyone can forge
  if (JWT_SHAPE.test(assigned)) return isSignedJwt(assigned);
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

/**
 * Text a base64 (or base32) value decodes to, judged as the secret: random, not words. Words in
 * capitals count as words (`SOMETHING_ELSE!`), as `iloveyou` and `strong-password` do.
 */
export function isRandomDecodedText(decoded: string): boolean {
  return !/\s/.test(decoded) && !isWordlike(decoded) && !isWordlike(decoded.toLowerCase()) && isRandomSecretValue(decoded, 8);
}

/** A token of a format with a CRC32 of its random part (GitHub `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_`, npm `npm_`): any such value is its detector's to judge. */
const CRC_CHECKED_TOKEN = /^(?:gh[pousr]|npm)_[A-Za-z0-9]{36}$/;

/** `NAME=value` as a value: an ENV_NAME or snake_case name (random text holds no `=` but base64's padding at its end). */
const NESTED_WORD = /^([A-Za-z][A-Za-z0-9]*)=(?!=)/;
const NESTED_ASSIGNMENT = /^([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{3,}[0-9]*|[a-z][a-z0-9]*(?:_[a-z0-9]+)+)=(?!=)(.+)$/;

/**
 * `some_U002D_key`: a character a name may not hold, written `_UXXXX_` (External Secrets' and
 * other tools' escaping of `-`, `.`, `/` in keys): the name it spells is judged.
 */
function withNameEscapesDecoded(value: string | undefined): string | undefined {
  return value?.replace(/_U([0-9A-F]{4})_/g, (_, code: string) => String.fromCharCode(Number.parseInt(code, 16)));
}

/** A package and its version range (`"npm:^1.5.0"`, `workspace:*`), as yarn.lock lists a dependency named `generate-password`. */
const PACKAGE_SPEC = /^(?:npm:(?:@[a-z0-9._-]+\/)?(?:[a-z0-9._-]+@)?|workspace:|patch:|portal:|link:|file:)?[\^~<>=*]*[ \t]*\d+(?:\.[\dx*]+){0,2}(?:-[0-9A-Za-z.-]+)?$|^workspace:[\^~*]?$/;

/**
 * Cloudflare Web Analytics' site token in its beacon (`data-cf-beacon='{"token": "…"}'`): every
 * page view sends it, as it is written into every page; it can only count visits.
 */
function isWebAnalyticsBeacon(context: MatchContext): boolean {
  const { text, index } = context;
  if (text === undefined || index === undefined) return false;
  return /data-cf-beacon|cloudflareinsights\.com\/beacon/i.test(text.slice(Math.max(0, index - 400), index));
}

/** `X-Amz-Security-Token=…` in a presigned URL's query: see isPresignedUrlCredential. */
function isPresignedUrlValue(value: string, context: MatchContext): boolean {
  const { text, index, match } = context;
  if (text === undefined || index === undefined || match === undefined) return false;
  return isPresignedUrlCredential({ text, index: index + match.length - value.length });
}

/**
 * The first word of a quoted phrase: a translation catalogue's message (`"CONFIRM_PWD": "Passwörter
 * sind nicht identisch."`, `"CLI_PASSWORD_TIP": "使用docker cli访问Harbor时…"`). The value starts at
 * the opening quote and the string goes on, past whitespace, with two more words or text beyond
 * ASCII before it closes on the same line: a sentence, which no generator writes.
 */
function isQuotedPhrase(value: string, context: MatchContext): boolean {
  const { text, index, match } = context;
  if (text === undefined || index === undefined || match === undefined || !match.endsWith(value)) return false;
  const quote = match[match.length - value.length - 1];
  if (quote !== '"' && quote !== "'") return false;
  const end = index + match.length;
  const close = text.indexOf(quote, end);
  if (close === -1 || close - end > 1000 || !/^[ \t]/.test(text.slice(end, end + 1))) return false;
  const rest = text.slice(end, close);
  if (rest.includes('\n')) return false;
  return (rest.match(/\p{L}{2,}/gu)?.length ?? 0) >= 2 || ((value + rest).match(/[^\x00-\x7f]/g)?.length ?? 0) >= 3;
}

/**
 * A shell expansion spliced into a single-quoted string (`echo '{"signingKey": "'$base_dir/key'"}'`,
 * `'"$TOKEN"'`): the quote closes the shell string, the value is the variable's.
 */
const SHELL_SPLICE = /^'"?\$[{(A-Za-z_]/;

/**
 * Sealed Secrets ciphertext (a SealedSecret's `encryptedData` value, also where it is commented out
 * or copied into values): base64 of a big-endian length of the RSA-sealed session key (0x0200 for
 * the controller's 4096-bit key, 0x0100 for 2048) and the AES-GCM data, hundreds of characters.
 */
const SEALED_CIPHERTEXT = /^(?:Ag|AQ)[A-D][A-Za-z0-9+/]{500,}={0,2}$/;

/**
 * Renovate's encrypted secrets (`"encrypted": {"password": "wcFMA…"}` in renovate.json5, a host
 * rule's `encrypted` block): ciphertext for the Mend app's private key, which Renovate's docs say to
 * commit. Only a value directly inside an object under an `encrypted` key.
 */
const ENCRYPTED_BLOCK = /["']?encrypted["']?[ \t]*:[ \t]*\{[^{}]*$/;

function isInEncryptedBlock(context: MatchContext): boolean {
  const { text, index } = context;
  if (text === undefined || index === undefined) return false;
  return ENCRYPTED_BLOCK.test(text.slice(Math.max(0, index - 600), index));
}

/** `\u003e` as JSON (Terraform state), YAML and most languages escape `>`, `<` and `&` in a string: the character it stands for. */
function withUnicodeEscapesDecoded(value: string | undefined): string | undefined {
  if (value === undefined || !value.includes('\\')) return value;
  // `\xNN` and `\0` too; control characters are then dropped: `"openssh-key-v1\x00"` (a format's
  // magic, NUL-terminated) is judged as the name it spells, random bytes stay random
  return value.replace(/\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})/g, (_, unicode: string | undefined, byte: string | undefined) => String.fromCharCode(Number.parseInt((unicode ?? byte)!, 16)))
    .replace(/\\0(?![0-7])/g, '').replace(/[\u0000-\u001f\u007f]/g, '');
}

/**
 * The literal value the match assigns, or undefined when the text around it shows that it is no
 * assignment of a literal: a shell parameter expansion (`${SECRET_REGION:?message}`), a
 * `name:version` pair (`credentials-binding:720.v3f…`), `$<secret>:key`, or, in source code, an
 * identifier, call, member access or regex rather than a string literal.
 */
function assignedValue(key: string, value: string, context: MatchContext): string | undefined {
  const { text, index, match } = context;
  if (text === undefined || index === undefined || match === undefined) return value;
  if (isLocalServerQuery(text, index) || isMeetingLinkQuery(text, index) || EXAMPLE_LEAD.test(text.slice(lineStartOf(text, index, 200), index))) return undefined;
  const separator = match.slice(key.length, match.length - value.length);
  // `==`: a comparison; `"Incorrect password": "…"`: the key is the end of a quoted phrase (a translation)
  if (separator.endsWith('=') && value.startsWith('=')) return undefined;
  if (/^["']/.test(separator) && text[index - 1] !== separator[0]) return undefined;
  // `<password>…</password>`, not Argo CD's `$<secret>:key`
  if (separator === '>') return text[index - 1] === '<' && text[index - 2] !== '$' && text.startsWith('</', index + match.length) ? value : undefined;
  if (text.startsWith('${', index - 2)) return expansionDefault(separator, value);
  // a quoted key and value side by side are a pair only as the last arguments of a call
  // (`setdefault("API_TOKEN", "…")`), not inside a list of words (`["get-token", "--cluster-name", …]`)
  if (/^["'][ \t]*,[ \t]*["']$/.test(separator) && (value.startsWith('-') || !/^["'][ \t]*(?:\)|;|\r?\n|$)/.test(text.slice(index + match.length, index + match.length + 8)))) return undefined;
  if (separator === ':' && !PROPERTIES.test(context.path)) return undefined;
  const ranges = textRangesOf(text, context.path);
  const start = index + match.length - value.length;
  if (ranges && !insideText(ranges, start, start + value.length) && !isPastedAssignment(text, key, index, start + value.length, value) && !isInPastedCommand(text, index, value)) return undefined;
  // an HTML entity (`…?newPassword=attacker&quot;`) or the next query parameter (`password=test&submit=Go`)
  // ends the value, and so does closing punctuation of prose (`…?password=b953d8fb-…).`)
  return value.replace(/&(?:amp|quot|lt|gt|apos|#\d+);?.*$|&[A-Za-z0-9_.[\]-]*=.*$/, '').replace(/[)\]}.]+$/, '');
}

/**
 * In source code, an unquoted value is an expression, except on a line that is nothing but
 * `KEY=value` or `- KEY=value` (an env file or a compose environment list pasted into a script, or a snippet in a `.py` of notes) with a value no
 * expression is written as: random letters and digits mixed, not a word, call, member or number.
 */
function isPastedAssignment(text: string, key: string, keyAt: number, valueEnd: number, value: string): boolean {
  const lineStart = lineStartOf(text, keyAt, 256);
  // `- KEY=value`: a compose `environment:` list item pasted as it is
  if (!/^[ \t]*(?:export[ \t]+|-[ \t]+)?$/.test(text.slice(lineStart, keyAt))) return false;
  // the rest of the line: what the value's 256 characters left of it, then nothing but `;`
  if (!/^[^\s"'\x60,;<\\]{0,4000}[ \t]*;?[ \t]*\r?(?:\n|$)/.test(text.slice(valueEnd, valueEnd + 4100))) return false;
  // `a.b.c`: a member, unless a part is long and random (`eyJ….eyJ….…`, `tkn.v1_…`)
  if (MEMBER_CHAIN.test(value) && !value.split('.').some((part) => part.length >= 30 && isRandomPart(part))) return false;
  return PLAIN_TOKEN.test(value) && !key.includes('.') && ((/[0-9]/.test(value) && /[A-Za-z]/.test(value) && looksRandom(value, 12)) || isMixedCaseRandom(value.replace(/[_-]/g, '')) || (!PASSWORD_KEY.test(key) && isShortRandomKey(value)));
}

const PLAIN_TOKEN = /^[A-Za-z0-9_+/=.:%?!@~-]+$/;
/** A shell command or a URL written on a line of its own: `curl … -d access_token=…`, `https://…?token=…` */
const COMMAND_LINE = /^[ \t]*(?:[$>][ \t]+)?(?:(?:curl|wget)[ \t]+(?:-|https?:|["'])|https?:\/\/)/;

/**
 * In source code, a line that starts as a shell command or a URL (pasted from docs into a `.py` of
 * notes, or a command continued with a backslash from such a line) is no code: no language starts a
 * statement so, and its `token=…` is a value.
 */
function isInPastedCommand(text: string, keyAt: number, value: string): boolean {
  if (!PLAIN_TOKEN.test(value)) return false;
  let lineStart = lineStartOf(text, keyAt, 1024);
  for (let back = 0; back < 5 && lineStart > 0 && /\\[ \t]*\r?\n$/.test(text.slice(Math.max(0, lineStart - 4), lineStart)); back += 1) lineStart = lineStartOf(text, lineStart - 1);
  return COMMAND_LINE.test(text.slice(lineStart, lineStart + 16));
}

/**
 * `http://127.0.0.1:8888/lab?token=…`: the query of a URL on loopback or on a container's own host
 * name (Docker's 12 hex digits), as Jupyter and other local servers print it at start-up and docs
 * paste it. The token opens a server on the reader's own machine, for as long as it runs.
 */
const LOCAL_SERVER_URL = /https?:\/\/(?:localhost|127(?:\.\d{1,3}){3}|0\.0\.0\.0|\[::1\]|[0-9a-f]{12})(?::\d{1,5})?(?:\/[^\s?#]*)?\?(?:[^\s#]*&)?$/;

/** Prose that introduces an example on the key's own line: `// Put inserts a secret (e.g. {"password": "Hashi123"})`. */
const EXAMPLE_LEAD = /(?:\be\.g\.|\bfor (?:example|instance)\b|\bsuch as\b)[^\n]*$/i;

/**
 * `https://zoom.us/j/98901510164?pwd=…`, LFX's `…/meeting/98901510164?password=…`: the passcode of a
 * meeting's join link, published with it (community meetings in READMEs) so that anyone can join;
 * it opens that one meeting, not an account.
 */
const MEETING_LINK = /https?:\/\/(?:[a-z0-9-]+\.)*(?:zoom\.us|zoomgov\.com)\/(?:j|w|s|wc\/join)\/\d{9,11}\?(?:[^\s#]*&)?$|https?:\/\/zoom-lfx\.platform\.linuxfoundation\.org\/meeting\/\d{9,11}\?(?:[^\s#]*&)?$/;

function isMeetingLinkQuery(text: string, keyAt: number): boolean {
  return (text[keyAt - 1] === '?' || text[keyAt - 1] === '&') && MEETING_LINK.test(text.slice(lineStartOf(text, keyAt, 512), keyAt));
}

function isLocalServerQuery(text: string, keyAt: number): boolean {
  return (text[keyAt - 1] === '?' || text[keyAt - 1] === '&') && LOCAL_SERVER_URL.test(text.slice(lineStartOf(text, keyAt, 2048), keyAt));
}

const MEMBER_CHAIN = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$/;

/**
 * Where the line holding `offset` starts, looking at most `within` characters back (then that point):
 * a search to the true start would make every match on one long line (minified text) re-read the
 * line, quadratic in its length.
 */
function lineStartOf(text: string, offset: number, within = 4096): number {
  const floor = Math.max(0, offset - within);
  for (let at = offset - 1; at >= floor; at -= 1) if (text.charCodeAt(at) === 10) return at + 1;
  return floor;
}

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Base32 (RFC 4648) of printable text, as TOTP seeds are written (`ONTGOYLT…` is `sasfa…`): that text, else undefined. */
function base32Text(value: string): string | undefined {
  if (!/^[A-Z2-7]{16,}=*$/.test(value)) return undefined;
  let bits = 0;
  let buffer = 0;
  let text = '';
  for (const char of value.replace(/=+$/, '')) {
    buffer = (buffer << 5) | BASE32_ALPHABET.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      const code = (buffer >> bits) & 0xff;
      if (code < 0x20 || code > 0x7e) return undefined;
      text += String.fromCharCode(code);
    }
  }
  return text;
}

/** `${TOKEN:-default}` and `${TOKEN:=default}` hold a literal default; `:?` and `:+` hold messages and alternatives. */
function expansionDefault(separator: string, value: string): string | undefined {
  if (separator !== ':' && separator !== '=') return undefined;
  const fallback = /^[-=]([^}]*)\}/.exec(separator === '=' ? `=${value}` : value);
  // a default is no YAML anchor, alias or tag: `${KEY:-&91a*agLq…}` is a random value
  return fallback?.[1]?.replace(/^[&*!%@]+/, '') || undefined;
}

const HEX40 = /^[0-9a-f]{40}$/i;
const HEX40_KEY = /token|api[_.-]?key|access[_.-]?key|client[_.-]?secret|.[_.-]secret$|licen[cs]e[_.-]?key/i;
const PROPERTIES = /\.(?:properties|ini|cfg|conf)$/i;

/** Random-looking, and not an id, a digest, a host name, a path or a version. */
export function isRandomSecretValue(value: string, minLength: number): boolean {
  if (isPunctuatedRandom(value)) return true;
  // a Go template field (`.Values.rbac.serviceAccount.automountToken`) or a dotfile's name
  // (`.dockerconfigjson`): judged by what follows the dot, which a random value keeps
  if (/^\.[A-Za-z_]/.test(value)) return isRandomSecretValue(value.slice(1), minLength);
  if (UUID.test(value) || DIGEST.test(value) || NOT_SECRET_SHAPES.test(value)) return false;
  // a subscript the value stopped inside (`local.helm_app["repository_password"]` ends at the quote) is one too
  const chain = value.replace(SUBSCRIPTS, '').replace(/\[$/, '');
  if (DOTTED_NAME.test(chain) && (FILE_NAME.test(chain) || !chain.split('.').some(isRandomPart))) return false;
  const grouped = KEY_GROUPS.test(value) && value.split('-').filter((part) => /[0-9]/.test(part) && /[A-Z]/.test(part)).length >= 2;
  if ((NAME_SHAPES.test(value) || DASHED_WORDS.test(value)) && !grouped && !value.split(/[_:-]/).some((part) => part.length >= 12 && looksRandom(part, 12))) return false;
  return looksRandom(value, minLength) || isMixedCaseRandom(value);
}

const WORD_PREFIXED = /^(?:secret|token|key|api_?key)[_-]([A-Za-z0-9]{16,64})$/i;
const VOWELS = /[aeiouy]/i;

/**
 * A short key some providers issue (`H1EC2BUPZ22S`, `vZrEclFwOqeA`, `seugeupfknprstoe`), too short
 * for an entropy measure: 12–23 letters and digits, not a word or name — digits cut into the
 * letters in two places or more, or letters no language spells (four consonants in a row, twice,
 * or case changing as chance makes it). Only under API-key and token keys: passwords people type
 * are isTypedPassword's.
 */
export function isShortRandomKey(value: string): boolean {
  if (!/^[A-Za-z0-9]{12,23}$/.test(value) || isWordlike(value) || new Set(value).size < value.length * 0.6) return false;
  if (/^[A-Z][A-Z0-9]*$/.test(value) && !/[0-9]/.test(value)) return false;
  const cutByDigits = (value.match(/[A-Za-z][0-9]+(?=[A-Za-z])/g) ?? []).length >= 2;
  const letters = value.replace(/[0-9]/g, '');
  const clusters = letters.split(VOWELS).filter((run) => run.length >= 4).length;
  // camelCase words, perhaps ending in an acronym (`InterpolationInJSX`), are a name
  return cutByDigits || clusters >= 2 || (clusters >= 1 && caseChanges(letters) >= 3 && !/^[A-Za-z][a-z]+(?:[A-Z][a-z]+)*(?:[A-Z]{2,5})?$/.test(letters)) || isRandomLetters(value);
}

/** The 100 commonest letter pairs of English technical text (READMEs): three quarters of the pairs in its words, 15% of those of random letters. */
const COMMON_PAIRS = new Set('th er on re in co at or st es he te en le se ti an ns de al ar it ng nt ed om io ec pe ma ra ch ta tt nd ri ro me tr pa as li ll ct et ve is ge ht ce ou lo il tp ea fo ex ps ur nc to ne ac op so si fi am rs no im od pt ca ul un hi us ha wi ol ic rt pr ty mp ad ut gi el ss di la na ts va yp ue po mi'.split(' '));

/**
 * Random lower-case letters (`seugeupfknprstoe`, a Google app password `vzihlaquknriqlht`), told
 * from words run together (`helloworldstring`) by how few of their letter pairs are common in English.
 */
export function isRandomLetters(value: string): boolean {
  if (!/^[a-z]{12,32}$/.test(value) || new Set(value).size < value.length * 0.6) return false;
  let common = 0;
  let keyboard = 0;
  for (let at = 1; at < value.length; at += 1) {
    const pair = value.slice(at - 1, at + 1);
    if (COMMON_PAIRS.has(pair)) common += 1;
    if (KEYBOARD_ROWS.includes(pair)) keyboard += 1;
  }
  return common <= (value.length - 1) * 0.25 && keyboard < (value.length - 1) * 0.4;
}

/** `qwertyuiopasdfgh`: runs along a keyboard row are typed, not random. */
const KEYBOARD_ROWS = 'qwertyuiop asdfghjkl zxcvbnm poiuytrewq lkjhgfdsa mnbvcxz';

function caseChanges(value: string): number {
  let changes = 0;
  for (let at = 1; at < value.length; at += 1) if ((value[at]! < 'a') !== (value[at - 1]! < 'a')) changes += 1;
  return changes;
}

/**
 * Generated text of letters, digits and many kinds of punctuation (`u@D7GXt)t>8d(LtH^(lvZ<g=`), as
 * password managers and `pwgen -sy` make it: both cases, digits and four or more kinds of symbol,
 * spread through it. Code, templates, URLs and regular expressions mix symbols too, in their own ways.
 */
export function isPunctuatedRandom(value: string): boolean {
  if (value.length < 16 || value.length > 256 || /\s/.test(value) || !/[a-z]/.test(value) || !/[A-Z]/.test(value) || !/[0-9]/.test(value)) return false;
  const symbols = value.match(/[^A-Za-z0-9]/g) ?? [];
  if (new Set(symbols).size < 4 || symbols.length < value.length * 0.12 || CODE_OR_TEMPLATE.test(value) || PATH_LIKE.test(value)) return false;
  // symbols spread through it: runs of letters and digits stay short, as chance makes them
  const runs = value.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const meanRun = runs.reduce((sum, run) => sum + run.length, 0) / runs.length;
  return meanRun <= 4 && shannonEntropy(value) >= Math.min(4.2, Math.log2(value.length) - 0.4);
}

/** A variable or path (`$STATE/gitwork/…`, `$HOME/.ssh/id_ed25519`, `~/x`): segments of words between slashes or before a dot. */
const PATH_LIKE = /^(?:[$~]|\.{1,2}\/)|\/\.?[A-Za-z_-]{3,}[/.]/;
/** Template and expression syntax, URLs, format strings and regex classes or quantifiers. */
const CODE_OR_TEMPLATE = /\$\{|\{\{|\}\}|\$\(|#\{|%\(|:\/\/|%[sd]|\[[^\]]*[a-zA-Z0-9]-[a-zA-Z0-9][^\]]*\]|\\[dwsbnrt]|\{\d+(?:,\d*)?\}|\(\?[:=!<]|\b(?:function|return|lambda|new|this|self|var|let|const)\b|=>|\)\s*[;.]|\.[a-z]\w*\(/;

/** Letters only, but upper and lower case changing as often as chance makes them (`wjXKCFzOWEPRqhTmmbWtVQ`), unlike camelCase. */
function isMixedCaseRandom(value: string): boolean {
  return value.length >= 20 && /^[A-Za-z]+$/.test(value) && caseChanges(value) >= value.length * 0.3;
}

const PASSWORD_KEY = /passw|pwd|passphrase|(?:^|[_.-])pass$/i;

/**
 * A password a person typed (`Hollin$Marbe7`, `Vrendo#Kastel9`, `tarn!quelborrow`): not random, but
 * letters with digits and symbols, both cases with either, or words joined by a symbol; under a password key that is the
 * password. Names, paths, versions, filler (`P@ssw0rd!`) and keyboard runs are not.
 */
export function isTypedPassword(value: string): boolean {
  if (value.length < 8 || value.length > 64 || /\s/.test(value) || !/[A-Za-z]/.test(value)) return false;
  const typedSymbol = value.length >= 10 && /[A-Za-z0-9][!@#$%^&*?~+=][A-Za-z0-9]/.test(value);
  if ((characterClasses(value) < 3 && !typedSymbol) || TRIVIAL_PASSWORDS.test(value) || NOT_SECRET_SHAPES.test(value) || NAME_SHAPES.test(value) || DOTTED_NAME.test(value) || EMAIL.test(value) || /[[\]{}]$/.test(value)) return false;
  // words joined by a symbol no name holds (`Hollin$Marbe7`) are typed; `GetSecretByKeyV3` is a name
  return (PASSWORD_SYMBOL.test(value) || !isWordlike(value)) && standInKind(value) === undefined && !isPlaceholder(value) && !isDocumentedExample(value);
}

const PASSWORD_SYMBOL = /[!@#$%^&*?~+=]/;

/** 16 distinct letters that pair rarely in English, in a random order: an app password's shape. */
export function appPasswordSample(random: SampleRandom): string {
  const letters = [...'bdfgjkmqvwxzhpuy'];
  for (let at = letters.length - 1; at > 0; at -= 1) {
    const other = random.int(at + 1);
    [letters[at], letters[other]] = [letters[other]!, letters[at]!];
  }
  return letters.join('');
}

/** A password a service generates as 16 random lower-case letters: Google (Gmail SMTP) app passwords. */
export function isAppPassword(value: string): boolean {
  return value.length === 16 && isRandomLetters(value) && standInKind(value) === undefined;
}
const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$/;

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
    validate: (value, context) => isGenericCredential(value, context),
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
      ],
      negatives: [
        // a yarn.lock dependency named for a credential, an escaped `-` in a key name (External Secrets), a Web Analytics beacon
        '    generate-password: "npm:^1.5.0"', '  - secretKey: "some_U002D_key"', '    secret-stack: "workspace:^"',
        `head: <script defer src="https://static.cloudflareinsights.com/beacon.min.js" data-cf-beacon='{"token": "${random.chars('0123456789abcdef', 32)}"}'></script>`,
        'password: ${DB_PASSWORD}', 'password: changeme', 'harborAdminPassword: "Harbor12345"', 'MINIO_ROOT_PASSWORD: minioadmin', 'apiKey: REPLACE_ME', 'token: <your-token>', 'password: ""',
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
