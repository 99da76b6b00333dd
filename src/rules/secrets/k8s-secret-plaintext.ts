import { isRandomSecretValue } from '../../secrets/detectors/generic-value-shape.js';
import { plaintextValues, type SecretManifest, type SecretValue } from '../../secrets/kubernetes-secret.js';
import { redacted, secretHash } from '../../secrets/redact.js';
import { findSecrets } from '../../secrets/scan-text.js';
import { generatedSecrets } from '../../secrets/secret-generator.js';
import { treeSecrets } from '../../secrets/tree-scan.js';
import { defineRule, type RuleContext } from '../rule.js';
import type { Span } from '../../model/span.js';
import type { HistoryHit } from '../../secrets/history/history-hit.js';
import { historySecrets } from './history-scan.js';
import { TEST_FIXTURE_SEVERITY } from '../../secrets/test-fixture.js';
import { historyFinding, loweredExample } from './report-secrets.js';

const EXAMPLE = '; in {where} (`{marker}`): low severity, taken for {taken}';
const EXAMPLE_WORDS = {
  documentation: { where: 'documentation', taken: 'an example' },
  vendored: { where: 'vendored code', taken: 'another project\'s test data or example' },
  testFixture: { where: 'a test-fixture path', taken: 'a value made for the tests' },
} as const;

function looksLikeSecret(value: SecretValue): boolean {
  const clear = value.clear ?? '';
  return findSecrets(clear, value.span.path).length > 0 || isRandomSecretValue(clear, 8);
}

const rule = defineRule({
  id: 'k8s-secret-plaintext',
  layer: 'secrets',
  severity: 'high',
  objectKinds: ['Secret', 'SealedSecret', 'Kustomization'],
  summary: 'A Kubernetes Secret manifest whose data/stringData values are committed in clear (not SOPS-encrypted), in the tree or, with --history, in any commit; or a kustomize secretGenerator that builds one from literals, env files or files in clear',
  rationale: 'Base64 under `data:` is an encoding, not encryption: anyone who can read the repository reads every value of a committed Secret, and Git keeps them after the file is changed. GitOps needs Secrets in Git to be ciphertext (SOPS, Sealed Secrets) or references (External Secrets). A value a detector reports (a private key, a token) is that detector\'s finding alone, one finding per secret. A Secret in documentation (`docs/`, `website/`, a `*.md` page) is reported at low severity, taken for an example for the reader; one in vendored code (`vendor/`, `node_modules/`), taken for another project\'s example.',
  remediation: 'Rotate the values, then commit the Secret encrypted (`sops --encrypt --encrypted-regex "^(data|stringData)$"`), as a SealedSecret (`kubeseal`), or as an ExternalSecret that reads a secret manager; never the plain manifest.',
  references: [
    'https://kubernetes.io/docs/concepts/configuration/secret/#information-security-for-secrets',
    'https://fluxcd.io/flux/guides/mozilla-sops/',
    'https://github.com/bitnami-labs/sealed-secrets',
    'https://external-secrets.io/latest/',
  ],
  messages: {
    plaintext: '{secret} holds {count} value(s) in clear: {keys}',
    sopsLeak: '`{key}` of {secret} is not encrypted although the file is SOPS-encrypted',
    generated: 'secretGenerator {name} builds a Secret from {count} value(s) committed in clear: {keys}',
    plaintextExample: `{secret} holds {count} value(s) in clear: {keys}${EXAMPLE}`,
    sopsLeakExample: `\`{key}\` of {secret} is not encrypted although the file is SOPS-encrypted${EXAMPLE}`,
    generatedExample: `secretGenerator {name} builds a Secret from {count} value(s) committed in clear: {keys}${EXAMPLE}`,
  },
  examples: {
    bad: [{
      file: 'db-secret.yaml',
      code: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: orders-db\ntype: Opaque\nstringData:\n  username: orders\n  password: Vq3xT9mLw2ZpR7sK # expect: k8s-secret-plaintext\n',
    }],
    good: [{
      file: 'db-secret.yaml',
      code: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: orders-db\nstringData:\n  password: ENC[AES256_GCM,data:q8Jt3w==,iv:bW9ja2l2,tag:dGFn,type:str]\nsops:\n  age:\n    - recipient: age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq\n  encrypted_regex: ^(data|stringData)$\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: template\nstringData:\n  password: ${DB_PASSWORD}\n',
    }],
  },
  async check(context) {
    const tree = treeSecrets(context.workspace, context.config.maxFindingsPerFile);
    const reported = groupBy(tree.found.map((found) => found.span), (span) => span.path);
    for (const manifest of tree.manifests) {
      const name = `Secret/${manifest.object.name ?? '(unnamed)'}`;
      const plain = plaintextValues(manifest).filter((value) => !overlapsAny(reported.get(value.span.path), value.span.start, value.span.end));
      if (manifest.sops) {
        for (const value of plain.filter(looksLikeSecret)) {
          const example = inDocumentation(value.span.path);
          context.report({ messageId: example ? 'sopsLeakExample' : 'sopsLeak', at: value.span, data: { key: value.key, secret: name, ...example?.data }, subject: `${name}/${value.key}/${secretHash(value.raw)}`, snippet: tree.snippet(value.span.path, value.span.start), ...example?.lowered });
        }
        continue;
      }
      const first = plain[0];
      if (!first) continue;
      const example = inDocumentation(first.span.path);
      context.report({
        messageId: example ? 'plaintextExample' : 'plaintext',
        at: first.span,
        data: { secret: name, count: plain.length, keys: plain.map((value) => value.key).join(', '), ...example?.data },
        subject: name,
        snippet: tree.snippet(first.span.path, first.span.start),
        ...example?.lowered,
      });
    }
    for (const generated of generatedSecrets(context.workspace)) {
      const first = generated.values[0]!;
      const example = inDocumentation(first.at.path);
      context.report({
        messageId: example ? 'generatedExample' : 'generated',
        at: first.at,
        data: { name: generated.name, count: generated.values.length, keys: generated.values.map((value) => (value.span.path === generated.at.path ? value.key : `${value.key} (${value.span.path})`)).join(', '), ...example?.data },
        subject: `secretGenerator/${generated.name}/${generated.values.map((value) => secretHash(value.clear)).join(',')}`,
        // the generator's values are no detector's matches: the tree's redactions do not know them
        snippet: `${first.key}=${redacted(first.clear)}`,
        ...example?.lowered,
      });
    }
    await reportHistory(context, tree.manifests);
  },
});

