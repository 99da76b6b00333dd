import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { walkTree } from './walk.js';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'rampart-walk-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

describe('walkTree', () => {
  it('honours .gitignore files at every level and extra patterns, and never enters .git', async () => {
    const root = tree({
      '.gitignore': 'build/\n*.log\n',
      'a.yaml': '',
      'build/out.yaml': '',
      'debug.log': '',
      'apps/.gitignore': 'secret.yaml\n!keep.log\n',
      'apps/secret.yaml': '',
      'apps/keep.log': '',
      'apps/web/deploy.yaml': '',
      'vendor/x.yaml': '',
      '.git/config': '',
    });
    const { entries } = await walkTree(root, ['vendor/']);
    expect(entries.map((entry) => entry.path).sort()).toEqual(['.gitignore', 'a.yaml', 'apps/.gitignore', 'apps/keep.log', 'apps/web/deploy.yaml']);
  });

  it('follows links inside the tree once, and reports loops and links leaving it', async () => {
    const outside = tree({ 'secret.yaml': 'x: 1' });
    const root = tree({ 'real/a.yaml': 'a: 1' });
    symlinkSync(path.join(root, 'real'), path.join(root, 'alias'));
    symlinkSync(root, path.join(root, 'real', 'loop'));
    symlinkSync(path.join(outside, 'secret.yaml'), path.join(root, 'escape.yaml'));
    symlinkSync(path.join(root, 'missing'), path.join(root, 'dangling.yaml'));
    const { entries, diagnostics } = await walkTree(root);
    expect(entries.map((entry) => entry.path).sort()).toEqual(['real/a.yaml']);
    const messages = Object.fromEntries(diagnostics.map((diagnostic) => [diagnostic.path, diagnostic.message]));
    expect(messages['escape.yaml']).toMatch(/outside the scanned tree/);
    expect(messages['dangling.yaml']).toMatch(/to nothing/);
    expect(messages['alias'] ?? messages['real/loop']).toMatch(/already scanned/);
    expect(diagnostics.every((diagnostic) => diagnostic.kind === 'skipped')).toBe(true);
  });
});
