import { looksRandom } from '../assignment.js';
import { characterClasses, shannonEntropy } from '../entropy.js';
import { isWordlike, standInKind } from '../clear-values.js';
import { isDocumentedExample, isPlaceholder } from '../placeholders.js';
import { SampleRandom } from '../random.js';
import { TRIVIAL_PASSWORDS } from './connection-password.js';

/** The generic rule's value shapes: what a generated secret or a typed password looks like, told from names, ids, paths and words. */

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
const FILE_NAME = /\.(?:json|ya?ml|txt|pem|key|crt|cer|p12|pfx|jks|env|conf|cfg|ini|xml|toml|properties|js|ts|py|go|sh)$/i;

export function isRandomPart(part: string): boolean {
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
export const UUID_LAYOUT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A UUID's layout in letters and digits beyond hex (`8jn4wq39-2677-okqs-…`): keys some providers issue so. */
export const UUID_LAYOUT_ALNUM = /^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$/;
/** Keys issued in dash-separated groups of capitals and digits (`RHEP5NAL-G9JVWY8Z-…`), unlike ENV_NAMES. */
const KEY_GROUPS = /^[A-Z0-9]{4,8}(?:-[A-Z0-9]{4,8}){2,7}$/;
/**
 * Text a base64 (or base32) value decodes to, judged as the secret: random, not words. Words in
 * capitals count as words (`SOMETHING_ELSE!`), as `iloveyou` and `strong-password` do.
 */
export function isRandomDecodedText(decoded: string): boolean {
  return !/\s/.test(decoded) && !isWordlike(decoded) && !isWordlike(decoded.toLowerCase()) && isRandomSecretValue(decoded, 8);
}

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Base32 (RFC 4648) of printable text, as TOTP seeds are written (`ONTGOYLT…` is `sasfa…`): that text, else undefined. */
export function base32Text(value: string): string | undefined {
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

export const HEX40 = /^[0-9a-f]{40}$/i;
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
export function isMixedCaseRandom(value: string): boolean {
  return value.length >= 20 && /^[A-Za-z]+$/.test(value) && caseChanges(value) >= value.length * 0.3;
}

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
