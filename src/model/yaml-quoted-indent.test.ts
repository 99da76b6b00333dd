import { describe, expect, it } from 'vitest';
import { Parser } from '../vendor/yaml-push/parser.js';
import { composeInBatches, parseAllDocumentsLikeGoYaml } from './yaml-quoted-indent.js';

const templateLines = '{{ if .x }}\nimage: {{ .Values.image }}\n{{ end }}\n'.repeat(40_000);

describe('composeInBatches', () => {
  it('stops lexing when the reader of the first document stops', () => {
    const parser = new Parser();
    const { value: first } = composeInBatches(parser, `resources: [a.yaml]\n---\n${templateLines}`).next();
    expect(first?.toJS()).toEqual({ resources: ['a.yaml'] });
    expect(parser.lexer.paused).toBe(true);
  });

  it('keeps the first errors of a document that is not YAML, not one per token', () => {
    const [document, ...rest] = parseAllDocumentsLikeGoYaml(templateLines);
    expect(rest).toEqual([]);
    expect(document!.errors.length).toBeGreaterThan(0);
    expect(document!.errors.length).toBeLessThan(20);
  });
});
