import type { Severity } from '../model/severity.js';
import { PRIORITY, type Detector } from './detector.js';
import { characterClasses, longestRun, shannonEntropy } from './entropy.js';
import { isDocumentedExample, isPlaceholder } from './placeholders.js';
import { SampleRandom } from './random.js';
import type { CharClass } from './token-shape.js';

/**
 * Key and value separators credentials are written with: `key: v`, `key = v`, `"key": "v"`, `key => v`,
 * `KEY=v`, the Kubernetes env form `- name: KEY` / `value: v` on the next line, a Terraform
 * variable's default (`variable "db_password" {` … `default = "v"`), and a quoted key and value
 * passed side by side (`setdefault("API_TOKEN", "v")`, `('sonar.login', 'v')`). Each piece uses
 * classes disjoint from its neighbours, so the match is linear. Quotes may be escaped: JSON held in a
 * string of code (`"{\"api_token\": \"…\"}"`).
 */
/** Up to three attribute lines (`type`, `sensitive`…) may stand before `default`: written out, as a repeated group would nest quantifiers. */
const TERRAFORM_ATTRIBUTE = String.raw`(?:[ \t]*(?:description|type|sensitive|nullable)[ \t]*=[^\r\n]*\r?\n)?`;
const TERRAFORM_DEFAULT = String.raw`[ \t]*\{[ \t]*\r?\n${TERRAFORM_ATTRIBUTE}${TERRAFORM_ATTRIBUTE}${TERRAFORM_ATTRIBUTE}[ \t]*default[ \t]*=[ \t]*`;
/**
 * A name and its value as the next member of one object: an ECS task definition's or a Kubernetes
 * flow-style env entry (`{"name": "DB_PASSWORD", "value": "…"}`, `{name: API_TOKEN, value: …}`,
 * Terraform's `{ name = "API_TOKEN", value = "…" }`), on one line or the value on the next.
 */
const NAME_VALUE_PAIR = String.raw`[ \t]*,[ \t]*(?:\r?\n[ \t]*)?["']?value["']?[ \t]*[:=][ \t]*`;
/** A YAML block scalar whose first line is the value (`password: |-` then `  …`, an env entry's `value: >-`). */
const BLOCK_SCALAR = String.raw`[|>][-+]?[1-9]?[ \t]*\r?\n[ \t]+`;
export const ASSIGN = String.raw`\\?["']?(?:[ \t]*(?::{1,3}=|\?=|=>|[:=])[ \t]*|[ \t]*:[ \t]*${BLOCK_SCALAR}|[ \t]*\r?\n[ \t]*-?[ \t]*value[ \t]*:[ \t]*(?:${BLOCK_SCALAR})?|${NAME_VALUE_PAIR}|${TERRAFORM_DEFAULT}|(?<=["'])[ \t]*,[ \t]*(?=["']))\\?["']?`;

/**
 * The older Dockerfile form `ENV KEY value` (no `=`): a space after the key assigns when the line
 * is an ENV instruction. Patterns using it need the `m` flag.
 */
export const DOCKERFILE_ENV_SPACE = String.raw`(?<=^[ \t]*ENV[ \t]+[A-Za-z0-9_.-]{1,80})[ \t]+["']?`;

export interface AssignmentSpec {
  readonly id: string;
  readonly provider: string;
  readonly kind: string;
  /** regex alternatives for the key, lower case (matched case-insensitively) */
  readonly keys: string;
  readonly keywords: readonly string[];
  readonly value: CharClass;
  readonly length: readonly [number, number];
  /** the key name the samples use */
  readonly sampleKey: string;
  readonly minEntropy?: number;
  readonly check?: (value: string) => boolean;
  /** further separators between key and value (regex alternatives) */
  readonly separators?: string;
  /** a valid sample value, where random characters of the class would not be one */
  readonly sample?: (random: SampleRandom) => string;
  readonly impact: string;
  readonly revoke: string;
  readonly references: readonly string[];
  readonly negatives?: readonly string[];
  readonly severity?: Severity;
}

/** A credential recognised by the key it is assigned to: its value alone has no marker. */
export function assignmentDetector(spec: AssignmentSpec): Detector {
  const [min, max] = spec.length;
  let random: SampleRandom | undefined;
  const sample = (): string => {
    random ??= new SampleRandom(spec.id);
    return spec.sample?.(random) ?? random.chars(spec.value.chars, min);
  };
  const minEntropy = spec.minEntropy ?? 3;
  const key = spec.sampleKey;
  let samples: Detector['samples'] | undefined;
  let pattern: RegExp | undefined;
  return {
    id: spec.id,
    provider: spec.provider,
    kind: spec.kind,
    keywords: spec.keywords,
    // made on first read, as tokenDetector's
    get pattern(): RegExp {
      return pattern ??= new RegExp(`(?<![A-Za-z0-9])(?:${spec.keys})(?:${ASSIGN}|${DOCKERFILE_ENV_SPACE}${spec.separators ? `|${spec.separators}` : ''})(?<secret>[${spec.value.regex}]{${min},${max}})(?![${spec.value.regex}])`, 'gim');
    },
    validate: (value) => !isPlaceholder(value) && !isDocumentedExample(value) && longestRun(value) < 5
      && shannonEntropy(value) >= minEntropy && (spec.check?.(value) ?? true),
    priority: PRIORITY.provider,
    byName: true,
    severity: spec.severity ?? 'critical',
    window: { before: 0, after: 160 },
    docs: { impact: spec.impact, revoke: spec.revoke, references: spec.references },
    // generated on first read (docs, tests): a scan never reads them
    get samples(): Detector['samples'] {
      return samples ??= {
        file: 'config.yaml',
        positives: [`${key}: "${sample()}"`, `- name: ${key.toUpperCase()}\n  value: ${sample()} # expect: ${spec.id}`],
        negatives: [
          `${key}: \${${key.toUpperCase()}}`,
          `${key}: ${'x'.repeat(min)}`,
          `${key}: ${sample().slice(0, min - 1)}`,
          `- name: ${key.toUpperCase()}\n  valueFrom:\n    secretKeyRef: {name: creds, key: ${key}}`,
          ...(spec.negatives ?? []),
        ],
      };
    },
  };
}

/** Values that are random enough to be a secret: long, varied, not a word or a number. */
export function looksRandom(value: string, minLength = 12): boolean {
  if (value.length < minLength) return false;
  if (/^[0-9]+$/.test(value) || /^[a-z]+$/i.test(value)) return false;
  const entropy = shannonEntropy(value);
  // 16 symbols carry at most 4 bits: random hex of 24–40 digits measures 3.3–3.8, not base62's 4.5+
  if (/^[0-9a-f]+$/i.test(value)) return characterClasses(value) >= 2 && entropy >= (value.length >= 24 ? 3.1 : 2.9);
  return characterClasses(value) >= 2 && entropy >= (value.length >= 24 ? 3.5 : 3.2);
}
