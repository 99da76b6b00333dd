import type { Severity } from '../model/severity.js';
import { PRIORITY, escapeRegex, variableName, type Detector, type MatchContext } from './detector.js';
import { isDocumentedExample } from './placeholders.js';
import { longestRun } from './entropy.js';
import { SampleRandom } from './random.js';

/** A character class: its regex body and the characters samples are drawn from. */
export interface CharClass {
  readonly regex: string;
  readonly chars: string;
}

/** A literal, or `[class, min, max]` characters of a class (max defaults to min). */
export type ShapePart = string | readonly [CharClass, number, number?];

export interface TokenSpec {
  readonly id: string;
  readonly provider: string;
  readonly kind: string;
  readonly shape: readonly ShapePart[];
  /** literal context before the token that is not part of it, e.g. `AccountKey=` */
  readonly lead?: string;
  readonly impact: string;
  readonly revoke: string;
  readonly references: readonly string[];
  /** defaults to the first literal of the shape */
  readonly keywords?: readonly string[];
  /** characters that may not touch the token on either side */
  readonly boundary?: string;
  /** structural check beyond the shape (checksums, embedded JSON), or of where the token sits */
  readonly check?: (token: string, context: MatchContext) => boolean;
  /** turns a random sample into a valid one (computes its checksum) */
  readonly finish?: (sample: string) => string;
  /** turns a valid sample into one that has the shape but fails `check` */
  readonly corrupt?: (sample: string) => string;
  readonly negatives?: readonly string[];
  readonly severity?: Severity;
  readonly paths?: RegExp;
  /** characters after a keyword the token may sit: a keyword on the line before (`- name: MAILGUN_KEY`) */
  readonly window?: { readonly before: number; readonly after: number };
}

const DEFAULT_BOUNDARY = 'A-Za-z0-9_-';

function partRegex(part: ShapePart): string {
  if (typeof part === 'string') return escapeRegex(part);
  const [charClass, min, max = min] = part;
  return `[${charClass.regex}]{${min === max ? min : `${min},${max}`}}`;
}

function partSample(part: ShapePart, random: SampleRandom, shorten = false): string {
  if (typeof part === 'string') return part;
  const [charClass, min, max = min] = part;
  const length = shorten ? min - 1 : min + random.int(Math.min(max, min + 24) - min + 1);
  return random.chars(charClass.chars, length);
}

/** Every variable part filled with one repeated character: the shape of a fill-in placeholder. */
function placeholderPart(part: ShapePart): string {
  if (typeof part === 'string') return part;
  const [charClass, min] = part;
  return (charClass.chars.includes('x') ? 'x' : charClass.chars.includes('X') ? 'X' : '0').repeat(min);
}

function tokenSource(spec: TokenSpec): string {
  const boundary = spec.boundary ?? DEFAULT_BOUNDARY;
  const leadSource = spec.lead ? escapeRegex(spec.lead) : '';
  return `(?<![${boundary}])${leadSource}(?<secret>${spec.shape.map(partRegex).join('')})(?![${boundary}])`;
}

/** A token with a fixed shape: the regex and the samples both come from the shape. */
export function tokenDetector(spec: TokenSpec): Detector {
  const firstLiteral = spec.lead ?? spec.shape.find((part): part is string => typeof part === 'string') ?? '';
  const keywords = spec.keywords ?? [firstLiteral.toLowerCase()];
  if (keywords.some((keyword) => keyword.length < 2)) throw new Error(`${spec.id}: keywords too short`);
  // samples serve tests and docs only: made on first use, not at every start-up
  let samples: Detector['samples'] | undefined;
  let pattern: RegExp | undefined;
  const makeSamples = (): Detector['samples'] => {
    const variable = variableName(spec.id);
    const lead = spec.lead ?? '';
    const random = new SampleRandom(spec.id);
    const sample = (): string => {
      const raw = spec.shape.map((part) => partSample(part, random)).join('');
      return spec.finish ? spec.finish(raw) : raw;
    };
    const first = sample();
    const lastVariable = spec.shape.reduce((found, part, index) => (typeof part === 'string' ? found : index), -1);
    const short = spec.shape.map((part, index) => partSample(part, random, index === lastVariable)).join('');
    const negatives = [
      `${variable}: ${lead}${short}`,
      `${variable}: \${${variable}}`,
      `${variable}: ${lead}${spec.shape.map(placeholderPart).join('')}`,
      ...(spec.corrupt ? [`${variable}: ${lead}${spec.corrupt(first)}`] : []),
      ...(spec.negatives ?? []),
    ];
    return { file: 'config.yaml', positives: [`${variable}: ${lead}${first}`, `export ${variable}="${lead}${sample()}"`], negatives };
  };
  return {
    id: spec.id,
    provider: spec.provider,
    kind: spec.kind,
    keywords,
    // made on first read (V8 parses a pattern when it is made): a scan reads only those of the detectors whose keywords it finds
    get pattern(): RegExp {
      return pattern ??= new RegExp(tokenSource(spec), 'g');
    },
    validate: (token, context) => !isDocumentedExample(token) && longestRun(token) < 6 && (spec.check?.(token, context) ?? true),
    priority: PRIORITY.provider,
    severity: spec.severity ?? 'critical',
    ...(spec.paths ? { paths: spec.paths } : {}),
    window: spec.window ?? { before: 0, after: 0 },
    docs: { impact: spec.impact, revoke: spec.revoke, references: spec.references },
    get samples() {
      samples ??= makeSamples();
      return samples;
    },
  };
}

export const CLASS = {
  alnum: { regex: 'A-Za-z0-9', chars: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz' },
  alpha: { regex: 'A-Za-z', chars: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz' },
  hex: { regex: 'a-f0-9', chars: '0123456789abcdef' },
  anyHex: { regex: 'a-fA-F0-9', chars: '0123456789abcdefABCDEF' },
  upperHex: { regex: 'A-F0-9', chars: '0123456789ABCDEF' },
  upperAlnum: { regex: 'A-Z0-9', chars: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ' },
  lowerAlnum: { regex: 'a-z0-9', chars: '0123456789abcdefghijklmnopqrstuvwxyz' },
  base32: { regex: 'A-Z2-7', chars: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567' },
  digits: { regex: '0-9', chars: '0123456789' },
  base64url: { regex: 'A-Za-z0-9_-', chars: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-' },
  base64: { regex: 'A-Za-z0-9+/', chars: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/' },
} as const satisfies Record<string, CharClass>;
