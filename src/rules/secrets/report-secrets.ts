import { fingerprint } from '../../engine/fingerprint.js';
import type { Finding } from '../../model/finding.js';
import { PRIORITY, type Detector } from '../../secrets/detector.js';
import { documentationMarker } from '../../secrets/documentation.js';
import { vendoredMarker } from '../../secrets/vendored.js';
import type { HistoryHit } from '../../secrets/history/history-hit.js';
import { testDataMarker, testFixtureMarker, TEST_FIXTURE_SEVERITY } from '../../secrets/test-fixture.js';
import { treeSecrets, type FoundSecret, type TreeSecrets } from '../../secrets/tree-scan.js';
import { formatMessage, type Rule, type RuleContext } from '../rule.js';
import { historyAsked, historySecrets } from './history-scan.js';

const FIXTURE = ' in a test-fixture path (`{marker}`): low severity, taken for {taken}';
const DOCUMENTATION = ' in documentation (`{marker}`): low severity, taken for an example';
const VENDORED = ' in vendored code (`{marker}`): low severity, taken for another project\'s test data or example';

export const SECRET_MESSAGES = {
  found: '{what} {preview}… (sha256 {hash})',
  decoded: '{what} {preview}… (sha256 {hash}) in the base64 value of `{key}` in {secret}',
  history: '{what} {preview}… (sha256 {hash}) added in commit {commit}',
  staged: '{what} {preview}… (sha256 {hash}) in a staged change',
  fixture: `{what} {preview}… (sha256 {hash})${FIXTURE}`,
  decodedFixture: `{what} {preview}… (sha256 {hash}) in the base64 value of \`{key}\` in {secret}${FIXTURE}`,
  historyFixture: `{what} {preview}… (sha256 {hash}) added in commit {commit}${FIXTURE}`,
  documentation: `{what} {preview}… (sha256 {hash})${DOCUMENTATION}`,
  decodedDocumentation: `{what} {preview}… (sha256 {hash}) in the base64 value of \`{key}\` in {secret}${DOCUMENTATION}`,
  historyDocumentation: `{what} {preview}… (sha256 {hash}) added in commit {commit}${DOCUMENTATION}`,
  vendored: `{what} {preview}… (sha256 {hash})${VENDORED}`,
  decodedVendored: `{what} {preview}… (sha256 {hash}) in the base64 value of \`{key}\` in {secret}${VENDORED}`,
  historyVendored: `{what} {preview}… (sha256 {hash}) added in commit {commit}${VENDORED}`,
} as const;

type MessageId = keyof typeof SECRET_MESSAGES;

/**
 * Why a finding is taken for something other than a live credential, and reported at low severity:
 * a key generated for the tests, or an example in documentation. `marker` is the part of the path
 * that says so; `property` the finding property that carries it.
 */
export interface Lowered {
  readonly property: 'testFixture' | 'documentation' | 'vendored';
  readonly marker: string;
  /** what it was taken for, in a test-fixture path */
  readonly taken?: string;
}

const KEY_FOR_TESTS = 'a key generated for the tests';
const VALUE_FOR_TESTS = 'a value made for the tests';

/**
 * Whether a finding of `detector` can be taken for an example: a locally made key, or a value only
 * a key name, a placement or its structure recognises (the generic, placement, structural and
 * keyed-provider rules, and provider rules keyed by name such as the AWS secret access key). A
 * token with a checksum or a vendor marker of its own never is.
 */
export function takenForExample(detector: Pick<Detector, 'localKey' | 'priority' | 'byName'>): boolean {
  return detector.localKey === true || detector.byName === true || detector.priority <= PRIORITY.structural;
}

/**
 * How a finding of `detector` at `path` is lowered, if it is: a locally made key in a test-fixture
 * path; a value known by its name or placement in a test source or test-data directory
 * (`creds_test.go`, `testdata/`); either in vendored code (`vendor/`) or in documentation.
 */
export function loweredFor(detector: Pick<Detector, 'localKey' | 'priority' | 'byName'>, path: string): Lowered | undefined {
  const fixture = detector.localKey ? testFixtureMarker(path) : undefined;
  if (fixture) return { property: 'testFixture', marker: fixture, taken: KEY_FOR_TESTS };
  if (!takenForExample(detector)) return undefined;
  const testData = detector.localKey ? undefined : testDataMarker(path);
  if (testData) return { property: 'testFixture', marker: testData, taken: VALUE_FOR_TESTS };
  const vendored = vendoredMarker(path);
  if (vendored) return { property: 'vendored', marker: vendored };
  const documentation = documentationMarker(path);
  return documentation ? { property: 'documentation', marker: documentation } : undefined;
}

/** How a finding of a rule that is not a detector (a Secret manifest) is lowered: in vendored code, or in documentation. */
export function loweredExample(path: string): Lowered | undefined {
  const vendored = vendoredMarker(path);
  if (vendored) return { property: 'vendored', marker: vendored };
  const marker = documentationMarker(path);
  return marker ? { property: 'documentation', marker } : undefined;
}

/**
 * Reports one detector's credentials: those in the working tree where they are (annotated with the
 * commit that introduced them when history was scanned), and those only history still holds at
 * the commit that introduced them. The secret itself never leaves: a prefix and a hash do.
 */
