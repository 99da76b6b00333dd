import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

/**
 * A scan loads only what it runs: the config validator (zod, about 0.03 s of CPU to load) is
 * loaded when a config file is there to validate, not by the scan command's own imports.
 */
describe('scan command start-up', () => {
  afterEach(() => {
    vi.doUnmock('zod');
    vi.doUnmock('yaml');
    vi.doUnmock('../model/workspace-parsing.js');
    vi.resetModules();
  });

  it('does not load the config validator until a config file is read', async () => {
    vi.resetModules();
    const loaded = vi.fn();
    vi.doMock('zod', async (original) => {
      loaded();
      return original();
    });
    await import('./scan-command.js');
    expect(loaded, 'zod loaded by the scan command\'s imports').not.toHaveBeenCalled();
    await import('../config/parse.js');
    expect(loaded).toHaveBeenCalled();
  });

  it('loads neither the YAML parser nor the image extractors for a scan that parses nothing', async () => {
    vi.resetModules();
    const loaded = vi.fn();
    vi.doMock('yaml', async (original) => {
      loaded('yaml');
      return original();
    });
    vi.doMock('../model/workspace-parsing.js', async (original) => {
      loaded('parsers and extractors');
      return original();
    });
    const { scan } = await import('../scan.js');
    const { RULE_INDEX } = await import('../rules/rule-index.js');
    const secretsOnly = RULE_INDEX.filter((rule) => rule.layer === 'secrets').map((rule) => rule.id);
    const root = mkdtempSync(path.join(tmpdir(), 'rampart-scan-load-'));
    try {
      await scan(root);
      expect(loaded, 'loaded by a scan of an empty directory').not.toHaveBeenCalled();
      writeFileSync(path.join(root, 'main.tf'), 'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n');
      writeFileSync(path.join(root, 'notes.md'), `token: ghp_${'x'.repeat(36)}\n`);
      await scan(root, { only: secretsOnly });
      expect(loaded, 'loaded by a secrets-only scan of files that hold no YAML').not.toHaveBeenCalledWith('parsers and extractors');
      writeFileSync(path.join(root, 'secret.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: Xk3jd9Ls02kdLq9sPw7z\n');
      const { report } = await scan(root, { only: secretsOnly });
      expect(report.findings.map((finding) => finding.ruleId)).toContain('k8s-secret-plaintext');
      expect(loaded).toHaveBeenCalledWith('parsers and extractors');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
