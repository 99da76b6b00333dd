import type { MatchContext } from '../detector.js';
import { isPresignedUrlCredential } from '../presigned-url.js';

/** Values under credential keys that are no secret: keys published on purpose, ciphertext, ids and other formats' own. */
/**
 * Keys their vendors publish in web pages and apps on purpose: PostHog project keys (`phc_`), Stripe
 * publishable keys (`pk_live_`/`pk_test_`) and Mapbox public tokens (`pk.eyJ…`) only send events or
 * read public data. Their secret counterparts (`phx_`, `sk_`/`rk_`, `sk.eyJ`) have detectors.
 */
export const PUBLIC_CLIENT_KEY = /^(?:phc_[A-Za-z0-9]{30,}|pk_(?:live|test)_[A-Za-z0-9]{20,}|pk\.eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,})$/;
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

export function isDocSearchKey(key: string, value: string, context: MatchContext): boolean {
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
export const JWT_SHAPE = /^eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?$/;
/**
 * GitHub's GraphQL node ids (`LA_kwDOCsUTCM75TTQL` a label, `PVT_kwDOBc…` a project): a type prefix and
 * a base64 MessagePack array; ids, not credentials, even under a key such as a label named `Secret`.
 */
export const GITHUB_NODE_ID = /^[A-Z]{1,8}_(?:kg|kw|lA|lQ)[A-D][A-Za-z0-9_-]{5,}$/;

/** A token of a format with a CRC32 of its random part (GitHub `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_`, npm `npm_`): any such value is its detector's to judge. */
export const CRC_CHECKED_TOKEN = /^(?:gh[pousr]|npm)_[A-Za-z0-9]{36}$/;

/** A package and its version range (`"npm:^1.5.0"`, `workspace:*`), as yarn.lock lists a dependency named `generate-password`. */
export const PACKAGE_SPEC = /^(?:npm:(?:@[a-z0-9._-]+\/)?(?:[a-z0-9._-]+@)?|workspace:|patch:|portal:|link:|file:)?[\^~<>=*]*[ \t]*\d+(?:\.[\dx*]+){0,2}(?:-[0-9A-Za-z.-]+)?$|^workspace:[\^~*]?$/;

/**
 * Cloudflare Web Analytics' site token in its beacon (`data-cf-beacon='{"token": "…"}'`): every
 * page view sends it, as it is written into every page; it can only count visits.
 */
export function isWebAnalyticsBeacon(context: MatchContext): boolean {
  const { text, index } = context;
  if (text === undefined || index === undefined) return false;
  return /data-cf-beacon|cloudflareinsights\.com\/beacon/i.test(text.slice(Math.max(0, index - 400), index));
}

/** `X-Amz-Security-Token=…` in a presigned URL's query: see isPresignedUrlCredential. */
export function isPresignedUrlValue(value: string, context: MatchContext): boolean {
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
export function isQuotedPhrase(value: string, context: MatchContext): boolean {
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
export const SHELL_SPLICE = /^'"?\$[{(A-Za-z_]/;

/**
 * Sealed Secrets ciphertext (a SealedSecret's `encryptedData` value, also where it is commented out
 * or copied into values): base64 of a big-endian length of the RSA-sealed session key (0x0200 for
 * the controller's 4096-bit key, 0x0100 for 2048) and the AES-GCM data, hundreds of characters.
 */
export const SEALED_CIPHERTEXT = /^(?:Ag|AQ)[A-D][A-Za-z0-9+/]{500,}={0,2}$/;

/**
 * Renovate's encrypted secrets (`"encrypted": {"password": "wcFMA…"}` in renovate.json5, a host
 * rule's `encrypted` block): ciphertext for the Mend app's private key, which Renovate's docs say to
 * commit. Only a value directly inside an object under an `encrypted` key.
 */
const ENCRYPTED_BLOCK = /["']?encrypted["']?[ \t]*:[ \t]*\{[^{}]*$/;

export function isInEncryptedBlock(context: MatchContext): boolean {
  const { text, index } = context;
  if (text === undefined || index === undefined) return false;
  return ENCRYPTED_BLOCK.test(text.slice(Math.max(0, index - 600), index));
}