export function reportSecrets(context: RuleContext<MessageId>, rule: Rule, detector: Detector): void | Promise<void> {
  const tree = treeSecrets(context.workspace, context.config.maxFindingsPerFile);
  const mine = foundBy(tree).get(detector.id) ?? NONE;
  const what = `${detector.provider} ${detector.kind}`;
  const lowered = (path: string): Lowered | undefined => loweredFor(detector, path);
  // Most scans (and every admission request) read no history: hundreds of detector rules then end
  // here without waiting, which is most of what they cost when nothing is found.
  if (!historyAsked(context)) return reportTree(context, tree, mine, what, new Map(), lowered);
  return historySecrets(context).then((history) => {
    const hits = history?.hits.filter((hit) => hit.ruleId === detector.id) ?? [];
    reportTree(context, tree, mine, what, new Map(hits.map((hit) => [hit.hash, hit])), lowered);
    const inTree = new Set(mine.map((found) => found.hash));
    for (const hit of hits) {
      if (!inTree.has(hit.hash)) context.reportFinding?.(historyFinding(context, rule, what, hit, lowered(hit.path)));
    }
  });
}

const NONE: readonly FoundSecret[] = [];
/** The tree's secrets kept grouped by detector (not in a WeakMap, which V8 clears only in full collections). */
const BY_DETECTOR = Symbol('secrets by detector');

/** The tree's secrets grouped by detector once, for the hundreds of rules that each want their own. */
function foundBy(tree: TreeSecrets): ReadonlyMap<string, readonly FoundSecret[]> {
  const cached = tree as TreeSecrets & { [BY_DETECTOR]?: Map<string, FoundSecret[]> };
  let grouped = cached[BY_DETECTOR];
  if (!grouped) {
    grouped = new Map();
    for (const found of tree.found) {
      const list = grouped.get(found.detector.id);
      if (list) list.push(found);
      else grouped.set(found.detector.id, [found]);
    }
    cached[BY_DETECTOR] = grouped;
  }
  return grouped;
}

const TREE_MESSAGE: Record<Lowered['property'], { plain: MessageId; decoded: MessageId }> = {
  testFixture: { plain: 'fixture', decoded: 'decodedFixture' },
  documentation: { plain: 'documentation', decoded: 'decodedDocumentation' },
  vendored: { plain: 'vendored', decoded: 'decodedVendored' },
};

function reportTree(context: RuleContext<MessageId>, tree: TreeSecrets, mine: readonly FoundSecret[], what: string, introduced: ReadonlyMap<string, HistoryHit>, lowered: (path: string) => Lowered | undefined): void {
  for (const found of mine) {
    const origin = introduced.get(found.hash);
    const low = lowered(found.span.path);
    const messages = low ? TREE_MESSAGE[low.property] : { plain: 'found' as const, decoded: 'decoded' as const };
    context.report({
      messageId: found.decodedFrom ? messages.decoded : messages.plain,
      at: found.span,
      data: { what, preview: found.preview, hash: found.hash, ...(found.decodedFrom ?? {}), ...(low ? { marker: low.marker, taken: low.taken ?? '' } : {}) },
      subject: found.hash,
      snippet: tree.snippet(found.span.path, found.span.start),
      ...(low ? { severity: TEST_FIXTURE_SEVERITY } : {}),
      properties: { secretHash: found.hash, ...(origin ? originProperties(origin) : {}), ...(low ? { [low.property]: low.marker } : {}) },
    });
  }
}

function originProperties(hit: HistoryHit): Record<string, string | boolean> {
  if (hit.commit === 'staged') return { staged: true };
  return { commit: hit.commit, author: hit.author, date: hit.date, inWorkingTree: true };
}

const HISTORY_MESSAGE: Record<Lowered['property'], string> = {
  testFixture: SECRET_MESSAGES.historyFixture,
  documentation: SECRET_MESSAGES.historyDocumentation,
  vendored: SECRET_MESSAGES.historyVendored,
};

/** A finding for a secret that only history holds, at the commit that introduced it. */
export function historyFinding(context: RuleContext, rule: Rule, what: string, hit: HistoryHit, lowered?: Lowered): Finding {
  const staged = hit.commit === 'staged';
  const template = staged ? SECRET_MESSAGES.staged : !lowered ? SECRET_MESSAGES.history : HISTORY_MESSAGE[lowered.property];
  return {
    ruleId: rule.id,
    layer: rule.layer,
    severity: context.config.rules.get(rule.id)?.severity ?? (lowered ? TEST_FIXTURE_SEVERITY : rule.severity),
    message: formatMessage(template, { what, preview: hit.preview, hash: hit.hash, commit: hit.commit.slice(0, 12), ...(lowered ? { marker: lowered.marker, taken: lowered.taken ?? '' } : {}) }),
    remediation: rule.remediation,
    docs: `${context.config.docsBaseUrl}/${rule.id}.md`,
    location: { path: hit.path, line: hit.line, column: hit.column, endLine: hit.endLine, endColumn: hit.endColumn },
    snippet: hit.snippet,
    fingerprint: fingerprint(rule.id, hit.path, hit.hash, 0),
    properties: staged
      ? { secretHash: hit.hash, staged: true }
      : { secretHash: hit.hash, commit: hit.commit, author: hit.author, date: hit.date, ...(lowered ? { [lowered.property]: lowered.marker } : {}) },
    span: { path: hit.path, start: 0, end: 0 },
  };
}
