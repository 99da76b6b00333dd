import type { ResolvedConfig } from '../config/schema.js';
import type { ScanSettings } from '../engine/settings.js';
import type { Finding, TextEdit } from '../model/finding.js';
import type { Layer, Severity } from '../model/severity.js';
import type { Span } from '../model/span.js';
import type { Workspace } from '../model/workspace.js';

export interface RuleExample {
  /** file name the example is written in, e.g. `deployment.yaml` */
  readonly file: string;
  readonly code: string;
  /** `.rampart.yaml` text the example runs with */
  readonly config?: string;
  /** `--resolve` rules: what the registry holds (a `RegistrySnapshot` as JSON), served offline */
  readonly registry?: string;
}

export interface RuleMeta<MessageId extends string = string> {
  /** kebab-case, equal to the file name; stable forever once shipped */
  readonly id: string;
  readonly layer: Layer;
  readonly severity: Severity;
  /** one line */
  readonly summary: string;
  /** why it matters */
  readonly rationale: string;
  /** what to do; shown with every finding */
  readonly remediation: string;
  readonly references: readonly string[];
  /** message templates with {placeholders} */
  readonly messages: Readonly<Record<MessageId, string>>;
  readonly fixable?: boolean;
  /** only runs when the scan asks for it (network, history) */
  readonly requires?: 'resolve' | 'history' | 'verify' | 'forge' | 'watch' | 'deps';
  /** what turns the rule on, for users, when it is more than the `--<requires>` flag */
  readonly runsWith?: string;
  /**
   * For rules whose subject is not a file of the tree (commits, registry contents): the test file
   * that exercises them against real git or a real registry, in place of fixtures and runnable examples.
   */
  readonly integrationTest?: string;
  /**
   * The kinds of Kubernetes object the rule reads (`kind` values, any API group): in a tree of
   * objects none of which has one of these kinds, it finds nothing. `[]`: it reads no object
   * (workflows, Dockerfiles, Terraform, Chart.yaml, kustomization.yaml, commits). Left out: any
   * kind may give a finding. The admission webhook runs a rule only on the kinds it names; a test
   * runs every rule over every fixture and corpus object to prove a skipped rule finds nothing.
   */
  readonly objectKinds?: readonly string[];
  readonly examples: { readonly bad: readonly RuleExample[]; readonly good: readonly RuleExample[] };
}

export interface ReportDescriptor<MessageId extends string = string> {
  readonly messageId: MessageId;
  readonly at: Span;
  readonly data?: Readonly<Record<string, string | number>>;
  /** what the finding is about, for its fingerprint; defaults to the text at `at` */
  readonly subject?: string;
  readonly severity?: Severity;
  readonly fix?: { readonly description: string; readonly edits: readonly TextEdit[] };
  readonly properties?: Readonly<Record<string, string | number | boolean>>;
  /** the line to show, when the source line must not be shown as is (a secret on it is redacted) */
  readonly snippet?: string;
}

export interface RuleContext<MessageId extends string = string> {
  readonly workspace: Workspace;
  readonly config: ResolvedConfig;
  readonly settings: ScanSettings;
  report(descriptor: ReportDescriptor<MessageId>): void;
  /** adds a finding built elsewhere (history scans, where the span is in a past commit) */
  reportFinding?(finding: Finding): void;
}

export interface Rule<MessageId extends string = string, Carried = unknown> extends RuleMeta<MessageId> {
  /**
   * A rule that joins a small fact of one file with another file's: a new record for each scan, which
   * `check` fills and `finish` reads. A large tree is checked in batches (engine/batches.ts), and the
   * file that settles a finding may be in a later batch than the object it is about.
   */
  carried?(): Carried;
  check(context: RuleContext<MessageId>, carried: Carried): void | Promise<void>;
  /** Runs once after `check` has seen every batch of the tree (the whole tree when it is one batch). */
  finish?(context: RuleContext<MessageId>, carried: Carried): void;
}

/** Identity at runtime; at compile time ties `report` message ids to the rule's `messages`. */
export function defineRule<MessageId extends string, Carried = unknown>(rule: Rule<MessageId, Carried>): Rule {
  return rule as unknown as Rule;
}

/** Longest text one placeholder adds to a message: a chart with 5,000 dependencies must not write a 40 KB line. */
const MAX_VALUE_LENGTH = 300;

/** A long list (`a, b, c, …`) keeps its first items and says how many more there are; other long text is cut. */
function bounded(value: string): string {
  if (value.length <= MAX_VALUE_LENGTH) return value;
  const items = value.split(', ');
  if (items.length === 1) return `${value.slice(0, MAX_VALUE_LENGTH)}…`;
  const kept: string[] = [];
  let length = 0;
  for (const item of items) {
    if (length + item.length > MAX_VALUE_LENGTH && kept.length > 0) break;
    kept.push(item);
    length += item.length + 2;
  }
  return `${kept.join(', ')} and ${items.length - kept.length} more`;
}

export function formatMessage(template: string, data: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in data ? bounded(String(data[key])) : whole));
}
