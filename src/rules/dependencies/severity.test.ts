import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkExpectations, readFixtureDirectory } from '../fixture-harness.js';
import { findRule } from '../index.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** Severity of the finding at `file:line` when the rule runs over its own fixture directory. */
async function severities(ruleId: string): Promise<Map<string, string>> {
  const rule = findRule(ruleId);
  if (!rule) throw new Error(`no rule ${ruleId}`);
  const { texts, config } = readFixtureDirectory(path.join(fixtures, ruleId));
  const { findings } = await checkExpectations(rule, texts, config);
  return new Map(findings.map((finding) => [`${finding.location.path}:${finding.location.line}`, finding.severity]));
}

describe('dependency rule severities: mutable-but-versioned refs rank below branches', () => {
  it('kustomize-remote-unpinned: branch high, tag / release asset / short SHA medium', async () => {
    const found = await severities('kustomize-remote-unpinned');
    expect(found.get('overlay/kustomization.yaml:6')).toBe('high');
    expect(found.get('overlay/kustomization.yaml:8')).toBe('medium');
    expect(found.get('overlay/kustomization.yaml:16')).toBe('medium');
    expect(found.get('overlay/kustomization.yaml:18')).toBe('medium');
    expect(found.get('overlay/kustomization.yaml:17')).toBe('high');
    // patches and generator files fetched over http(s)
    expect(found.get('loaded-files/kustomization.yaml:6')).toBe('high');
    expect(found.get('loaded-files/kustomization.yaml:15')).toBe('medium');
    expect(found.get('loaded-files/kustomization.yaml:19')).toBe('high');
  });

  it('action-not-pinned: third-party tags and branches high, GitHub-owned tags medium', async () => {
    const found = await severities('action-not-pinned');
    expect(found.get('.github/workflows/ci.yml:7')).toBe('medium');
    expect(found.get('.github/workflows/ci.yml:9')).toBe('high');
    expect(found.get('.github/workflows/ci.yml:10')).toBe('high');
  });

  it('argocd-app-unpinned-revision: git tag low, branch and HEAD medium', async () => {
    const found = await severities('argocd-app-unpinned-revision');
    expect(found.get('apps/apps.yaml:11')).toBe('medium');
    expect(found.get('apps/apps.yaml:58')).toBe('low');
  });

  it('flux-source-unpinned: git tag and semver low, branch and OCI tag medium', async () => {
    const found = await severities('flux-source-unpinned');
    expect(found.get('clusters/sources.yaml:10')).toBe('medium');
    expect(found.get('clusters/sources.yaml:29')).toBe('low');
    expect(found.get('clusters/sources.yaml:38')).toBe('low');
    expect(found.get('clusters/sources.yaml:72')).toBe('medium');
  });

  it('helm rules: a range the lock pins is low; a missing lock with exact versions is low', async () => {
    expect((await severities('helm-dependency-unpinned')).get('app/Chart.yaml:7')).toBe('low');
    expect((await severities('helm-dependency-unpinned')).get('app/Chart.yaml:10')).toBe('medium');
    const locks = await severities('helm-lock-missing');
    expect(locks.get('exact/Chart.yaml:4')).toBe('low');
    expect(locks.get('nolock/Chart.yaml:4')).toBe('medium');
  });

  it('terraform-module-unpinned: git tag and archives low, branches and ranges medium', async () => {
    const found = await severities('terraform-module-unpinned');
    expect(found.get('live/main.tf:3')).toBe('medium');
    expect(found.get('live/main.tf:26')).toBe('medium');
    expect(found.get('live/main.tf:38')).toBe('low');
    expect(found.get('live/main.tf:50')).toBe('low');
    // a literal ref after a Terragrunt address computed from an include
    expect(found.get('terragrunt-shared-address/prod/mysql/terragrunt.hcl:7')).toBe('low');
    expect(found.get('terragrunt-shared-address/stage/mysql/terragrunt.hcl:2')).toBe('medium');
  });
});

describe('helm-lock-missing message', () => {
  it('names a chart used under several aliases once', async () => {
    const rule = findRule('helm-lock-missing');
    if (!rule) throw new Error('no rule helm-lock-missing');
    const { texts, config } = readFixtureDirectory(path.join(fixtures, 'helm-lock-missing'));
    const { findings } = await checkExpectations(rule, texts, config);
    const exact = findings.find((finding) => finding.location.path === 'exact/Chart.yaml');
    expect(exact?.message).toMatch(/\(redis, memcached\)/);
    expect(exact?.message.match(/memcached/g)).toHaveLength(1);
  });
});

describe('kustomize-remote-unpinned message', () => {
  it("says a releases/latest asset follows the newest release, not the repository's default branch", async () => {
    const rule = findRule('kustomize-remote-unpinned');
    if (!rule) throw new Error('no rule kustomize-remote-unpinned');
    const { texts, config } = readFixtureDirectory(path.join(fixtures, 'kustomize-remote-unpinned'));
    const { findings } = await checkExpectations(rule, texts, config);
    const latest = findings.find((finding) => finding.location.path === 'overlay/kustomization.yaml' && finding.location.line === 19);
    expect(latest?.message).toMatch(/newest release/);
    expect(latest?.message).not.toMatch(/default branch/);
    expect(latest?.severity).toBe('high');
  });
});
