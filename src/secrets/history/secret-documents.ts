import { SourceFile } from '../../model/source-file.js';
import type { Span } from '../../model/span.js';
import { parseRefusal } from '../../model/parse-limits.js';
import { declaresSecret, parsedSecrets, type SecretManifest } from '../kubernetes-secret.js';
import { secretObjectKinds } from '../secret-object-lines.js';
import type { ChangedRange } from '../scan-text.js';

/** A Secret manifest of a file version: its values and whether SOPS encrypted it (its object and AST are not kept). */
export type VersionManifest = Pick<SecretManifest, 'sops' | 'values'>;

export interface FileSecrets {
  readonly manifests: VersionManifest[];
  readonly claimed: Span[];
}

/** a `---` line: where a YAML document starts */
const DOCUMENT_START = /^---(?:[ \t]|$)/gm;
/** directives (`%YAML`) and `...` end markers: a document is then not read apart from the others */
const STREAM_SYNTAX = /^(?:%|\.\.\.(?:[ \t]|$))/m;
/** a marker line is `---` and the character after it: a document ending this close to a change may not have ended there before */
const MARKER_REACH = 4;

/**
 * The Secret manifests and claimed spans of one file version (history), reading only the YAML
 * documents that can change what is reported: those that changed (one part, or several in text
 * order) since the version searched before at the same path (the others were read then, and their secrets kept with that older
 * commit), and those under a generic match (whose claims hide it). A document that may hold a
 * root `Secret` is parsed for its values; one that may hold a SealedSecret only when a generic match
 * lies in it. Each document is parsed on its own, spans placed back at its offset in the file, so a
 * Secret manifest blob is parsed only where it changed. A Secret that SOPS encrypted, with no
 * `data` to decode and no match a claim would hide (`claimable`), is not parsed: nothing of it
 * would be reported. A document's text is parsed once: met again (a revert, the same change on
 * another branch, a copy at another path, a file whose neighbouring document changed), what was
 * read then is placed at its path and offset (`readDocument`). Undefined when nothing is parsed.
 */
export function secretsInChangedDocuments(path: string, text: string, changedParts: ChangedRange | readonly ChangedRange[] | undefined, generic: readonly Located[], claimable: readonly Located[] = generic): FileSecrets | undefined {
  if (!declaresSecret(text)) return undefined;
  const changed = changedParts === undefined || !('start' in changedParts) ? changedParts : [changedParts];
  const starts = documentStarts(text);
  if (starts === undefined) {
    // one document (no directives or end markers: a single-document file, at most a leading `---`)
    if (claimable.length === 0 && !STREAM_SYNTAX.test(text) && sopsEncryptedWithoutData(text)) return undefined;
    const kinds = secretObjectKinds(text);
    if (!kinds.secret && !(kinds.sealed && generic.length > 0)) return undefined;
    return readDocument(path, text, 0);
  }
  let found: { manifests: VersionManifest[]; claimed: Span[] } | undefined;
  for (let index = 0; index < starts.length; index += 1) {
    const start = starts[index]!;
    const end = starts[index + 1] ?? text.length;
    const underGeneric = generic.some((match) => match.start < end && start < match.end);
    const touched = changed === undefined || changed.some((part) => start <= part.end && part.start < end + MARKER_REACH);
    if (!underGeneric && !touched) continue;
    const chunk = text.slice(start, end);
    if (!declaresSecret(chunk)) continue;
    if (!claimable.some((match) => match.start < end && start < match.end) && sopsEncryptedWithoutData(chunk)) continue;
    const kinds = secretObjectKinds(chunk);
    if (!kinds.secret && !(kinds.sealed && underGeneric)) continue;
    // over the limits the whole file is not parsed (as in the working tree): none of its documents are
    if (found === undefined && parseRefusal(text) !== undefined) return undefined;
    const secrets = readDocument(path, chunk, start);
    found ??= { manifests: [], claimed: [] };
    found.manifests.push(...secrets.manifests);
    found.claimed.push(...secrets.claimed);
  }
  return found;
}

