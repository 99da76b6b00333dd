import type { SourceFile } from '../model/source-file.js';
import type { Span } from '../model/span.js';
import type { Workspace } from '../model/workspace.js';
import type { Detector } from './detector.js';
import { claimedByManifest, claimedSpans, decodedDataMatches, plaintextValues, secretManifests, type SecretManifest } from './kubernetes-secret.js';
import { Redactions, secretHash, secretPreview, type RedactionRange } from './redact.js';
import { capPerRule, DEFAULT_MAX_FINDINGS_PER_FILE, omittedNote } from './finding-cap.js';
import { findSecrets } from './scan-text.js';

export interface FoundSecret {
  readonly detector: Detector;
  /** what to point at: the secret itself, or the base64 value it was decoded from */
  readonly span: Span;
  readonly hash: string;
  readonly preview: string;
  /** set when the secret was found by decoding a Kubernetes Secret `data` value */
  readonly decodedFrom?: { readonly secret: string; readonly key: string };
}

export interface TreeSecrets {
  readonly found: readonly FoundSecret[];
  readonly manifests: readonly SecretManifest[];
  /** the line at `offset` with every secret on it redacted, at most 240 characters */
  snippet(path: string, offset: number): string;
}

const SNIPPET_MAX = 240;

/** Every credential of the working tree, found once per workspace for all the secrets rules. */
export function treeSecrets(workspace: Workspace, cap = DEFAULT_MAX_FINDINGS_PER_FILE): TreeSecrets {
  return workspace.derived('tree-secrets', () => findTreeSecrets(workspace, cap));
}

function findTreeSecrets(workspace: Workspace, cap: number): TreeSecrets {
  const manifests = secretManifests(workspace);
  const claimed = claimedSpans(workspace, manifests);
  const found: FoundSecret[] = [];
  const redactions = new Map<string, RedactionRange[]>();
  const redact = (path: string, range: RedactionRange): void => {
    const list = redactions.get(path) ?? [];
    list.push(range);
    redactions.set(path, list);
  };
  for (const file of workspace.files) {
    const matches = findSecrets(file.text, file.path).filter((match) => !claimedByManifest(match, claimed, file.path));
    // every secret is redacted from snippets, listed or not
    for (const match of matches) redact(file.path, match);
    const { kept, omitted } = capPerRule(matches, cap);
    for (const match of kept) {
      found.push({ detector: match.detector, span: file.span(match.start, match.end), hash: secretHash(match.secret), preview: secretPreview(match.secret) });
    }
    for (const [ruleId, count] of omitted) workspace.diagnostics.push({ path: file.path, message: omittedNote(ruleId, count, cap), kind: 'note' });
  }
  for (const manifest of manifests) {
    const name = `${manifest.object.kind}/${manifest.object.name ?? '(unnamed)'}`;
    for (const { value, match } of decodedDataMatches(manifest)) {
      found.push({ detector: match.detector, span: value.span, hash: secretHash(match.secret), preview: secretPreview(match.secret), decodedFrom: { secret: name, key: value.key } });
      redact(value.span.path, { start: value.span.start, end: value.span.end, secret: value.raw });
    }
    for (const value of plaintextValues(manifest)) {
      const file = workspace.file(value.span.path);
      if (file) redact(file.path, { start: value.span.start, end: value.span.end, secret: value.raw });
    }
  }
  const indexed = new Map<string, Redactions>();
  const result: TreeSecrets = {
    found,
    manifests,
    snippet: (path, offset) => {
      const file = workspace.file(path);
      if (!file) return '';
      let index = indexed.get(path);
      if (!index) {
        index = new Redactions(redactions.get(path) ?? []);
        indexed.set(path, index);
      }
      return redactedLine(file, offset, index);
    },
  };
  return result;
}

function redactedLine(file: SourceFile, offset: number, redactions: Redactions): string {
  const { line } = file.position(offset);
  const start = file.lines.lineStart(line);
  const end = start + file.lineText(line).length;
  return redactions.snippet(file.text, start, end, SNIPPET_MAX);
}
