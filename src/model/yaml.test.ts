import { describe, expect, it } from 'vitest';
import { kubeObjectsOf } from './kubernetes.js';
import { SourceFile } from './source-file.js';
import { getNode, getPath, getString, innerSpanOf, isTreeShaped, parseYamlFile, seqItems, spanOf, stringValue } from './yaml.js';

const parse = (text: string) => parseYamlFile(new SourceFile('m.yaml', text));

describe('YAML as Kubernetes reads it (go-yaml / libyaml)', () => {
  // the shape of checkov's kafka-*.yaml fixtures: the command's continuation lines start left of its list item
  const kafka = [
    'apiVersion: apps/v1',
    'kind: StatefulSet',
    'metadata:',
    '  name: kafka',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: kafka',
    '          command:',
    '            - sh',
    '            - -c',
    '            - "exec kafka-server-start.sh /opt/kafka/config/server.properties \\',
    '  --override broker.id=${HOSTNAME##*-} \\',
    '  --override listeners=PLAINTEXT://:9093"',
    "            - 'single",
    "quoted, at column 0'",
    '          image: confluentinc/cp-kafka:7.5.0',
    '',
  ].join('\n');

  it('reads lines that end in a lone carriage return (old Mac line ends, istio releasenotes/notes/45413.yaml), as go-yaml does', () => {
    const file = new SourceFile('m.yaml', 'apiVersion: v1\rkind: ConfigMap\rmetadata:\r  name: notes\rdata:\r  a: |\r    one\r    two\r');
    const parsed = parseYamlFile(file);
    expect(parsed.diagnostics).toEqual([]);
    const [object] = parsed.documents.flatMap(kubeObjectsOf);
    expect(object?.name).toBe('notes');
    expect(getString(object?.node, 'data', 'a')).toBe('one\ntwo\n');
    expect(file.position(file.text.indexOf('name')).line).toBe(4);
    expect(file.lineText(4)).toBe('  name: notes');
  });

  it('reads quoted scalars whose continuation lines are indented less than their list item', () => {
    const parsed = parse(kafka);
    expect(parsed.diagnostics).toEqual([]);
    const [object] = parsed.documents.flatMap(kubeObjectsOf);
    const container = seqItems(getNode(getNode(getNode(getNode(object?.node, 'spec'), 'template'), 'spec'), 'containers'))[0];
    const command = seqItems(getNode(container, 'command')).map(stringValue);
    expect(command).toEqual([
      'sh', '-c',
      'exec kafka-server-start.sh /opt/kafka/config/server.properties --override broker.id=${HOSTNAME##*-} --override listeners=PLAINTEXT://:9093',
      'single quoted, at column 0',
    ]);
    // positions still point into the file as written
    const image = getNode(container, 'image');
    const span = spanOf(parsed.documents[0]!.file, image)!;
    expect(kafka.slice(span.start, span.end)).toBe('confluentinc/cp-kafka:7.5.0');
    const third = seqItems(getNode(container, 'command'))[2]!;
    const inner = innerSpanOf(parsed.documents[0]!.file, third as never)!;
    expect(kafka.slice(inner.start, inner.end)).toMatch(/^exec kafka-server-start\.sh[\s\S]*PLAINTEXT:\/\/:9093$/);
  });

  it('reads the hundreds of CEL rules continuing left of their key in one Gateway API CRD', () => {
    // traefik's integration fixtures hold the Gateway API experimental CRDs: ~130 of these in a document
    const rule = (index: number) => [
      `          - message: rule ${index} must be specified when protocol`,
      "              is set to 'GRPC'",
      `            rule: 'self.protocol == ''GRPC'' ? has(self.r${index})`,
      "          : true'",
    ];
    const crd = [
      'apiVersion: apiextensions.k8s.io/v1',
      'kind: CustomResourceDefinition',
      'metadata:',
      '  name: backendtlspolicies.gateway.networking.k8s.io',
      'spec:',
      '  validation:',
      '    openAPIV3Schema:',
      '      properties:',
      '        x-kubernetes-validations:',
      ...Array.from({ length: 300 }, (_, index) => rule(index)).flat(),
      '---',
      'kind: ConfigMap',
      "data: {a: 'b'}",
      '',
    ].join('\n');
    const parsed = parse(crd);
    expect(parsed.diagnostics).toEqual([]);
    const rules = seqItems(getPath(parsed.documents[0]?.root, 'spec', 'validation', 'openAPIV3Schema', 'properties', 'x-kubernetes-validations'));
    expect(rules).toHaveLength(300);
    expect(getString(rules[299], 'rule')).toBe("self.protocol == 'GRPC' ? has(self.r299) : true");
    expect(getString(parsed.documents[1]?.root, 'kind')).toBe('ConfigMap');
  });

  it('still reports a quote that is never closed, at its line, also when a later document has quotes', () => {
    const parsed = parse('a: "open\nb: c\n');
    expect(parsed.documents).toEqual([]);
    const streamed = parse('a: "open\nb: c\n---\nd: "closed"\n');
    expect(streamed.diagnostics[0]).toMatchObject({ line: 1, kind: 'incomplete' });
    expect(streamed.documents.map((document) => getString(document.root, 'd'))).toEqual(['closed']);
    expect(parsed.diagnostics[0]).toMatchObject({ path: 'm.yaml', kind: 'incomplete' });
    expect(parsed.diagnostics[0]?.message).toMatch(/invalid YAML/);
  });

  it('keeps the last of duplicate keys, as go-yaml v2 and sigs.k8s.io/yaml do', () => {
    const parsed = parse('kind: ConfigMap\nmetadata:\n  name: first\n  name: last\n');
    expect(parsed.diagnostics).toEqual([]);
    expect(getString(parsed.documents[0]?.root, 'metadata', 'name')).toBe('last');
  });

  it('follows merge keys (`<<: *anchor`) for keys a map does not set itself', () => {
    const parsed = parse('base: &base\n  image: nginx:1.27\n  name: base\nweb:\n  <<: *base\n  name: web\n');
    const root = parsed.documents[0]?.root;
    expect(getString(root, 'web', 'image')).toBe('nginx:1.27');
    expect(getString(root, 'web', 'name')).toBe('web');
  });

  it('reads an alias as the last node anchored with its name before it, for any number of aliases', () => {
    // an anchor may be set again: each alias stands for the one written last before it
    const items = Array.from({ length: 20_000 }, (_, index) => `  - {image: *img, n: ${index}}\n`).join('');
    const parsed = parse(`first: &img nginx:1\nearly: *img\nsecond: &img nginx:2\nitems:\n${items}undefined: *nowhere\n`);
    const root = parsed.documents[0]?.root;
    expect(getString(root, 'early')).toBe('nginx:1');
    const images = seqItems(getNode(root, 'items')).map((item) => getString(item, 'image'));
    expect(images).toHaveLength(20_000);
    expect(new Set(images)).toEqual(new Set(['nginx:2']));
    expect(getNode(root, 'undefined')).toBeUndefined();
  });

  it('knows a document in which no alias stands for a node (a walk then reaches each node once)', () => {
    const shapes = ['a: {b: [1, 2]}\n', 'cron: "*/5 * * * *"\nref: *dangling\n', 'a: &x {b: 1}\nc: *x\n', 'loop: &x {again: *x}\n', 'a: &x 1\n---\nb: 2\n'];
    const documents = shapes.flatMap((text) => parse(text).documents.map((document) => document.document));
    expect(documents.map(isTreeShaped)).toEqual([true, true, false, false, true, true]);
  });
});