/** A Secret in a doc tree, a prose file or vendored code is an example: low severity, saying so, with the `documentation` or `vendored` property. */
function inDocumentation(path: string): { data: { marker: string; where: string; taken: string }; lowered: { severity: typeof TEST_FIXTURE_SEVERITY; properties: Record<string, string> } } | undefined {
  const lowered = loweredExample(path);
  return lowered && { data: { marker: lowered.marker, ...EXAMPLE_WORDS[lowered.property] }, lowered: { severity: TEST_FIXTURE_SEVERITY, properties: { [lowered.property]: lowered.marker } } };
}

/**
 * Values committed in clear that the working tree no longer holds in clear, at the commit that
 * added them; not a value a detector's hit of the same commit covers (a PEM key, a token: the
 * detector names what it is).
 */
async function reportHistory(context: RuleContext, manifests: readonly SecretManifest[]): Promise<void> {
  const history = await historySecrets(context);
  if (!history) return;
  const inTree = new Set(manifests.filter((manifest) => !manifest.sops).flatMap(plaintextValues).map((value) => secretHash(value.clear ?? value.raw)));
  const mine = history.hits.filter((hit) => hit.ruleId === rule.id && !inTree.has(hit.hash));
  if (mine.length === 0) return;
  const others = groupBy(history.hits.filter((hit) => hit.ruleId !== rule.id), versionOf);
  for (const hit of mine) {
    if (others.get(versionOf(hit))?.some((other) => hitsOverlap(hit, other))) continue;
    context.reportFinding?.(historyFinding(context, rule, 'A Kubernetes Secret value in clear', hit, loweredExample(hit.path)));
  }
}

/** items by a key of theirs, in their order */
function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(keyOf(item));
    if (list) list.push(item);
    else groups.set(keyOf(item), [item]);
  }
  return groups;
}

/**
 * One finding per secret: a Secret value a detector reports (a private key under `tls.key`, a
 * token in the base64 of `data`) is that detector's finding, which says what the secret is; this
 * rule reports the values no detector recognises.
 */
function overlapsAny(spans: readonly Span[] | undefined, start: number, end: number): boolean {
  return spans?.some((span) => span.start < end && start < span.end) ?? false;
}

const versionOf = (hit: HistoryHit): string => `${hit.commit}\0${hit.path}`;

/** whether two hits of one file version overlap, by their line and column ranges */
function hitsOverlap(a: HistoryHit, b: HistoryHit): boolean {
  const before = (line: number, column: number, otherLine: number, otherColumn: number): boolean => line < otherLine || (line === otherLine && column < otherColumn);
  return before(a.line, a.column, b.endLine, b.endColumn) && before(b.line, b.column, a.endLine, a.endColumn);
}

export default rule;
