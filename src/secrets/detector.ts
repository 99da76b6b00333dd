import type { Severity } from '../model/severity.js';

/**
 * One credential format: how to find it (keywords, then a linear regex near them), how to tell it
 * from look-alikes offline, and samples that must and must not be found. Each detector becomes
 * the rule `id`.
 */
export interface Detector {
  /** the rule id, `secret-<provider>-<kind>` */
  readonly id: string;
  readonly provider: string;
  readonly kind: string;
  /** case-insensitive ASCII words; the regex only runs on lines near one of them */
  readonly keywords: readonly string[];
  /** global; the secret is the named group `secret`, or the whole match */
  readonly pattern: RegExp;
  /** false when the candidate fails a checksum, a parse, or is a known example */
  readonly validate?: (secret: string, context: MatchContext) => boolean;
  /** on overlapping matches the higher priority wins: provider formats over generic ones */
  readonly priority: number;
  readonly severity: Severity;
  /** only files whose path matches */
  readonly paths?: RegExp;
  /**
   * Key material made locally (`openssl genpkey`, `ssh-keygen`, `age-keygen`, `wg genkey`), not
   * issued by a service: in a test-fixture path it is taken for a key generated for the tests
   * (reported at low severity, saying so).
   */
  readonly localKey?: boolean;
  /**
   * The value has no marker or checksum of its own: it is recognised by the key it is assigned to
   * (`AWS_SECRET_ACCESS_KEY=…`, `DD_API_KEY: …`). In documentation it is taken for an example, as
   * the generic and structural rules' findings are.
   */
  readonly byName?: boolean;
  /** texts of which every match holds one: lines around a keyword holding none are not searched (the regex could not match there) */
  readonly requires?: readonly string[];
  /**
   * Offsets of a text where a match can start, ascending (all of them, and perhaps more): the
   * pattern is then tried at these alone, sticky, rather than at every offset. For a pattern whose
   * every offset costs a long look-ahead.
   */
  readonly starts?: (text: string) => readonly number[];
  /** characters around a keyword hit the regex may need (rounded out to whole lines) */
  readonly window: { readonly before: number; readonly after: number };
  readonly docs: {
    /** one line for the catalogue; defaults to "A <provider> <kind> in a file or in Git history" */
    readonly summary?: string;
    /** what someone holding it can do */
    readonly impact: string;
    /** how to revoke or rotate it */
    readonly revoke: string;
    readonly references: readonly string[];
  };
  readonly samples: {
    /** file the samples are written in */
    readonly file: string;
    /** texts whose first line must fire */
    readonly positives: readonly string[];
    /** texts that must stay quiet */
    readonly negatives: readonly string[];
  };
}

export interface MatchContext {
  readonly path: string;
  /** the pattern's named groups (`key`: the name the value is assigned to, `host`…) */
  readonly groups: Readonly<Record<string, string | undefined>>;
  /** the text scanned, and where in it the whole match starts: for checks that need the surroundings */
  readonly text?: string;
  readonly index?: number;
  /** the whole match */
  readonly match?: string;
}

export const PRIORITY = { generic: 0, structural: 1, provider: 2, specific: 3 } as const;

export const DEFAULT_WINDOW = { before: 0, after: 0 } as const;

/** Escapes text for use inside a regular expression. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** `GITHUB_OAUTH_TOKEN` for `secret-github-oauth-token`: the variable samples assign to. */
export function variableName(id: string): string {
  return id.replace(/^secret-/, '').replace(/-/g, '_').toUpperCase();
}

const madeSamples = new WeakMap<object, Detector['samples']>();

/**
 * A detector's samples, made on first read and kept: docs and tests read them, a scan never does,
 * so start-up does not pay for generating hundreds of them (random values, keys, checksums).
 */
export function samplesOnce(detector: object, make: () => Detector['samples']): Detector['samples'] {
  let samples = madeSamples.get(detector);
  if (samples === undefined) madeSamples.set(detector, samples = make());
  return samples;
}