/** What the Secret documents parsed so far hold, by text: values and claimed spans from the document's start, at no path. */
const readTexts = new Map<string, FileSecrets>();
let readBytes = 0;
/** past this many characters of documents kept, the ones kept are let go (what a repository's Secret documents come to is far less) */
const READ_KEPT = 8 << 20;

/** The Secret manifests and claimed spans of one document (or single-document file) at `offset` in a file at `path`, parsed the first time its text is met. */
function readDocument(path: string, text: string, offset: number): FileSecrets {
  let read = readTexts.get(text);
  if (read === undefined) {
    const parsed = parsedSecrets(new SourceFile('', text));
    read = { manifests: parsed.manifests.map(({ sops, values }) => ({ sops, values })), claimed: parsed.claimed };
    if (readBytes + text.length > READ_KEPT) {
      readTexts.clear();
      readBytes = 0;
    }
    // a copy as the key: a slice of a file version would keep the whole version alive
    readTexts.set(Buffer.from(text, 'utf8').toString('utf8'), read);
    readBytes += text.length;
  }
  return {
    manifests: read.manifests.map(({ sops, values }) => ({ sops, values: values.map((value) => ({ ...value, span: placed(value.span, path, offset) })) })),
    claimed: read.claimed.map((span) => placed(span, path, offset)),
  };
}

type Located = { readonly start: number; readonly end: number };

/** a root `sops:` key (the metadata block SOPS adds to what it encrypts) */
const SOPS_ROOT = /^sops:[ \t]*$/m;
/** a `data:` key at the start of a line, quoted or not, in a sequence item or not */
const DATA_KEY = /^[ \t]*(?:-[ \t]+)*["']?data["']?[ \t]*:(?:[ \t]|$)/m;
/** flow collections, anchors, aliases, tags, merge keys, escapes: ways to write or bring in a key that a line cannot show */
const HIDDEN_KEYS = /[{&*!\\]|<<|^[ \t]*\?/m;

/**
 * Whether a YAML document is one SOPS encrypted (a root `sops:` key) with no `data` key, judged
 * from its lines: its Secrets' `stringData` is never reported as plaintext (SOPS values are
 * ciphertext) and there is no `data` to decode, so parsing it would report nothing. Only where
 * the lines settle it: no flow style, anchors, aliases, tags, merge or complex keys, escapes, and
 * no quote left open on a line (a quoted scalar spanning lines could hold a `sops:` line). A
 * document that does not parse reports nothing either.
 */
export function sopsEncryptedWithoutData(document: string): boolean {
  if (!SOPS_ROOT.test(document) || DATA_KEY.test(document) || HIDDEN_KEYS.test(document)) return false;
  let lineStart = 0;
  while (lineStart < document.length) {
    const newline = document.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? document.length : newline;
    if (unevenQuotes(document, lineStart, lineEnd)) return false;
    lineStart = lineEnd + 1;
  }
  return true;
}

function unevenQuotes(text: string, start: number, end: number): boolean {
  let double = 0;
  let single = 0;
  for (let at = start; at < end; at += 1) {
    const code = text.charCodeAt(at);
    if (code === 0x22) double += 1;
    else if (code === 0x27) single += 1;
  }
  return double % 2 === 1 || single % 2 === 1;
}

function placed(span: Span, path: string, by: number): Span {
  return { path, start: span.start + by, end: span.end + by };
}

/**
 * Offsets where the stream's documents start (the first at 0, each next at its `---` line), or
 * undefined when the stream is one document or uses syntax that ties documents together.
 */
function documentStarts(text: string): number[] | undefined {
  const starts = [0];
  DOCUMENT_START.lastIndex = 0;
  for (let match = DOCUMENT_START.exec(text); match; match = DOCUMENT_START.exec(text)) {
    if (match.index > 0) starts.push(match.index);
  }
  if (starts.length === 1 || STREAM_SYNTAX.test(text)) return undefined;
  return starts;
}
