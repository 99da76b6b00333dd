import { LineIndex } from '../model/span.js';
import { DETECTORS } from '../secrets/catalogue.js';
import type { Detector } from '../secrets/detector.js';
import { DEFAULT_MAX_FINDINGS_PER_FILE } from '../secrets/finding-cap.js';
import { Redactions, secretHash, secretPreview } from '../secrets/redact.js';
import { findSecrets, mayHoldSecrets } from '../secrets/scan-text.js';
export { mayHoldSecrets };
import { decodeText } from '../sources/read.js';
import { textEncoding } from '../sources/text-encoding.js';
import type { ImageConfig } from './image-config.js';
import type { SerializedSecret } from './layer-secret-scanner.js';

/**
 * The secrets engine over layer files and image configs. Its detector tables take longer to build
 * than the rest of a run answered by the layer cache: loaded (import()) only when something is
 * to be scanned, or a secret found earlier is to be reported. The visitor is layer-secret-scanner.ts.
 */
export interface LayerSecret {
  readonly detector: Detector;
  readonly hash: string;
  readonly preview: string;
  /** `etc/app/.env`, or `config:Env`, `config:Labels`, `config:history[3]` for the image config */
  readonly path: string;
  /** the layer the file is in; absent for the config */
  readonly layer?: number;
  readonly line: number;
  readonly column: number;
  /** the line with every secret on it redacted, at most 240 characters */
  readonly snippet: string;
  /** a later layer deleted or replaced the file: it is still in the image's layers */
  deleted?: boolean;
}

const SNIPPET_MAX = 240;

/** Every credential in `text`, redacted snippets and positions, capped per detector like a file of the tree. */
export function secretsInText(text: string, scanPath: string, shownPath: string, layer?: number): LayerSecret[] {
  const matches = findSecrets(text, scanPath);
  if (matches.length === 0) return [];
  const redactions = new Redactions(matches);
  const lines = new LineIndex(text);
  const perDetector = new Map<string, number>();
  const found: LayerSecret[] = [];
  for (const match of matches) {
    const count = (perDetector.get(match.detector.id) ?? 0) + 1;
    perDetector.set(match.detector.id, count);
    if (count > DEFAULT_MAX_FINDINGS_PER_FILE) continue;
    const { line, column } = lines.position(match.start);
    const lineStart = text.lastIndexOf('\n', match.start - 1) + 1;
    const lineEndAt = text.indexOf('\n', match.start);
    const snippet = redactions.snippet(text, lineStart, lineEndAt === -1 ? text.length : lineEndAt, SNIPPET_MAX);
    found.push({
      detector: match.detector,
      hash: secretHash(match.secret),
      preview: secretPreview(match.secret),
      path: shownPath,
      ...(layer !== undefined ? { layer } : {}),
      line,
      column,
      snippet,
    });
  }
  return found;
}

/** The config's Env and Labels (as KEY=VALUE lines) and every history step: build arguments leak there. */
export function configSecrets(config: ImageConfig): LayerSecret[] {
  const labels = Object.entries(config.labels).map(([key, value]) => `${key}=${value}`);
  return [
    ...secretsInText(config.env.join('\n'), '.env', 'config:Env'),
    ...secretsInText(labels.join('\n'), '.env', 'config:Labels'),
    ...config.history.flatMap((step, index) => secretsInText(step.createdBy, 'Dockerfile', `config:history[${index}]`)),
  ];
}

/** `text` with every credential in it redacted (history steps shown in reports). */
export function redactSecrets(text: string, scanPath: string): string {
  const matches = findSecrets(text, scanPath);
  return matches.length === 0 ? text : new Redactions(matches).slice(text, 0, text.length);
}


export function serializeSecret({ detector, deleted: _deleted, ...secret }: LayerSecret): SerializedSecret {
  return { ...secret, detector: detector.id };
}

export function deserializeSecret(secret: SerializedSecret): LayerSecret | undefined {
  const detector = DETECTORS.find((candidate) => candidate.id === secret.detector);
  return detector ? { ...secret, detector } : undefined;
}

/**
 * The secrets in one layer file (text files only). `keywordsFound`: the caller has already seen a
 * detector keyword in its bytes (`mayHoldSecrets`), so they are not looked for again.
 */
export function secretsInFile(path: string, layer: number, content: Uint8Array, keywordsFound = false): LayerSecret[] {
  // most files hold no keyword at all: a pass over the bytes spares decoding them and a second pass over the text
  if (!keywordsFound && textEncoding(content) === 'utf-8' && !mayHoldSecrets(content)) return [];
  const decoded = decodeText(content);
  if (decoded.kind !== 'text') return [];
  return secretsInText(decoded.text, path, path, layer);
}

