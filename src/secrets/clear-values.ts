import { decodeBase64Text } from './base64-text.js';
import { isDocumentedExample, isPlaceholder } from './placeholders.js';
import { isSecretReference } from './secret-references.js';

/**
 * Whether a value written next to a credential key is the credential itself, or something that
 * only stands for it: a reference to where the secret lives, a placeholder or filler text, a value
 * copied from documentation, or text that is plainly not a secret (a MIME type, a boolean). Shared
 * by `secret-generic-credential` and `k8s-secret-plaintext`.
 */

/**
 * Words that filler and demo values are made of (`PleaseGenerateA50CharKey`, `my-password`,
 * `mocked_token`, `strong-password`, `s3cr3t-leaked` once de-leeted). A random secret is not spelt
 * from them.
 */
const FILLER_WORDS = new Set([
  'please', 'generate', 'generated', 'change', 'changed', 'replace', 'replaced', 'update', 'set', 'insert', 'enter', 'put', 'add', 'fill',
  'your', 'my', 'our', 'the', 'this', 'that', 'here', 'some', 'any', 'new', 'own', 'real', 'not', 'only', 'with', 'and', 'for', 'long', 'least',
  'secret', 'secrets', 'password', 'passwd', 'pass', 'word', 'passphrase', 'token', 'tokens', 'key', 'keys', 'api', 'apikey', 'value', 'string',
  'random', 'char', 'chars', 'characters', 'letters', 'strong', 'super', 'very', 'secure', 'safe', 'unsafe', 'insecure', 'default', 'sample',
  'example', 'dummy', 'fake', 'mock', 'mocked', 'test', 'testing', 'tests', 'demo', 'dev', 'development', 'local', 'localhost', 'hello', 'world',
  'foo', 'bar', 'baz', 'qux', 'admin', 'user', 'root', 'guest', 'changeme', 'changeit', 'leaked', 'leak', 'client', 'access', 'auth', 'session',
  'signing', 'private', 'public', 'encryption', 'master', 'app', 'application', 'service', 'account', 'bearer', 'refresh', 'jwt', 'cookie', 'csrf',
  'invalid', 'valid', 'wrong', 'bad', 'good', 'expired', 'revoked', 'unknown', 'none', 'empty', 'abc', 'xyz', 'lul', 'lol', 'todo', 'fixme',
  'an', 'is', 'of', 'to', 'in', 'it', 'principal', 'principle', 'unsecure', 'weak', 'simple', 'temp', 'temporary', 'initial', 'one', 'two', 'three',
]);

const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', '$': 's' };

/** The letter runs of a value, split at case changes (`PleaseGenerate` → please, generate) and de-leeted. */
function deleet(value: string): string {
  return value.replace(/(?<=[A-Za-z])[013457@$](?=[A-Za-z])|(?<=[A-Za-z])[013457](?=$|[^A-Za-z0-9])|^[@$](?=[A-Za-z])/g, (char) => LEET[char] ?? char);
}

function wordsOf(value: string): string[] {
  return deleet(value).match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])/g)?.map((word) => word.toLowerCase()) ?? [];
}

/** Credential words a random value does not spell by chance (about 1 in 10⁶ for 30 random characters). */
const SPELT_CREDENTIAL = /token|secret|passw(?:or)?d|apikey|credential/;

/**
 * Text spelt from filler words, with at most a few letters that are not (`A50CharLul`), or a
 * value that spells out what it stands for (`vErrYS3c3tReFRe$hToken`, `p@ssw0rd!#%`).
 */
export function isFillerPhrase(value: string): boolean {
  if (value.length <= 64 && SPELT_CREDENTIAL.test(deleet(value).toLowerCase())) return true;
  const words = wordsOf(value);
  const letters = words.reduce((sum, word) => sum + word.length, 0);
  if (letters === 0) return false;
  const filler = words.filter((word) => word.length >= 2 && FILLER_WORDS.has(word));
  const fillerLetters = filler.reduce((sum, word) => sum + word.length, 0);
  if (filler.length >= 2) return fillerLetters >= letters * 0.75 && fillerLetters >= value.replace(/[^A-Za-z0-9]/g, '').length * 0.6;
  // one filler word and a few digits or symbols: `password123!`, `admin123456`, `HELLO1`
  return filler.length === 1 && fillerLetters === letters && value.length - letters <= 6;
}

/**
 * Values typed by hand to look like a secret: ascending runs (`abcdef123456`) and doubled
 * characters (`aabbccddeeff00112233`).
 */
export function isKeyboardPattern(value: string): boolean {
  if (value.length < 8) return false;
  let ascending = 0;
  let doubled = 0;
  for (let index = 1; index < value.length; index += 1) {
    const step = value.charCodeAt(index) - value.charCodeAt(index - 1);
    if (step === 1) ascending += 1;
    if (step === 0 && (index < 2 || value[index - 2] !== value[index])) doubled += 1;
  }
  return ascending >= (value.length - 1) * 0.6 || doubled * 2 >= value.length - 1;
}

/**
 * Password hashes: the verifier a server keeps, not the password (bcrypt `$2a$…`, crypt `$6$…`,
 * argon2, Django's `pbkdf2_sha256$…`, Jenkins' `#jbcrypt:…`, LDAP `{SSHA}…`), also as an htpasswd
 * line `user:{SHA}…`.
 */
