import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../src/scan.js';

let root = '';

function write(file: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
}

const owners = async (directory: string): Promise<string[]> => {
  const { report } = await scan(directory, { settings: {}, capabilities: new Set() });
  return report.findings.filter((finding) => finding.ruleId === 'codeowners-missing').map((finding) => `${finding.location.path}:${finding.location.line} ${finding.message}`);
};

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'rampart-codeowners-'));
  spawnSync('git', ['init', '-q', '-b', 'main'], { cwd: root });
  write('clusters/prod/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [app.yaml]\n');
  write('clusters/prod/app.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\n');
  write('README.md', '# fleet\n');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('codeowners-missing on a real repository', () => {
  it('reports a repository without CODEOWNERS once, at the repository root', async () => {
    expect(await owners(root)).toEqual([
      '.:1 No CODEOWNERS file: no owner is asked to review changes to the 2 deploy files of this repository (clusters/prod/app.yaml, clusters/prod/kustomization.yaml).',
    ]);
  });

  it('stays quiet when a subdirectory is scanned: the repository\'s CODEOWNERS is out of sight', async () => {
    expect(await owners(path.join(root, 'clusters'))).toEqual([]);
  });

  it('stays quiet outside git without a CODEOWNERS (rendered manifests), but checks one that is there', async () => {
    const rendered = mkdtempSync(path.join(tmpdir(), 'rampart-rendered-'));
    try {
      writeFileSync(path.join(rendered, 'all.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\n');
      expect(await owners(rendered)).toEqual([]);
      writeFileSync(path.join(rendered, 'CODEOWNERS'), '/other/ @acme/platform\n');
      expect((await owners(rendered)).map((line) => line.split(' ')[0])).toEqual(['CODEOWNERS:1', 'CODEOWNERS:1']);
    } finally {
      rmSync(rendered, { recursive: true, force: true });
    }
  });

  it('stays quiet once CODEOWNERS owns every deploy path, and names what a partial one leaves out, in CODEOWNERS', async () => {
    write('.github/CODEOWNERS', '/clusters/prod/kustomization.yaml @acme/platform\n');
    expect(await owners(root)).toEqual([
      '.github/CODEOWNERS:1 .github/ has no owner in .github/CODEOWNERS: 1 deploy file(s) (.github/CODEOWNERS) change without an owner\'s review.',
      '.github/CODEOWNERS:1 clusters/prod/app.yaml has no owner in .github/CODEOWNERS: 1 deploy file(s) (clusters/prod/app.yaml) change without an owner\'s review.',
    ]);
    write('.github/CODEOWNERS', '* @acme/platform\n');
    expect(await owners(root)).toEqual([]);
  });
});
