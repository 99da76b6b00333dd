import { describe, expect, it } from 'vitest';
import { SourceFile } from './source-file.js';
import { allBlocks, parseHcl, type HclBlock } from './terraform.js';

function read(text: string) {
  return parseHcl(new SourceFile('main.tf', text));
}

function slice(text: string, span: { start: number; end: number }): string {
  return text.slice(span.start, span.end);
}

describe('parseHcl', () => {
  it('reads blocks, labels and attributes with their spans', () => {
    const text = 'terraform {\n  required_version = ">= 1.5"\n  backend "s3" {}\n}\n\nmodule "vpc" {\n  source  = "terraform-aws-modules/vpc/aws" # pinned below\n  version = "5.1.0"\n  cidr    = var.cidr\n}\n';
    const { body, diagnostics } = read(text);
    expect(diagnostics).toEqual([]);
    expect(body.blocks.map((block) => [block.type, block.labels])).toEqual([['terraform', []], ['module', ['vpc']]]);
    const [terraform, module] = body.blocks as [HclBlock, HclBlock];
    expect(terraform.blocks.map((block) => [block.type, block.labels])).toEqual([['backend', ['s3']]]);
    expect(slice(text, module.span)).toMatch(/^module "vpc" \{[\s\S]*\}$/);
    const source = module.attributes[0]!;
    expect(slice(text, source.span)).toBe('source  = "terraform-aws-modules/vpc/aws"');
    expect(source.stringValue).toBe('terraform-aws-modules/vpc/aws');
    expect(slice(text, source.stringSpan!)).toBe('terraform-aws-modules/vpc/aws');
    expect(module.attributes.map((attribute) => [attribute.name, slice(text, attribute.valueSpan), attribute.stringValue])).toEqual([
      ['source', '"terraform-aws-modules/vpc/aws"', 'terraform-aws-modules/vpc/aws'],
      ['version', '"5.1.0"', '5.1.0'],
      ['cidr', 'var.cidr', undefined],
    ]);
  });

  it('gives a value only to plain strings: escapes resolved, interpolations and directives not values', () => {
    const text = [
      'a = "say \\"hi\\"\\n"', 'b = "${var.registry}/app:1.0"', 'c = "x%{if true}y%{endif}"', 'd = "$${literal}"',
      'e = ""', 'f = "a" == "b"', 'g = "\\u00e9"', '',
    ].join('\n');
    const values = Object.fromEntries(read(text).body.attributes.map((attribute) => [attribute.name, attribute.stringValue]));
    expect(values).toEqual({ a: 'say "hi"\n', b: undefined, c: undefined, d: '${literal}', e: '', f: undefined, g: 'é' });
  });

  it('delimits multi-line expressions, one-line blocks, comments and heredocs', () => {
    const text = [
      'resource "aws_iam_policy" "p" {',
      '  policy = <<-EOF',
      '    { "Statement": [ { "Effect": "Allow", "Resource": "}" } ] }',
      '    ]]] ${jsonencode({ a = "}" })}',
      '    EOF',
      '  tags = {',
      '    Name = "x" // a comment',
      '    /* a } in a',
      '       comment */',
      '  }',
      '  lifecycle { ignore_changes = [tags] }',
      '  image = "nginx:1.25" # trailing',
      '}',
      '',
    ].join('\n');
    const { body, diagnostics } = read(text);
    expect(diagnostics).toEqual([]);
    const resource = body.blocks[0]!;
    expect(resource.labels).toEqual(['aws_iam_policy', 'p']);
    expect(resource.attributes.map((attribute) => attribute.name)).toEqual(['policy', 'tags', 'image']);
    expect(slice(text, resource.attributes[0]!.valueSpan)).toMatch(/^<<-EOF\n[\s\S]*\n {4}EOF$/);
    expect(slice(text, resource.attributes[1]!.valueSpan)).toMatch(/^\{[\s\S]*\n {2}\}$/);
    expect(resource.blocks.map((block) => [block.type, block.attributes.map((attribute) => slice(text, attribute.valueSpan))])).toEqual([['lifecycle', ['[tags]']]]);
    expect(resource.attributes[2]!.stringValue).toBe('nginx:1.25');
    expect(slice(text, resource.span)).toBe(text.trimEnd());
  });

  it('notes the first thing it cannot read and still reads the rest of the file', () => {
    const text = 'module "a" {\n  source = "./a"\n}\n%%% not hcl\nmodule "b" {\n  source = "./b"\n  broken = "unterminated\n}\nprovider "x" {\n';
    const { body, diagnostics } = read(text);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ path: 'main.tf', line: 4, column: 1, kind: 'note' });
    expect(diagnostics[0]!.message).toMatch(/^HCL not read here \(.+\); the rest of the file was checked$/);
    expect(body.blocks.map((block) => [block.type, block.labels[0], block.attributes[0]?.stringValue])).toEqual([
      ['module', 'a', './a'], ['module', 'b', './b'], ['provider', 'x', undefined],
    ]);
  });

  it('every block at any depth, depth first', () => {
    const { body } = read('a {\n  b {\n    c {}\n  }\n  d {}\n}\ne {}\n');
    expect(allBlocks(body).map((block) => block.type)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

/**
 * Hostile input (issue 19): the reader makes one forward pass, so these finish in well under a second;
 * the Lezer grammar used before took 25 s for a 55 KB heredoc and grew faster than the input.
 * The bound is the test's timeout, far above the expected time: a stall, not a speed, is what fails.
 */
describe('parseHcl on hostile input', () => {
  const generous = 20_000;

  it('reads a 4 MB heredoc full of braces, quotes and interpolation markers', () => {
    const line = '    { "Effect": "Allow", "Action": ["s3:*"], "Resource": "arn:aws:s3:::b/${var.x}/*", "q": "\\"}" },';
    const lines = Array.from({ length: Math.ceil((4 * 1024 * 1024) / line.length) }, () => line);
    const text = `resource "aws_iam_policy" "p" {\n  policy = <<EOF\n[\n${lines.join('\n')}\n]\nEOF\n  image = "nginx:1.25"\n}\n`;
    const { body, diagnostics } = read(text);
    expect(diagnostics).toEqual([]);
    expect(body.blocks[0]!.attributes.map((attribute) => attribute.name)).toEqual(['policy', 'image']);
    expect(body.blocks[0]!.attributes[1]!.stringValue).toBe('nginx:1.25');
  }, generous);

  it('reads 100,000 nested blocks, brackets and interpolations without exhausting the stack', () => {
    const depth = 100_000;
    const blocks = read(`${'a {\n'.repeat(depth)}x = 1\n${'}\n'.repeat(depth)}`);
    expect(blocks.diagnostics).toEqual([]);
    expect(allBlocks(blocks.body)).toHaveLength(depth);
    const brackets = read(`x = ${'['.repeat(depth)}${']'.repeat(depth)}\ny = "after"\n`);
    expect(brackets.body.attributes.map((attribute) => attribute.stringValue)).toEqual([undefined, 'after']);
    const strings = read(`x = ${'"${'.repeat(depth)}\ny = "after"\n`);
    expect(strings.diagnostics).toHaveLength(1);
    expect(strings.body.attributes.at(-1)?.stringValue).toBe('after');
  }, generous);

  it('an unclosed heredoc, string or comment ends the file, noted once', () => {
    for (const opening of ['x = <<EOF\n', 'x = "abc\n', '/* open\n', 'x = [\n']) {
      const { diagnostics } = read(`${opening}${'filler line } ] ) "\n'.repeat(50_000)}`);
      expect(diagnostics).toHaveLength(1);
    }
  }, generous);
});
