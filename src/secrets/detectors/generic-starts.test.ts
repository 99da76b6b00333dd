import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DETECTORS } from '../catalogue.js';
import { absentSharedTitle, sharedRoot } from '../../../test/helpers/shared.js';
import { credentialKeyStarts } from './generic-key.js';

const generic = DETECTORS.find((detector) => detector.id === 'secret-generic-credential')!;
const everywhere = new RegExp(generic.pattern.source, 'gm');
const sticky = new RegExp(generic.pattern.source, 'gmy');

/** Offsets of every match the pattern finds, going on one offset past each (as a rejected candidate does). */
function matchesEverywhere(text: string): number[] {
  const found: number[] = [];
  everywhere.lastIndex = 0;
  for (let match = everywhere.exec(text); match; match = everywhere.exec(text)) {
    found.push(match.index);
    everywhere.lastIndex = match.index + 1;
  }
  return found;
}

/** The same, trying the pattern only at the starts `credentialKeyStarts` names. */
function matchesAtStarts(text: string): number[] {
  const found: number[] = [];
  let from = 0;
  for (const start of credentialKeyStarts(text)) {
    if (start < from) continue;
    sticky.lastIndex = start;
    const match = sticky.exec(text);
    if (match) {
      found.push(match.index);
      from = match.index + 1;
    }
  }
  return found;
}

/** Every spelling of a credential word the pattern's look-ahead accepts, in keys of several shapes. */
const WORDS = [
  'license_key', 'licence-key', 'LicenseKey', 'licence.key', 'password', 'passwd', 'PASSWD', 'db_pd', 'x.pwd', 'pd', 'pwd', 'my_pass', 'pass', 'dbpass',
  'secret', 'clientSecret', 'token', 'API_TOKEN', 'api_key', 'apikey', 'Api.Key', 'access-key', 'AccessKey', 'private_key', 'auth.key', 'authkey',
  'credential', 'CREDENTIALS', 'signing_key', 'encryptionKey', 'master-key', 'session_key', 'hmacKey', 'JWT_KEY', 'aes-key', 'cipherkey', 'crypt_key',
  'cookie.key', 'webhookKey', 'app_key', 'APP_KEY', 'appkey', 'server_key', 'service-key', 'ADMIN_KEY', 'sign.key', 'x_sign_key_y',
];
const VALUE = 'Zq8vT3mW9xK2pL7rN4sB';
const SHAPES = [
  (key: string) => `${key}: ${VALUE}`,
  (key: string) => `  - ${key}=${VALUE}`,
  (key: string) => `export ${key}="${VALUE}"`,
  (key: string) => `"env": "USER=a\\n${key}=${VALUE}\\t${key}: ${VALUE}"`,
  (key: string) => `<${key}>${VALUE}</${key}>`,
  (key: string) => `{:${key} => '${VALUE}', url: "https://h/${key}:${VALUE}"}`,
  (key: string) => `ENV ${key} ${VALUE}`,
  (key: string) => `${key}: |\n  ${VALUE}`,
  (key: string) => `prefix-${'x'.repeat(90)}${key}: ${VALUE}\n\\r${key}=${VALUE} a/${key}=${VALUE} :${key}: ${VALUE}`,
  (key: string) => `İ ${key}: ${VALUE}`,
];

function corpusTexts(): string[] {
  const root = path.join(sharedRoot, 'corpus');
  const texts: string[] = [];
  if (!existsSync(root)) return texts;
  const walk = (directory: string): void => {
    for (const name of readdirSync(directory)) {
      const full = path.join(directory, name);
      const stat = statSync(full);
      if (stat.isDirectory()) walk(full);
      else if (/\.(?:ya?ml|json|env|tf|sh|md|toml|ini|conf)$/.test(name) && stat.size < 200_000) texts.push(readFileSync(full, 'utf8'));
    }
  };
  walk(root);
  return texts;
}

describe('credentialKeyStarts', () => {
  it('names every offset where the generic pattern matches, for every spelling of a credential word', () => {
    for (const word of WORDS) {
      for (const shape of SHAPES) {
        const text = shape(word);
        expect(matchesAtStarts(text), text).toEqual(matchesEverywhere(text));
        expect(matchesEverywhere(text).length, text).toBeGreaterThan(0);
      }
    }
  });

  if (!existsSync(path.join(sharedRoot, 'corpus'))) it.skip(`the corpus part: ${absentSharedTitle('corpus')}`, () => {});

  it('names every offset where it matches in the detectors\' samples and the corpus', () => {
    const texts = [...DETECTORS.flatMap((detector) => [...detector.samples.positives, ...detector.samples.negatives]), ...corpusTexts()];
    expect(texts.length).toBeGreaterThan(1000);
    let matched = 0;
    for (const text of texts) {
      const expected = matchesEverywhere(text);
      matched += expected.length;
      expect(matchesAtStarts(text)).toEqual(expected);
    }
    expect(matched).toBeGreaterThan(100);
  });
});
