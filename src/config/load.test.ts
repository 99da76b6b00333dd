import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RampartError } from '../errors.js';
import { loadConfig } from './load.js';
import { parseConfig } from './parse.js';
import { configJsonSchema } from './config-schema.js';
import { DEFAULT_CONFIG } from './schema.js';

describe('configuration', () => {
  it('resolves rule settings, registries, sizes and failOn', () => {
    const config = parseConfig([
      'failOn: medium',
      'rules:',
      '  image-latest-tag: off',
      '  image-not-pinned: low',
      '  image-registry-not-allowed: {severity: critical}',
      'registries: {allowed: [ghcr.io/acme]}',
      'maxFileSize: 2MB',
      'ignore: [vendor/]',
    ].join('\n'), '.rampart.yaml');
    expect(config.failOn).toBe('medium');
    expect(config.rules.get('image-latest-tag')).toEqual({ enabled: false });
    expect(config.rules.get('image-not-pinned')).toEqual({ enabled: true, severity: 'low' });
    expect(config.rules.get('image-registry-not-allowed')).toEqual({ enabled: true, severity: 'critical' });
    expect(config.allowedRegistries).toEqual(['ghcr.io/acme']);
    expect(config.maxFileSize).toBe(2 * 1024 * 1024);
    expect(config.ignore).toEqual(['vendor/']);
  });

  it('names the file, the line and the field of every problem', () => {
    const attempt = () => parseConfig('failOn: urgent\nrules:\n  image-not-pinned: sometimes\nextra: 1\n', '.rampart.yaml');
    expect(attempt).toThrow(RampartError);
    try {
      attempt();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('.rampart.yaml');
      expect(message).toMatch(/line 1: failOn/);
      expect(message).toMatch(/line 3: rules\.image-not-pinned/);
      expect(message).toMatch(/extra/);
    }
    expect(() => parseConfig('rules: [unclosed\n', 'c.yaml')).toThrow(/c\.yaml:\d+:\d+: invalid YAML/);
  });

  it('uses defaults without a file, and fails clearly for an explicit file that is missing', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'rampart-config-'));
    expect(await loadConfig(root)).toBe(DEFAULT_CONFIG);
    await expect(loadConfig(root, path.join(root, 'nope.yaml'))).rejects.toThrow(/cannot read config .*nope\.yaml: ENOENT/);
    writeFileSync(path.join(root, '.rampart.yaml'), 'failOn: low\n');
    expect((await loadConfig(root)).failOn).toBe('low');
  });

  it('publishes a JSON schema that matches the committed file', async () => {
    const { readFileSync } = await import('node:fs');
    const committed = JSON.parse(readFileSync(new URL('../../schema/rampart-config.schema.json', import.meta.url), 'utf8')) as unknown;
    expect(committed, 'run npm run docs').toEqual(JSON.parse(JSON.stringify(configJsonSchema())));
  });
});

describe('configuration that is not a mapping', () => {
  it.each([
    ['!!binary aGVsbG8=', 'binary data'],
    ['[1, 2]', 'a list'],
    ['just words', 'a string'],
    ['!!set {a, b}', 'a tagged collection'],
  ])('%s is refused as %s, naming the file', (text, what) => {
    expect(() => parseConfig(`${text}\n`, 'x/.rampart.yaml')).toThrow(`x/.rampart.yaml: invalid configuration: the file must be a mapping of settings (key: value lines), not ${what}`);
  });
});
