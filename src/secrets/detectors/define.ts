import { assignmentDetector } from '../assignment.js';
import { PRIORITY, type Detector } from '../detector.js';
import type { Severity } from '../../model/severity.js';
import type { SampleRandom } from '../random.js';
import { CLASS, tokenDetector, type CharClass, type ShapePart, type TokenSpec } from '../token-shape.js';

/**
 * Compact definitions for the long tail of providers: a detector is one line of data, its samples
 * generated from the shape (tokenDetector) or from the key and value class (assignmentDetector).
 */
export interface Prefixed extends Partial<TokenSpec> {
  readonly provider: string;
  readonly kind: string;
  readonly shape: readonly ShapePart[];
  readonly impact: string;
  readonly revoke: string;
  readonly reference: string;
}

/** A token with a distinctive literal (prefix, marker or host): found wherever it is written. */
export function prefixed(id: string, spec: Prefixed): Detector {
  return tokenDetector({ ...spec, id, references: [spec.reference] });
}

export interface Keyed {
  readonly provider: string;
  readonly kind: string;
  /** words, one of which the key must contain (`algolia`); lower case */
  readonly words: readonly string[];
  readonly value: CharClass;
  readonly length: readonly [number, number];
  readonly sampleKey: string;
  readonly impact: string;
  readonly revoke: string;
  readonly reference: string;
  readonly check?: (value: string) => boolean;
  readonly sample?: (random: SampleRandom) => string;
  readonly minEntropy?: number;
  readonly severity?: Severity;
  readonly negatives?: readonly string[];
  /** what the key must also say; defaults to a credential word (key, secret, token…) */
  readonly keySays?: RegExp;
  /** the key names the secret even though it ends like an id (`CC_TEST_REPORTER_ID`) */
  readonly idIsSecret?: boolean;
}

/** Documentation: ``set `ALGOLIA_API_KEY` to 1a2b…``, `the SNYK_TOKEN is …`. */
const PROSE = String.raw`\x60?[ \t]+(?:to|is|as)[ \t]+\x60?`;

/** Key parts that say the value is not the secret itself (an id, a URL, a file name…). */
const NOT_SECRET_KEY = /(?:^|[_.-])(?:id|url|uri|host|endpoint|domain|name|region|user(?:name)?|email|file|path|org|project|account|app|version|enabled)$|client[_.-]?id$|app[_.-]?id$|public/i;
/** A key only names a credential when it also says so: `ALGOLIA_API_KEY`, not `ALGOLIA_INDEX`. */
const CREDENTIAL_PART = /key|secret|token|pass|auth|cred|pat|sig|bearer/i;

/**
 * A value without a marker of its own, recognised by a key naming the provider and a credential:
 * `ALGOLIA_API_KEY: …`, `"cohereToken": "…"`, `- name: SNYK_TOKEN` / `value: …`.
 */
export function keyed(id: string, spec: Keyed): Detector {
  const words = spec.words.map((word) => word.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')).join('|');
  const detector = assignmentDetector({
    id,
    provider: spec.provider,
    kind: spec.kind,
    keys: String.raw`(?<key>[A-Za-z0-9_.-]{0,40}?(?:${words})[A-Za-z0-9_.-]{0,40})`,
    keywords: spec.words,
    separators: `${PROSE}|>`,
    value: spec.value,
    length: spec.length,
    sampleKey: spec.sampleKey,
    ...(spec.minEntropy === undefined ? {} : { minEntropy: spec.minEntropy }),
    ...(spec.check ? { check: spec.check } : {}),
    ...(spec.sample ? { sample: spec.sample } : {}),
    impact: spec.impact,
    revoke: spec.revoke,
    references: [spec.reference],
    negatives: [...spec.negatives ?? [], ...(spec.idIsSecret ? [] : [`${spec.sampleKey.replace(/_?(?:api_?)?(?:key|token|secret)$/i, '')}_ID: ${'a1b2c3d4e5'.repeat(Math.ceil(spec.length[0] / 10)).slice(0, spec.length[0])}`])],
    ...(spec.severity ? { severity: spec.severity } : {}),
  });
  const validateValue = detector.validate!;
  // assigned, not spread: a spread would generate the detector's samples (a getter) at start-up
  return Object.assign(detector, {
    // a token with a marker of its own, under the same key, is the better name for the finding
    priority: PRIORITY.structural,
    validate: (value: string, context: Parameters<typeof validateValue>[1]) => {
      const key = context.groups['key'] ?? '';
      return (spec.keySays ?? CREDENTIAL_PART).test(key) && (spec.idIsSecret === true || !NOT_SECRET_KEY.test(key)) && validateValue(value, context);
    },
  });
}

export { CLASS };
export const UUID: readonly ShapePart[] = [[CLASS.hex, 8], '-', [CLASS.hex, 4], '-', [CLASS.hex, 4], '-', [CLASS.hex, 4], '-', [CLASS.hex, 12]];
export const LOWER_ALNUM_DASH: CharClass = { regex: 'a-z0-9_-', chars: 'abcdefghijklmnopqrstuvwxyz0123456789_-' };
