import { statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, isSeq, parseAllDocuments, type Node } from 'yaml';
import { describeWithShared } from '../../test/helpers/shared.js';
import { jsonObjectsIn, yamlFiles } from '../../test/helpers/yaml-objects.js';
import { objectYaml } from './object-yaml.js';

/** The parser is the oracle: what it reads back from the text must be the value, node by node, at the same offsets. */
function expectLikeParsed(value: Record<string, unknown>): void {
  const built = objectYaml(value);
  const parsed = parseAllDocuments(built.text);
  expect(Array.isArray(parsed) && parsed.length).toBe(1);
  const document = (parsed as Array<ReturnType<typeof parseAllDocuments>[number] & { errors: unknown[] }>)[0]!;
  expect(document.errors).toEqual([]);
  expect(document.toJS()).toEqual(value);
  sameNodes(built.document.contents as Node, document.contents as Node, built.text);
}

function sameNodes(built: Node, parsed: Node, text: string): void {
  const differ = (what: string): never => {
    const at = built.range?.[0] ?? 0;
    throw new Error(`${what} differs at offset ${at}: ${JSON.stringify(text.slice(at, at + 60))}`);
  };
  if (built.range?.[0] !== parsed.range?.[0]) differ('start');
  if (isScalar(built)) {
    if (!isScalar(parsed)) return differ('node kind');
    if (built.range?.[1] !== parsed.range?.[1]) differ('end');
    if (parsed.type !== built.type) differ(`scalar style (${String(parsed.type)} ≠ ${String(built.type)})`);
    if (!Object.is(parsed.value, built.value)) differ('value');
    return;
  }
  if (isMap(built)) {
    if (!isMap(parsed) || parsed.items.length !== built.items.length) return differ('map');
    built.items.forEach((pair, index) => {
      sameNodes(pair.key as Node, parsed.items[index]!.key as Node, text);
      sameNodes(pair.value as Node, parsed.items[index]!.value as Node, text);
    });
    return;
  }
  if (isSeq(built)) {
    if (!isSeq(parsed) || parsed.items.length !== built.items.length) return differ('sequence');
    built.items.forEach((item, index) => sameNodes(item as Node, parsed.items[index] as Node, text));
  }
}

/** Checks each object of the files as the API server would send it; returns how many. */
function checkObjectsOf(files: readonly string[]): number {
  let objects = 0;
  for (const { object } of jsonObjectsIn(files)) {
    expectLikeParsed(object);
    objects += 1;
  }
  return objects;
}

describeWithShared('corpus', 'objectYaml over the real repositories of the corpus', (corpus) => {
  // files up to 64 KB: the multi-megabyte CRD bundles add parse time, not shapes
  it('its objects read back as written, node by node', () => {
    expect(checkObjectsOf(yamlFiles(corpus).filter((file) => statSync(file).size <= 65_536))).toBeGreaterThan(2500);
  }, 120_000);
});

describe('objectYaml: text and nodes built together, as the parser would read them', () => {
  it('every Kubernetes object of the rule fixtures', () => {
    expect(checkObjectsOf(yamlFiles(path.resolve('src/rules')))).toBeGreaterThan(400);
  });

  it('strings that look like other types, indicators, quotes, multi-line text and empty collections', () => {
    expectLikeParsed({
      words: ['true', 'no', 'off', 'Y', 'null', '~', '1.25', '0x1F', '1e3', '.inf', '-', '- x', ':', 'a: b', 'a #b', '#c', '*alias', '&anchor', '!tag', '%x', '@x', '`x', '', ' lead', 'trail ', 'tab\there', 'quote"s', "it's", '<<', '='],
      script: '#!/bin/sh\nset -e\necho "hi: there"\n',
      noNewline: 'line one\nline two',
      keepTrailing: 'a\nb\n\n\n',
      blankLines: 'a\n\n\nb\n',
      indented: 'first\n  second\n\tthird\n',
      blanksOnly: 'a\n   \nb',
      crlf: 'a\r\nb',
      unicode: 'héllo wörld ✓ \u2028 sep',
      numbers: [0, -1, 1.5, 1e21, 123456789012345],
      flags: [true, false, null],
      empty: { map: {}, seq: [], nested: [[], {}, [[1, 2], []]] },
      'key with: colon': 1,
      '- dash': 2,
      '': 3,
    });
  });

  it('any JSON object', () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.string(), fc.string({ unit: 'grapheme' }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
      array: fc.array(tie('value'), { maxLength: 4 }),
      object: fc.dictionary(fc.string(), tie('value'), { maxKeys: 5 }),
    }));
    fc.assert(fc.property(json.object as fc.Arbitrary<Record<string, unknown>>, (value) => {
      expectLikeParsed(JSON.parse(JSON.stringify(value)) as Record<string, unknown>);
    }), { numRuns: 400 });
  });
});
