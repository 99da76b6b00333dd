/** Which Secret kinds a text's documents may hold as objects (a document's root, or a List's items). */
export interface SecretObjectKinds {
  readonly secret: boolean;
  readonly sealed: boolean;
}

const NONE: SecretObjectKinds = { secret: false, sealed: false };
const BOTH: SecretObjectKinds = { secret: true, sealed: true };

/** `kind: Secret` written as a block mapping entry, possibly as the first key of a sequence item */
const KIND_LINE = /^([ ]*)(-[ \t]+)?kind:[ \t]*["']?(Secret|SealedSecret|[A-Za-z0-9]*List)["']?[ \t]*(?:#.*)?$/;
/** a document's first content line that is not a plain block mapping key: flow, JSON, tags, anchors, complex keys, scalars */
const NOT_PLAIN_ROOT = /^[ ]*(?:[{["'!&*?|>%@`-]|$)/;
const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?:[ \t]|$)/;

/**
 * Judged from lines, without parsing: where `kind: Secret` (or SealedSecret) can make an object.
 * Only at the indentation of a document's root mapping, or anywhere in a `List` document; a
 * HelmRelease's `valuesFrom: [{kind: Secret}]` or a policy's match block names the kind without
 * being one. Whatever the lines cannot settle (JSON, flow style, anchors and merge keys, tags, a
 * document that does not start as a block mapping) counts as holding both kinds, to be parsed.
 */
export function secretObjectKinds(text: string): SecretObjectKinds {
  if (!text.includes('Secret')) return NONE;
  if (text.includes('"kind"') || text.includes('<<')) return BOTH;
  let secret = false;
  let sealed = false;
  let rootIndent = -1;
  let unsure = false;
  let list = false;
  let pending: Array<{ indent: number; item: boolean; kind: string }> = [];
  let mentions = false;
  const closeDocument = (): void => {
    if (unsure && mentions) {
      secret = true;
      sealed = true;
    }
    for (const line of pending) {
      if (!list && (line.item || line.indent !== rootIndent)) continue;
      if (line.kind === 'Secret') secret = true;
      else sealed = true;
    }
    pending = [];
    rootIndent = -1;
    unsure = false;
    list = false;
    mentions = false;
  };
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
    start = end + 1;
    if (DOCUMENT_MARKER.test(line)) {
      closeDocument();
      // content after the marker (`--- {kind: Secret}`, `--- !tag`): not a plain mapping
      if (line.slice(3).trim() !== '' && !line.slice(3).trim().startsWith('#')) unsure = true;
      continue;
    }
    const trimmed = line.trimStart();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (rootIndent === -1) {
      rootIndent = line.length - trimmed.length;
      if (NOT_PLAIN_ROOT.test(line)) unsure = true;
    }
    if (line.includes('Secret')) mentions = true;
    if (!trimmed.startsWith('kind') && !trimmed.startsWith('- ')) continue;
    const kind = KIND_LINE.exec(line);
    if (!kind) continue;
    const indent = kind[1]!.length;
    if (kind[3]!.endsWith('List')) {
      if (!kind[2] && indent === rootIndent) list = true;
      continue;
    }
    pending.push({ indent, item: kind[2] !== undefined, kind: kind[3]! });
  }
  closeDocument();
  return { secret, sealed };
}
