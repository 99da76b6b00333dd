import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { Lexer } from '../vendor/yaml-push/lexer.js';
import { parseAllDocumentsWithinNesting } from './yaml-quoted-indent.js';
import { lexemeBatches, MAX_NESTING, nestingDepth, parseRefusal, roughBound, tokenDepth } from './parse-limits.js';

const blockMaps = (depth: number): string => Array.from({ length: depth }, (_, level) => `${' '.repeat(level)}k${level}:\n`).join('') + `${' '.repeat(depth)}leaf: 1\n`;
const flowSeqs = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}\n`;

/** the deepest chain of collections the parser builds */
function parsedDepth(text: string): number {
  const depth = (node: unknown): number => {
    const items = (node as { items?: unknown[] } | null)?.items;
    if (!Array.isArray(items)) return 0;
    return 1 + Math.max(0, ...items.map((item) => {
      const pair = item as { key?: unknown; value?: unknown };
      return 'value' in (pair as object) ? depth(pair.value) : depth(item);
    }));
  };
  return Math.max(0, ...parseAllDocuments(text).map((document) => depth((document as { contents: unknown }).contents)));
}

describe('nestingDepth', () => {
  it('is never below the depth the parser builds', () => {
    const samples = [
      blockMaps(40), flowSeqs(40), `a:\n${'- '.repeat(30)}x\n`, 'a:\n- b:\n  - c:\n    - d:\n      - e: [1, {f: [2]}]\n',
      '{"a": {"b": [{"c": [[1, 2], {"d": null}]}]}}\n', 'k: "[[[[" \nl: \'{{{\'\n', '? - - a\n: - b\n',
    ];
    for (const sample of samples) {
      expect(roughBound(sample), sample).toBeGreaterThanOrEqual(parsedDepth(sample));
      expect(tokenDepth(sample), sample).toBeGreaterThanOrEqual(parsedDepth(sample));
    }
  });

  it('counts no brackets inside quoted and block scalars or comments', () => {
    const text = `a: "${'['.repeat(400)}"\nb: |\n  ${'{'.repeat(400)}\n  "\nc: ok # ${'['.repeat(400)}\nd: '${'['.repeat(400)}'\n`;
    expect(nestingDepth(text, MAX_NESTING)).toBeLessThan(10);
    expect(parseRefusal(text)).toBeUndefined();
  });

  it('sees deep nesting behind a line a naive reader would take for an open quote', () => {
    const text = `a: |\n  "\nb: x\n  "\nc: ${flowSeqs(MAX_NESTING + 10)}`;
    expect(nestingDepth(text, MAX_NESTING)).toBeGreaterThan(MAX_NESTING);
  });

  it('bounds each document of a stream by its own text', () => {
    const stream = Array.from({ length: 20 }, () => `data:\n  dashboard.json: |\n    ${'{"a": '.repeat(40)}1${'}'.repeat(40)}\n`).join('---\n');
    expect(roughBound(stream)).toBeLessThan(MAX_NESTING);
    expect(parseRefusal(stream)).toBeUndefined();
    // a document marker ends an open flow collection: the next document starts from nothing
    const unclosed = `${'['.repeat(200)}\n---\n${'['.repeat(200)}${']'.repeat(200)}\n`;
    expect(roughBound(unclosed)).toBeGreaterThanOrEqual(parsedDepth(unclosed.split('---\n')[1]!));
    expect(parseRefusal(unclosed)).toBeUndefined();
    // a marker does not end a document when more than spaces follow it on the line
    expect(parseRefusal(`${'['.repeat(200)}\n---x\n${'['.repeat(200)}\n`)).toMatch(/^skipped: nested deeper/);
  });

  it('counts the indicators and openers written on a document marker\'s line', () => {
    expect(parseRefusal(`--- ${'- '.repeat(MAX_NESTING + 10)}x\n`)).toMatch(/^skipped: nested deeper/);
    expect(parseRefusal(`a: 1\n--- ${'['.repeat(MAX_NESTING + 10)}${']'.repeat(MAX_NESTING + 10)}\n`)).toMatch(/^skipped: nested deeper/);
    for (const sample of [`--- ${'- '.repeat(30)}x\n`, `a: 1\n---\n${'['.repeat(30)}${']'.repeat(30)}\n---\nb: [1]\n`]) {
      expect(roughBound(sample), sample).toBeGreaterThanOrEqual(parsedDepth(sample));
    }
  });

  it('refuses 10,000 levels of JSON or YAML, and oversized texts, with a message', () => {
    expect(parseRefusal(flowSeqs(10_000))).toMatch(/^skipped: nested deeper than 256 levels/);
    expect(parseRefusal(blockMaps(1_000))).toMatch(/^skipped: nested deeper than 256 levels/);
    expect(parseRefusal(`${'- '.repeat(10_000)}x\n`)).toMatch(/^skipped: nested deeper than 256 levels/);
    expect(parseRefusal(`# ${'x'.repeat(17 * 1024 * 1024)}\n`)).toMatch(/^skipped: too large to parse \(over 16 MB\)/);
    expect(parseRefusal(blockMaps(100))).toBeUndefined();
  });
});

describe('lexemeBatches', () => {
  it('lexes a deep text a batch at a time, so that a reader stops near the depth limit, even within one line', () => {
    const deep = '['.repeat(1_000_000);
    const first = lexemeBatches(new Lexer(), deep, 4096).next().value ?? [];
    expect(first.length).toBeGreaterThanOrEqual(4096);
    expect(first.length).toBeLessThan(4200);
    expect(tokenDepth(deep, MAX_NESTING)).toBeLessThan(4200);
    expect(parseAllDocumentsWithinNesting(deep, MAX_NESTING)).toBeUndefined();
  });

  it('gives, batch after batch, the lexemes of one call', () => {
    const text = `a: [1, {b: "c\n  d"}]\nk: |\n  block\n---\n- &x y\n- *x # comment\n${flowSeqs(40)}`;
    expect([...lexemeBatches(new Lexer(), text, 1)].flat()).toEqual(new Lexer().lex(text));
    expect(parseAllDocumentsWithinNesting(text, MAX_NESTING)?.map((document) => document.toJS())).toEqual(parseAllDocuments(text).map((document) => document.toJS()));
  });
});
