import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { isNode, visit } from 'yaml';
import { SourceFile } from '../src/model/source-file.js';
import { documentPlace, parseYamlDocumentsAt, parseYamlFile, type YamlDocument } from '../src/model/yaml.js';
import { describeWithShared } from './helpers/shared.js';

/** Every node's kind, range and value, in document order: what rules read of a document. */
function shape(document: YamlDocument): string {
  const nodes: string[] = [];
  visit(document.document, (_key, node) => {
    if (!isNode(node)) return;
    const value = 'value' in node && typeof node.value !== 'object' ? String(node.value) : '';
    nodes.push(`${node.constructor.name} ${node.range?.join(',') ?? ''} ${value}`);
  });
  return `${document.index} ${document.document.range.join(',')}\n${nodes.join('\n')}`;
}

function yamlFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/i.test(entry.name) && !entry.parentPath.includes(`${path.sep}.git`))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

it('parses a document again from its own text with the positions of its file, and a %TAG file whole', () => {
  const file = new SourceFile('a.yaml', '# lead\nkind: A\nname: a\n---\nkind: B\nlist: [1, 2]\n...\n--- # third\nkind: C\nbase: &b {x: 1}\nmerged:\n  <<: *b\n');
  const documents = parseYamlFile(file).documents;
  const again = parseYamlDocumentsAt(file, [documents[2]!, documents[1]!].map(documentPlace));
  expect(again.map(shape)).toEqual([documents[2]!, documents[1]!].map(shape));
  const tagged = new SourceFile('t.yaml', '%TAG !e! tag:example.com,2000:\n---\nkind: !e!A x\n');
  expect(parseYamlDocumentsAt(tagged, parseYamlFile(tagged).documents.map(documentPlace)).map(shape)).toEqual(parseYamlFile(tagged).documents.map(shape));
});

describeWithShared('corpus', 'documents parsed again on their own (a batched scan)', (corpusDir) => {
  it('read as they did in their file, every document of every fourth corpus YAML file', () => {
    let documents = 0;
    for (const filePath of yamlFiles(corpusDir).sort().filter((_path, index) => index % 4 === 0)) {
      const file = new SourceFile(path.relative(corpusDir, filePath), readFileSync(filePath, 'utf8'));
      const parsed = parseYamlFile(file).documents;
      const again = parseYamlDocumentsAt(file, parsed.map(documentPlace));
      expect(again.map(shape), file.path).toEqual(parsed.map(shape));
      documents += parsed.length;
    }
    expect(documents).toBeGreaterThan(500);
  });
});
