import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../config/schema.js';
import { runRules } from '../../engine/run.js';
import { Workspace } from '../../model/workspace.js';
import type { HistoryHit } from '../../secrets/history/history-hit.js';
import { pemBlock, sampleEcDer, sampleRsaDer } from '../../secrets/pem.js';
import { SampleRandom } from '../../secrets/random.js';
import { testDataMarker, testFixtureMarker } from '../../secrets/test-fixture.js';
import type { RuleContext } from '../rule.js';
import { historyFinding, loweredFor } from './report-secrets.js';
import { generatedSecretRules } from './secret-rules.js';

const random = new SampleRandom('test-fixture-keys');
const rule = (id: string) => generatedSecretRules.find((candidate) => candidate.id === id)!;
const key = (): string => pemBlock('EC PRIVATE KEY', sampleEcDer(random));

describe('testFixtureMarker', () => {
  it('names the directory or file name that makes a path a test fixture', () => {
    expect(testFixtureMarker('pkg/tls/testdata/server.key')).toBe('testdata/');
    expect(testFixtureMarker('integration/fixtures/https/snitest.com.key')).toBe('fixtures/');
    expect(testFixtureMarker('test/e2e/suite/issuers/ca/fixtures.go')).toBe('test/');
    expect(testFixtureMarker('e2e/suites/provider/common.go')).toBe('e2e/');
    expect(testFixtureMarker('pkg/server/service/transport_test.go')).toBe('_test.go');
    expect(testFixtureMarker('src/auth/sign.test.ts')).toBe('.test.ts');
    expect(testFixtureMarker('app/test_auth.py')).toBe('test_auth.py');
    expect(testFixtureMarker('src/main/java/SignerTest.java')).toBe('Test.java');
    expect(testFixtureMarker('runtime/template/v2/_testdata/root-ca.key')).toBe('_testdata/');
    expect(testFixtureMarker('backend/cmd/headlamp_testdata/kubeconfig')).toBe('headlamp_testdata/');
    expect(testFixtureMarker('generators/v1/github/github_test.pem')).toBe('_test.pem');
    expect(testFixtureMarker('charts/prometheus-node-exporter/ci/kube-rbac-proxy-tlssecret-values.yaml')).toBe('ci/');
    expect(testFixtureMarker('internal/testresources/client-cert-key.pem')).toBe('testresources/');
    expect(testFixtureMarker('src/test-resources/tls.key')).toBe('test-resources/');
    expect(testFixtureMarker('examples/eks_test_fixture/certs/example.key.pem')).toBe('eks_test_fixture/');
    expect(testFixtureMarker('pkg/app-fixtures/key.pem')).toBe('app-fixtures/');
    expect(testFixtureMarker('workers/docker-worker/deploy/fake-keys/docker-worker-cot-signing.key')).toBe('fake-keys/');
    expect(testFixtureMarker('hack/dummy_certs/server.key')).toBe('dummy_certs/');
  });

  it('for values known by their name: test sources and test-data directories, not every path under test/ or e2e/', () => {
    expect(testDataMarker('clients/client-go/creds_test.go')).toBe('_test.go');
    expect(testDataMarker('workers/generic-worker/testdata/config/valid.json')).toBe('testdata/');
    expect(testDataMarker('test/fixtures/config.yaml')).toBe('fixtures/');
    expect(testDataMarker('charts/app/ci/ldap-values.yaml')).toBe('ci/');
    expect(testDataMarker('tests/robot-cases/Group1-Nightly/DB.robot')).toBe('.robot');
    expect(testDataMarker('.env.test')).toBe('.env.test');
    expect(testDataMarker('api/.env.testing')).toBe('.env.testing');
    for (const path of ['clusters/test/apps/db.env', '.env', 'apps/web/.env.production', '.env.test.example.md', 'docs/robot.md', 'kubernetes/tests/secret.yaml', 'e2e/config.yaml', 'apps/latest/values.yaml']) expect(testDataMarker(path), path).toBeUndefined();
  });

  it('leaves other paths alone, also those that only contain the words', () => {
    for (const path of ['clusters/prod/tls.key', 'kubernetes/apps/latest/secret.yaml', 'contest/key.pem', 'testing-tools/key.pem', 'integrations/cilium/cilium.yaml', 'attestations/signer.key', 'src/protest.ts', 'ci/deploy.yaml', '.gitlab/ci/secrets.yaml', 'clusters/integration/tls.key', 'latest.pem', 'deploy/keys/signing.key', 'secrets/fakeroot/id_rsa']) {
      expect(testFixtureMarker(path), path).toBeUndefined();
    }
  });
});

