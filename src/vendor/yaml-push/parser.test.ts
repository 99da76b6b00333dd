import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lexer as LibraryLexer, Parser as LibraryParser, type CST } from 'yaml';
import { describe, expect, it } from 'vitest';
import { describeWithShared } from '../../../test/helpers/shared.js';
import { lexemeBatches } from '../../model/parse-limits.js';
import { Lexer } from './lexer.js';
import { Parser, YAML_VERSION_CHECKED } from './parser.js';

/** Shapes where the parser's state machine branches: block scalars, flow collections, anchors, comments, document markers, errors. */
const TRICKY = [
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a # comment\ndata:\n  key: |\n    one\n    two\n',
  '---\na: [1, {b: c}, "d"]\n...\n%YAML 1.2\n---\n- &x one\n- *x\n- ? complex\n  : key\n',
  "a: 'unclosed\nb: c\n---\n{ broken: [\n",
  '\ta: tab\n  - odd: indent\n: : :\n@reserved\n',
  'k: >-\n  folded\n\n  text\nlist:\n- - nested\n  - seq\n',
  'keep: |+\n  kept\n\n\nstrip: |-\n  stripped\n\nindented: |2\n    two more\nafter: x\n',
  'a: >\n  folded\n  # not a comment\n\n# a comment\nb: |\n\n  leading blank\n',
  '- |\n  in a sequence\n- >-\n  folded item\n-\n  - nested after empty\n',
  '{a: 1, b: [x, y, {c: d}], ? e : f, "g": \'h\', i}\n',
  '[a, b, [c, [d, [e]]], {f: [g]}, ]\n',
  '{ a: 1,\n  b: 2,\n  # comment in flow\n  c: [3,\n    4] }\n',
  '[\n  unterminated,\n  flow\nnext: key\n',
  '{a: 1]\n[b: 2}\n',
  'base: &base {x: 1}\nderived:\n  <<: *base\n  y: 2\n&anchor key: &value value\n*alias : on a key\n',
  '!!map\n!tag &a\nkey: !!str value\n--- !custom\n- !!int "3"\n',
  '# head comment\n\n# second\nkey: value # trailing\n  # indented after\nother: 1\n\n# tail\n',
  '---\n--- # empty document\n...\n...\n---\nlast\n',
  '%TAG ! tag:example.com,2000:\n---\n!foo bar\n...\n%YAML 1.1\n--- text\n',
  'a:\n  b:\n    c:\n  d: e\nf:\n- g\n- h:\n    i: j\n  k: l\n',
  '? explicit\n: value\n? - seq key\n: - seq value\n?\n:\n',
  'key: "double \\" escaped \\\n  continued"\nsingle: \'it\'\'s\n  folded\'\n',
  'plain: multi\n  line\n  scalar\nnext: value with: colon\nurl: http://x:80/y#z\n',
  '- a\n - b\n  - c\nkey: - not\n- after map\n',
  'a: 1\n a: 2\nb:\n  - x\n y\n',
  'a: b: c\n"key"\n: value\n- - -\n',
  '\uFEFFbom: first\n---\n\uFEFF# bom again\nx: y\n',
  'crlf: one\r\nnext: two\r\nblock: |\r\n  line\r\n',
  'tabs:\t\tafter\n\t- not indent\nkey:\t"v"\n',
  '{{ if .Values.x }}\nkey: {{ .Values.y }}\n{{- end }}\n- {{ template "a" . }}\n',
  'a: [\n  b: c\n]\nd: { e }\nf: [,]\n',
  '',
  '\n\n   \n',
  '...\n',
  'just a scalar',
  '- &a\n- *a\n- &b [*a]\n',
  'name: {{ .Release.Name }}\nspec:\n  net: {{ .Values.x }}\n  pid: true\n  {{- if .Values.ipc }}\n  ipc: false\n',
];

function tokens(parser: { parse(text: string): Iterable<CST.Token> }, text: string): CST.Token[] {
  return [...parser.parse(text)];
}

function expectSameTokens(text: string, where: string): void {
  const library = tokens(new LibraryParser(), text);
  // lexeme by lexeme too, as a caller that counts the lexer's tokens reads it
  const stepped = new Parser();
  for (const lexeme of stepped.lexer.lex(text)) stepped.next(lexeme);
  stepped.end();
  for (const [route, vendored] of [['parse', new Parser().parse(text)], ['next/end', stepped.take()]] as const) {
    // strings first: a deep comparison of every corpus file's tokens takes seconds
    if (JSON.stringify(vendored) !== JSON.stringify(library)) expect(vendored, `${where} (${route})`).toEqual(library);
  }
  const lexemes = [...new LibraryLexer().lex(text)];
  // whole, and a lexeme at a time (as a reader that counts nesting lexes it)
  for (const [route, vendored] of [['lex', new Lexer().lex(text)], ['lex by batch', [...lexemeBatches(new Lexer(), text, 1)].flat()]] as const) {
    if (vendored.join('\0') !== lexemes.join('\0') || vendored.length !== lexemes.length) expect(vendored, `${where} (${route})`).toEqual(lexemes);
  }
}

describe('vendored yaml Parser and Lexer (arrays, not generators)', () => {
  it('is checked against the installed yaml release', () => {
    const yamlPackage = createRequire(import.meta.url).resolve('yaml').replace(/dist[\\/]index\.js$/, 'package.json');
    const { version } = JSON.parse(readFileSync(yamlPackage, 'utf8')) as { version: string };
    expect(version, 'yaml was upgraded: compare src/vendor/yaml-push/parser.ts with its parser, then update YAML_VERSION_CHECKED').toBe(YAML_VERSION_CHECKED);
  });

  it('gives the library\'s lexemes and tokens on tricky YAML, errors included', () => {
    for (const [index, text] of TRICKY.entries()) expectSameTokens(text, `case ${index}`);
  });

  it('gives the library\'s lexemes and tokens on every YAML fixture of the project', () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
    const files = [...yamlFiles(path.join(root, 'test', 'fixtures')), ...yamlFiles(path.join(root, 'src'))];
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) expectSameTokens(readFileSync(file, 'utf8'), file);
  });

  it('does not read the environment once per token', () => {
    let reads = 0;
    const env = process.env;
    const counting = new Proxy(env, { get: (target, key) => { if (key === 'LOG_TOKENS') reads += 1; return Reflect.get(target, key); } });
    Object.defineProperty(process, 'env', { value: counting, configurable: true, writable: true });
    try {
      new Parser().parse(TRICKY[0]!);
    } finally {
      Object.defineProperty(process, 'env', { value: env, configurable: true, writable: true });
    }
    expect(reads).toBe(0);
  });
});

describeWithShared('corpus', 'vendored yaml Parser and Lexer on the corpus', (corpus) => {
  it('gives the library\'s lexemes and tokens on every YAML file', () => {
    const files = yamlFiles(corpus);
    expect(files.length).toBeGreaterThan(1000);
    for (const file of files) expectSameTokens(readFileSync(file, 'utf8'), file);
  });
});

function yamlFiles(directory: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.ya?ml$/.test(entry.name)) found.push(path.join(entry.parentPath, entry.name));
  }
  return found;
}
