import { looksRandom } from '../assignment.js';
import { insideText, textRangesOf } from '../code-literals.js';
import type { MatchContext } from '../detector.js';
import { PASSWORD_KEY } from './generic-key.js';
import { isMixedCaseRandom, isRandomPart, isShortRandomKey } from './generic-value-shape.js';

/**
 * The generic rule's reading of the text around a match: the literal a key is assigned (not an
 * expression, shell expansion or URL query of a local server or meeting link), with escapes decoded.
 */

/**
 * `some_U002D_key`: a character a name may not hold, written `_UXXXX_` (External Secrets' and
 * other tools' escaping of `-`, `.`, `/` in keys): the name it spells is judged.
 */
export function withNameEscapesDecoded(value: string | undefined): string | undefined {
  return value?.replace(/_U([0-9A-F]{4})_/g, (_, code: string) => String.fromCharCode(Number.parseInt(code, 16)));
}

/** `\u003e` as JSON (Terraform state), YAML and most languages escape `>`, `<` and `&` in a string: the character it stands for. */
export function withUnicodeEscapesDecoded(value: string | undefined): string | undefined {
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
export function assignedValue(key: string, value: string, context: MatchContext): string | undefined {
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

/** `${TOKEN:-default}` and `${TOKEN:=default}` hold a literal default; `:?` and `:+` hold messages and alternatives. */
function expansionDefault(separator: string, value: string): string | undefined {
  if (separator !== ':' && separator !== '=') return undefined;
  const fallback = /^[-=]([^}]*)\}/.exec(separator === '=' ? `=${value}` : value);
  // a default is no YAML anchor, alias or tag: `${KEY:-&91a*agLq…}` is a random value
  return fallback?.[1]?.replace(/^[&*!%@]+/, '') || undefined;
}

const PROPERTIES = /\.(?:properties|ini|cfg|conf)$/i;