const PASSWORD_HASH = /^(?:#jbcrypt:|[A-Za-z0-9._@-]+:(?=[$\{]))?(?:\$(?:2[abxy]?|[156]|y|apr1|argon2(?:id|i|d)|scrypt|pbkdf2[-_a-z0-9]*)\$|\{(?:SSHA|SHA|SSHA256|SSHA512|CRYPT|PBKDF2[-A-Z0-9]*|ARGON2)\})|^(?:pbkdf2_sha\d+|bcrypt(?:_sha256)?|argon2|scrypt|sha1|md5)\$/i;

/**
 * Values that are not secrets by their shape: MIME types, booleans, dates and times, a shell script
 * or program, an AWS SigV4 credential scope (`AKID/20170529/us-east-1/s3/aws4_request`: the access
 * key id, which is public, and the scope).
 */
const NOT_SECRET_TEXT = /^(?:application|text|image|audio|video|multipart|message|font|model)\/[A-Za-z0-9.+*-]+(?:\s*;.*)?$|^(?:true|false|yes|no|on|off|enabled|disabled)$|^#!|aws4_request|^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/** A documentation value, also when it is base64 of one or the jwt.io sample token. */
export function isDocumentationValue(value: string): boolean {
  if (isDocumentedExample(value)) return true;
  return isJwtIoSample(value);
}

/** jwt.io's sample tokens carry `"sub": "1234567890"` and `"name": "John Doe"`. */
function isJwtIoSample(value: string): boolean {
  const parts = value.split('.');
  if (parts.length !== 3 || !parts[0]!.startsWith('eyJ')) return false;
  const payload = Buffer.from(parts[1]!, 'base64url').toString('utf8');
  return payload.includes('"John Doe"') || payload.includes('"1234567890"');
}

export type StandIn = 'placeholder' | 'reference' | 'documentation' | 'filler' | 'not-a-secret';

/** Why a value only stands for a secret, or undefined when it may be the secret itself. */
export function standInKind(value: string): StandIn | undefined {
  const trimmed = value.trim();
  if (isPlaceholder(trimmed)) return 'placeholder';
  if (isSecretReference(trimmed)) return 'reference';
  if (isDocumentationValue(trimmed)) return 'documentation';
  if (NOT_SECRET_TEXT.test(trimmed) || PASSWORD_HASH.test(trimmed)) return 'not-a-secret';
  if (isFillerPhrase(trimmed) || isKeyboardPattern(trimmed)) return 'filler';
  const decoded = decodedPrintable(trimmed);
  return decoded === undefined ? undefined : standInKind(decoded);
}

/** Base64 that decodes to one line of printable ASCII: `c3Ryb25nLXBhc3N3b3Jk` is `strong-password`. */
export function decodedPrintable(value: string): string | undefined {
  if (value.length < 8 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return undefined;
  const decoded = decodeBase64Text(value)?.trim();
  return decoded !== undefined && /^[\x20-\x7e]{4,}$/.test(decoded) ? decoded : undefined;
}

/**
 * Text made of words, not random characters: identifiers and constants (`GetSecretByKeyV3`,
 * `authorizedKeySecretKey1`), header names (`Warden-Access-Token`), translations
 * (`Einmal-Passwort`, `Poświadczenie`), prose. Letters mostly sit in runs of one optional capital
 * and lower-case letters with a vowel, and digits are few; random base62 or hex is not spelt so.
 */
export function isWordlike(value: string): boolean {
  const letters = value.match(/\p{L}/gu)?.length ?? 0;
  if (letters < 6) return false;
  const digits = value.match(/\p{N}/gu)?.length ?? 0;
  if (digits > Math.max(2, value.length * 0.15)) return false;
  const pieces = value.match(/\p{Lu}?\p{Ll}+|\p{Lu}+(?!\p{Ll})/gu) ?? [];
  const words = pieces.filter(isPronounceable);
  const covered = words.reduce((sum, piece) => sum + piece.length, 0);
  // random secrets are ASCII; one pronounceable run of lower case is too easily a chance
  return (covered >= letters * 0.75 && (words.length >= 2 || /[^\x00-\x7f]/.test(value))) || isCamelCaseWords(value);
}

/** camelCase or PascalCase of three or more words, perhaps numbered: `longStringFromLinodeApi`, `SpringBootStarterWebToken2`. */
const CAMEL_CASE = /^(?:[a-z]{2,}|[A-Z][a-z]+)(?:[A-Z][a-z]+){2,}\d{0,2}$/;

/**
 * English words in camelCase humps, also those with fewer vowels than isPronounceable asks
 * (`long`, `String`, `From`): every hump has a vowel and no four consonants in a row. Random
 * letters are almost never cut into humps of a capital and lower-case runs like this.
 */
function isCamelCaseWords(value: string): boolean {
  if (!CAMEL_CASE.test(value)) return false;
  const humps = value.match(/[A-Z]?[a-z]+/g) ?? [];
  return humps.every((hump) => /[aeiouy]/i.test(hump) && !/[^aeiouy]{4}/i.test(hump));
}

const VOWEL = /[aeiouyàáâäãåæèéêëìíîïòóôöõøùúûüýąęėįųūœ]/iu;

/** A word-like run: lower-case letters (after one capital), a third of them vowels, no four consonants in a row. */
function isPronounceable(piece: string): boolean {
  if (piece.length < 3 || !/\p{Ll}/u.test(piece)) return false;
  const vowels = [...piece].filter((char) => VOWEL.test(char)).length;
  return vowels * 3 >= piece.length && !/[^aeiouyàáâäãåæèéêëìíîïòóôöõøùúûüýąęėįųūœ\P{L}]{4}/iu.test(piece);
}
