/**
 * Test-fixture paths: directories of test data (`testdata/`, `test/`, `tests/`, `fixtures/`,
 * `__tests__/`, `e2e/`) and test source files (`*_test.go`, `*.test.ts`, `test_*.py`, `*Test.java`,
 * `*_spec.rb`). A private key there is, nearly always, one generated for the tests (a TLS server
 * for an integration test, a signer for a unit test): it is still reported, at low severity and
 * saying why, since a key copied there from production is as leaked as anywhere else. Tokens a
 * service issues keep their severity everywhere: one in a test is as live as one in a config.
 */
const FIXTURE_DIRECTORY = /(?:^|\/)(testdata|test[-_]data|tests?|__tests__|fixtures?|__fixtures__|test[-_]?fixtures|e2e)\//i;
const TEST_FILE = /(?:_test\.go|[._-](?:test|spec)\.[cm]?[jt]sx?|_test\.py|Tests?\.(?:java|kt|cs)|_spec\.rb)$|(?:^|\/)(test_[^/]*\.py)$/;

/** The part of `path` that marks it a test fixture (`testdata/`, `_test.go`), or undefined. */
export function testFixtureMarker(path: string): string | undefined {
  const directory = FIXTURE_DIRECTORY.exec(path);
  if (directory) return `${directory[1]}/`;
  const file = TEST_FILE.exec(path);
  return file ? file[1] ?? file[0] : undefined;
}

/** The severity of a private key found in a test-fixture path. */
export const TEST_FIXTURE_SEVERITY = 'low';
