/**
 * Test-fixture paths: directories of test data (`testdata/`, `testresources/`, `test/`, `tests/`, `fixtures/`,
 * `__tests__/`, `e2e/`), test source files (`*_test.go`, `*.test.ts`, `test_*.py`, `*Test.java`,
 * `*_spec.rb`), key files named for a test (`*_test.pem`) and a Helm chart's `ci/*-values.yaml`. A private key there is, nearly always, one generated for the tests (a TLS server
 * for an integration test, a signer for a unit test): it is still reported, at low severity and
 * saying why, since a key copied there from production is as leaked as anywhere else. Tokens a
 * service issues keep their severity everywhere: one in a test is as live as one in a config.
 */
/** directories that say their keys are not real: `fake-keys/`, `dummy_certs/`, `insecure-keys/` */
const FAKE_KEYS = String.raw`(?:fake|dummy|mock|insecure)[-_]?(?:keys?|certs?|secrets?|credentials?)`;
/** test data directories, also named for what they test (`headlamp_testdata/`, `eks_test_fixture/`) */
const DATA_NAMES = String.raw`(?:[A-Za-z0-9]*[-_])?(?:testdata|test[-_]?fixtures?|fixtures?|test[-_]?resources?)|test[-_]data|__tests__|__fixtures__|${FAKE_KEYS}`;
const FIXTURE_DIRECTORY = new RegExp(String.raw`(?:^|\/)(${DATA_NAMES}|tests?|e2e)\/`, 'i');
/**
 * Directories that hold only test data, not a test suite's whole tree: `test/` and `e2e/` are left
 * out, since a GitOps repository's `clusters/test/` is a live environment whose passwords are real.
 */
const TEST_DATA_DIRECTORY = new RegExp(String.raw`(?:^|\/)(${DATA_NAMES})\/`, 'i');
/**
 * test sources (also Robot Framework suites, `*.robot`), key files named for a test (`github_test.pem`),
 * and the environment a test runner loads (`.env.test` for Jest, Symfony, Next.js; Laravel's `.env.testing`)
 */
const TEST_FILE = /(?:_test\.go|[._-](?:test|spec)\.[cm]?[jt]sx?|_test\.py|Tests?\.(?:java|kt|cs)|_spec\.rb|\.robot|[._-]test\.(?:pem|key|der|p12|pfx|jks))$|(?:^|\/)(test_[^/]*\.py|\.env\.test(?:ing)?(?:\.local)?)$/;
/** a Helm chart's chart-testing values (`<chart>/ci/*-values.yaml`) */
const CHART_TEST_VALUES = /(?:^|\/)ci\/[^/]*values\.ya?ml$/;

/** The part of `path` that marks it a test fixture (`testdata/`, `_test.go`), or undefined. */
export function testFixtureMarker(path: string): string | undefined {
  const directory = FIXTURE_DIRECTORY.exec(path);
  if (directory) return `${directory[1]}/`;
  const file = TEST_FILE.exec(path);
  if (file) return file[1] ?? file[0];
  return CHART_TEST_VALUES.test(path) ? 'ci/' : undefined;
}

/**
 * The part of `path` that marks it test data for a value known only by its name or placement (a
 * password in `creds_test.go`, `testdata/config.json`): test sources, test-data directories and
 * chart-testing values, but not every path under `test/` or `e2e/`.
 */
export function testDataMarker(path: string): string | undefined {
  const directory = TEST_DATA_DIRECTORY.exec(path);
  if (directory) return `${directory[1]}/`;
  const file = TEST_FILE.exec(path);
  if (file) return file[1] ?? file[0];
  return CHART_TEST_VALUES.test(path) ? 'ci/' : undefined;
}

/** The severity of a private key found in a test-fixture path. */
export const TEST_FIXTURE_SEVERITY = 'low';
