import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/schema.js';
import { runRules } from '../engine/run.js';
import { Workspace } from '../model/workspace.js';
import { historyFinding, loweredFor } from '../rules/secrets/report-secrets.js';
import type { RuleContext } from '../rules/rule.js';
import { generatedSecretRules } from '../rules/secrets/secret-rules.js';
import type { HistoryHit } from './history/history-hit.js';
import { pemBlock, sampleEcDer } from './pem.js';
import { findSecrets } from './scan-text.js';
import { SampleRandom } from './random.js';
import { isVendoredPath } from './vendored.js';

const random = new SampleRandom('vendored-test');
const hex = (): string => random.chars('0123456789abcdef', 32);
/** a search client's key, as bundlers write one: found by its name only */
const named = (key: string): string => `var sK={appId:"OFCNCOG2CU",apiKey:"${key}",indexName:"npm-search"};`;
/** a Slack webhook: a vendor marker of its own */
const webhook = (): string => `https://hooks.slack.com/services/T0A1B2C3D/B0A1B2C3D/${random.chars('ABCDEFGHIJKLMNOPQRSTUVWXabcdefghijklmnopqrstuvwx0123456789', 24)}`;
const filler = (length: number): string => `var a=function(b){return b.map(function(c){return c+1})};`.repeat(Math.ceil(length / 56)).slice(0, length);
const rules = (text: string, path: string): string[] => findSecrets(text, path).map((match) => match.detector.id);

describe('vendored code and minified bundles', () => {
  it('the rules that know a credential only by its name do not look in vendored code', () => {
    const key = hex();
    for (const path of ['.yarn/releases/yarn-4.18.0.cjs', '.yarn/plugins/@yarnpkg/plugin-version.cjs', '.yarn/sdks/typescript/lib/tsserver.js', '.pnp.cjs', 'web/node_modules/algoliasearch/dist/client.js', 'vendor/github.com/acme/sdk/config.go', 'third_party/search/client.js', 'Godeps/_workspace/src/k8s.io/kubernetes/pkg/kubectl/cmd/config/create_authinfo.go', 'app/bower_components/search/client.js']) {
      expect(rules(`${named(key)}\n`, path), path).toEqual([]);
    }
    expect(rules(`${named(key)}\n`, 'src/search.js')).toEqual(['secret-generic-credential']);
  });

  it('nor on a minified line of a JS-family file; a long line elsewhere, and a short one, are read', () => {
    const key = hex();
    const minified = `${filler(1_200)}${named(key)}${filler(300)}\n`;
    expect(rules(minified, 'dist/app.min.js')).toEqual([]);
    expect(rules(minified, 'static/bundle.mjs')).toEqual([]);
    expect(rules(`${named(key)}\n`, 'dist/app.min.js')).toEqual(['secret-generic-credential']);
    expect(rules(`// ${'x'.repeat(1_200)}\nsearch_api_key: ${key}\n`, 'config/search.yaml')).toEqual(['secret-generic-credential']);
    expect(rules(`${'# '.repeat(700)}\nSEARCH_API_KEY = "${key}"\n`, 'settings.py')).toEqual(['secret-generic-credential']);
  });

  it('tokens with a vendor marker are still found there, in the tree and in a changed part (history)', () => {
    const token = webhook();
    expect(rules(`${named(hex())}var hook="${token}";\n`, '.yarn/releases/yarn-4.18.0.cjs')).toEqual(['secret-slack-webhook']);
    const minified = `${filler(2_000)}var hook="${token}";${filler(100)}\n`;
    expect(rules(minified, 'dist/app.min.js')).toEqual(['secret-slack-webhook']);
    expect(findSecrets(minified, 'dist/app.min.js', undefined, { start: 2_000, end: 2_100 }).map((match) => match.detector.id)).toEqual(['secret-slack-webhook']);
  });

  it('vendored paths are whole directory names', () => {
    for (const path of ['vendors/config.yaml', 'myvendor/x.go', 'src/yarn/releases.ts', 'apps/third_party_apis.yaml', 'pnp.cjs.md']) expect(isVendoredPath(path), path).toBe(false);
  });
});

describe('keys and structured tokens in vendored code', () => {
  it('are low, taken for another project\'s test data; the same key elsewhere, and marked tokens there, keep their severity', async () => {
    const key = pemBlock('EC PRIVATE KEY', sampleEcDer(random));
    const token = webhook();
    const { findings } = await runRules(Workspace.fromTexts({
      'vendor/github.com/coreos/etcd/hack/certs/server.key.insecure': `${key}\n`,
      'certs/server.key': `${key}\n`,
      'vendor/github.com/acme/notify/hooks.go': `package notify\n\nconst hook = "${token}"\n`,
    }), DEFAULT_CONFIG, generatedSecretRules);
    const at = (path: string) => findings.find((finding) => finding.location.path === path)!;
    expect(at('vendor/github.com/coreos/etcd/hack/certs/server.key.insecure')).toMatchObject({ severity: 'low', properties: { vendored: 'vendor/' } });
    expect(at('vendor/github.com/coreos/etcd/hack/certs/server.key.insecure').message).toContain("in vendored code (`vendor/`): low severity, taken for another project's test data or example");
    expect(at('certs/server.key').severity).toBe('critical');
    expect(at('vendor/github.com/acme/notify/hooks.go').severity).not.toBe('low');
  });

  it('in history too', () => {
    const hit: HistoryHit = { ruleId: 'secret-jwt-token', hash: 'a1b2c3d4e5f60718', preview: 'eyJhbGci', order: 0, commit: '0123456789abcdef0123456789abcdef01234567', author: 'dev', date: '2024-01-01', path: 'vendor/github.com/acme/jwt/README', line: 3, column: 1, endLine: 3, endColumn: 20, snippet: '' };
    const rule = generatedSecretRules.find((candidate) => candidate.id === 'secret-jwt-token')!;
    const finding = historyFinding({ config: DEFAULT_CONFIG } as unknown as RuleContext, rule, 'JWT', hit, loweredFor({ priority: 1 }, hit.path));
    expect(finding).toMatchObject({ severity: 'low', properties: { vendored: 'vendor/' } });
    expect(finding.message).toContain('added in commit 0123456789ab in vendored code (`vendor/`)');
  });
});
