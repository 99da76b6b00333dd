import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../src/scan.js';

const SECRET_LINE = '    password: "Zq8vN3rT6yWp2LmK9sXc"';

/** One manifest per template language, each with a literal image line and a credential. */
const TEMPLATES: Record<string, { language: RegExp; text: string }> = {
  'freemarker/deployment.yaml': {
    language: /^FreeMarker template \(line 5\)/,
    text: [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: ${appName}',
      '<#if replicas??>',
      'spec:',
      '  replicas: ${replicas}',
      '</#if>',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: app',
      '          image: nginx:1.27',
      '<#list env as e>',
      '        - name: ${e.name}',
      '</#list>',
      'data:',
      SECRET_LINE,
      '',
    ].join('\n'),
  },
  'jinja/deployment.yaml': {
    language: /^Jinja template \(line 5\)/,
    text: [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: {{ app_name }}',
      '{% if replicas %}',
      'spec:',
      '  replicas: {{ replicas }}',
      '{% endif %}',
      '  template:',
      '    spec:',
      '      containers:',
      '        - image: nginx:1.27',
      'data:',
      SECRET_LINE,
      '',
    ].join('\n'),
  },
  'erb/deployment.yaml': {
    language: /^ERB template \(line 5\)/,
    text: [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: web',
      '<% if @replicas %>',
      'spec:',
      '  replicas: <%= @replicas %>',
      '<% end %>',
      '  template:',
      '    spec:',
      '      containers:',
      '        - image: nginx:1.27',
      'data:',
      SECRET_LINE,
      '',
    ].join('\n'),
  },
};

describe('manifests in other template languages (FreeMarker, Jinja, ERB)', () => {
  let root = '';
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'rampart-templates-'));
    for (const [file, { text }] of Object.entries(TEMPLATES)) {
      await mkdir(path.dirname(path.join(root, file)), { recursive: true });
      await writeFile(path.join(root, file), text);
    }
  });
  afterAll(async () => {
    if (root !== '') await rm(root, { recursive: true, force: true });
  });

  it('are listed as skipped templates with what to do, read for secrets and literal images, and leave the scan complete', async () => {
    const { report } = await scan(root);
    expect(report.complete).toBe(true);
    for (const [file, { language }] of Object.entries(TEMPLATES)) {
      const diagnostics = report.diagnostics.filter((diagnostic) => diagnostic.path === file);
      expect(diagnostics, file).toHaveLength(1);
      expect(diagnostics[0]).toMatchObject({ kind: 'skipped' });
      expect(diagnostics[0]?.message, file).toMatch(language);
      expect(diagnostics[0]?.message).toMatch(/scan the rendered output.*`ignore:` in \.rampart\.yaml/);
      const rules = report.findings.filter((finding) => finding.location.path === file).map((finding) => finding.ruleId);
      expect(rules, file).toContain('image-not-pinned');
      expect(rules.some((rule) => rule.startsWith('secret-')), `${file}: ${rules.join(', ')}`).toBe(true);
    }
  });

  it('{NAME} placeholders and documentation excerpts with elided `...` lines are skipped with what they are, and leave the scan complete', async () => {
    const other = await mkdtemp(path.join(tmpdir(), 'rampart-excerpts-'));
    try {
      await writeFile(path.join(other, 'service.yaml'), 'apiVersion: v1\nkind: Service\nmetadata:\n  name: bind\nspec:\n  clusterIP: {SERVICE_IP_PREFIX}.16\n');
      await writeFile(path.join(other, 'snippet.yaml'), [
        'apiVersion: apps/v1', 'kind: Deployment', 'spec:', '  template:', '    spec:', '      containers:',
        '      - name: connect-api', '        image: 1password/connect-api:1.5.0', '        ...', '      - name: sync', '',
      ].join('\n'));
      const { report } = await scan(other);
      expect(report.complete).toBe(true);
      expect(report.diagnostics.find((diagnostic) => diagnostic.path === 'service.yaml')?.message).toMatch(/^template with placeholders \(line 6\)/);
      expect(report.diagnostics.find((diagnostic) => diagnostic.path === 'snippet.yaml')).toMatchObject({ kind: 'skipped', message: expect.stringMatching(/^excerpt with elided lines/) });
      const snippetImage = report.findings.find((finding) => finding.location.path === 'snippet.yaml' && finding.ruleId === 'image-not-pinned');
      expect(snippetImage?.message).toMatch(/\(template\)/);
      expect(snippetImage?.message).not.toMatch(/chart template/);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});