describe('private keys in test-fixture paths', () => {
  it('are reported at low severity saying why; the same key elsewhere, and issued tokens in tests, keep theirs', async () => {
    const workspace = Workspace.fromTexts({
      'clusters/prod/ingress-tls.key': `${key()}\n`,
      'pkg/tls/testdata/server.key': `${key()}\n`,
      'pkg/server/transport_test.go': `package server\n\nconst localhostKey = \`${pemBlock('RSA PRIVATE KEY', sampleRsaDer(random))}\`\n`,
    });
    const { findings } = await runRules(workspace, DEFAULT_CONFIG, [rule('secret-private-key')]);
    const byPath = Object.fromEntries(findings.map((finding) => [finding.location.path, finding]));
    expect(Object.keys(byPath).sort()).toEqual(['clusters/prod/ingress-tls.key', 'pkg/server/transport_test.go', 'pkg/tls/testdata/server.key']);
    expect(byPath['clusters/prod/ingress-tls.key']!.severity).toBe('critical');
    expect(byPath['clusters/prod/ingress-tls.key']!.message).not.toContain('test-fixture');
    expect(byPath['pkg/tls/testdata/server.key']!.severity).toBe('low');
    expect(byPath['pkg/tls/testdata/server.key']!.message).toContain('in a test-fixture path (`testdata/`)');
    expect(byPath['pkg/tls/testdata/server.key']!.properties).toMatchObject({ testFixture: 'testdata/' });
    expect(byPath['pkg/server/transport_test.go']!.severity).toBe('low');
    expect(byPath['pkg/server/transport_test.go']!.message).toContain('(`_test.go`)');
  });

  it('keeps a severity set in the configuration', async () => {
    const config = { ...DEFAULT_CONFIG, rules: new Map([['secret-private-key', { severity: 'high' as const }]]) } as unknown as typeof DEFAULT_CONFIG;
    const { findings } = await runRules(Workspace.fromTexts({ 'tests/certs/client.key': `${key()}\n` }), config, [rule('secret-private-key')]);
    expect(findings.map((finding) => finding.severity)).toEqual(['high']);
  });

  it('a password known by its name is low in a test source, saying so; in a test environment it keeps its severity', async () => {
    const value = random.chars('ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789', 24);
    const workspace = Workspace.fromTexts({
      'pkg/object/objectstore_test.go': `package object\n\nvar config = \`\n\tsecret_key = "${value}"\n\``,
      'clusters/test/apps/db.env': `DB_PASSWORD=${value}\n`,
    });
    const { findings } = await runRules(workspace, DEFAULT_CONFIG, [rule('secret-generic-credential')]);
    const byPath = Object.fromEntries(findings.map((finding) => [finding.location.path, finding]));
    expect(Object.keys(byPath).sort()).toEqual(['clusters/test/apps/db.env', 'pkg/object/objectstore_test.go']);
    expect(byPath['pkg/object/objectstore_test.go']!.severity).toBe('low');
    expect(byPath['pkg/object/objectstore_test.go']!.message).toContain('in a test-fixture path (`_test.go`): low severity, taken for a value made for the tests');
    expect(byPath['pkg/object/objectstore_test.go']!.properties).toMatchObject({ testFixture: '_test.go' });
    expect(byPath['clusters/test/apps/db.env']!.severity).toBe(rule('secret-generic-credential').severity);
  });

  it('a token a service issues keeps its severity in a test path', async () => {
    const { findings } = await runRules(Workspace.fromTexts({ 'tests/fixtures/config.yaml': `slack_webhook: https://hooks.slack.com/services/T0A1B2C3D/B0A1B2C3D/${random.chars('ABCDEFGHIJKLMNOPQRSTUVWXabcdefghijklmnopqrstuvwx0123456789', 24)}\n` }), DEFAULT_CONFIG, generatedSecretRules);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((finding) => finding.severity !== 'low' && !finding.message.includes('test-fixture')), JSON.stringify(findings.map((finding) => [finding.ruleId, finding.severity]))).toBe(true);
  });

  it('in history: a key a commit added under a test-fixture path is low, saying why', () => {
    const hit: HistoryHit = { ruleId: 'secret-private-key', hash: 'a1b2c3d4e5f60718', preview: '-----BEG', order: 0, commit: '0123456789abcdef0123456789abcdef01234567', author: 'dev', date: '2024-01-01', path: 'internal/testdata/ca.key', line: 1, column: 1, endLine: 5, endColumn: 1, snippet: '' };
    const context = { config: DEFAULT_CONFIG } as unknown as RuleContext;
    const finding = historyFinding(context, rule('secret-private-key'), 'PEM private key', hit, loweredFor({ localKey: true, priority: 1 }, hit.path));
    expect(finding.severity).toBe('low');
    expect(finding.message).toContain('added in commit 0123456789ab in a test-fixture path (`testdata/`): low severity, taken for a key generated for the tests');
    expect(historyFinding(context, rule('secret-private-key'), 'PEM private key', { ...hit, path: 'ca.key' }).severity).toBe('critical');
  });
});
