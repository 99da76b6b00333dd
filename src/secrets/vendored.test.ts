import { describe, expect, it } from 'vitest';
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
    for (const path of ['.yarn/releases/yarn-4.18.0.cjs', '.yarn/plugins/@yarnpkg/plugin-version.cjs', '.yarn/sdks/typescript/lib/tsserver.js', '.pnp.cjs', 'web/node_modules/algoliasearch/dist/client.js', 'vendor/github.com/acme/sdk/config.go', 'third_party/search/client.js']) {
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
