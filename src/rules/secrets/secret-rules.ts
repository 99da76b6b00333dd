import { DETECTORS } from '../../secrets/catalogue.js';
import type { Detector } from '../../secrets/detector.js';
import type { Rule, RuleExample } from '../rule.js';
import { reportSecrets, SECRET_MESSAGES, takenForExample } from './report-secrets.js';

const WHY = 'A credential committed to a GitOps repository is readable by everyone who can read the repository, its forks, clones and CI logs, and it stays in Git history after the line is deleted: removing it from the file does not un-leak it.';
const IN_TEST_FIXTURES = 'A key under a test-fixture path (`testdata/`, `test/`, `tests/`, `__tests__/`, `fixtures/`, `e2e/`) or in a test source file (`*_test.go`, `*.test.ts`, `test_*.py`, `*Test.java`…) is reported at low severity, saying so: such keys are nearly always generated for the tests. It stays in the report, since a real key copied there is leaked all the same; `ignore:` or a severity for the rule in `.rampart.yaml` decides otherwise.';
const IN_DOCUMENTATION = 'In vendored code (`vendor/`, `node_modules/`, `third_party/`, `.yarn/releases/`) it is reported at low severity, taken for another project\'s test data or example. In documentation (`*.md`, `*.mdx`, `*.rst`, `*.adoc`, and files under `docs/`, `doc/`, `documentation/`, `website/`) it is reported at low severity, saying it was taken for an example for the reader; tokens with a checksum or a vendor marker of their own keep their severity there.';
const IN_TEST_DATA = 'In a test source (`*_test.go`, `*.test.ts`, `test_*.py`…) or a test-data directory (`testdata/`, `testresources/`, `fixtures/`, `__tests__/`, a chart\'s `ci/*-values.yaml`) it is reported at low severity, taken for a value made for the tests; not everywhere under `test/` or `e2e/`, where a test environment\'s real credentials live too.';
const DELIVER = 'Then remove it from the file (and rewrite history if it was ever pushed), and deliver it at runtime instead: a SOPS-encrypted file, a SealedSecret, or an ExternalSecret that reads a secret manager.';

function marked(text: string, id: string): string {
  if (text.includes('expect:')) return text;
  const newline = text.indexOf('\n');
  return newline === -1 ? `${text} # expect: ${id}` : `${text.slice(0, newline)} # expect: ${id}${text.slice(newline)}`;
}

/**
 * One rule per credential format, generated from its detector: metadata, docs and runnable
 * examples all come from the detector's definition and samples (which stand in for fixtures).
 */
export function secretRule(detector: Detector): Rule {
  const { docs } = detector;
  let examples: Rule['examples'] | undefined;
  const rule: Rule = {
    id: detector.id,
    layer: 'secrets',
    severity: detector.severity,
    summary: docs.summary ?? `A ${detector.provider} ${detector.kind} in a file or in Git history`,
    rationale: `${docs.impact} ${WHY}${detector.localKey ? ` ${IN_TEST_FIXTURES}` : ''}${takenForExample(detector) && !detector.localKey ? ` ${IN_TEST_DATA}` : ''}${takenForExample(detector) ? ` ${IN_DOCUMENTATION}` : ''}`,
    remediation: `${docs.revoke} ${DELIVER}`,
    references: docs.references,
    messages: SECRET_MESSAGES,
    // built on first read (docs, the catalogue test): a scan never reads them, and samples take time to generate
    get examples(): Rule['examples'] {
      if (!examples) {
        const { samples } = detector;
        const bad: RuleExample[] = [{ file: samples.file, code: `${samples.positives.map((text) => marked(text, detector.id)).join('\n')}\n` }];
        const good: RuleExample[] = [{ file: samples.file, code: `${samples.negatives.join('\n')}\n` }];
        examples = { bad, good };
      }
      return examples;
    },
    check: (context) => reportSecrets(context, rule, detector),
  };
  return rule;
}

export const generatedSecretRules: readonly Rule[] = DETECTORS.map(secretRule);
