import { describe, expect, it } from 'vitest';
import type { Finding } from '../../model/finding.js';
import type { Severity } from '../../model/severity.js';
import { ImagePolicy } from './policy.js';

function finding(severity: Severity, properties: Record<string, string> = {}): Finding {
  return {
    ruleId: properties['advisory'] ? 'image-vulnerability' : 'image-unowned-executable',
    layer: 'artifacts',
    severity,
    message: 'm',
    remediation: 'r',
    docs: 'd',
    location: { path: 'p', line: 1, column: 1, endLine: 1, endColumn: 1 },
    snippet: '',
    fingerprint: 'f',
    span: { path: 'p', start: 0, end: 0 },
    properties,
  };
}

const GHSA = finding('critical', { advisory: 'GHSA-xvch-5gv4-984h', aliases: 'CVE-2021-44906' });

describe('images policy', () => {
  it('ignores by advisory id or alias, case-insensitively, through the expiry day and not after it', () => {
    const entry = { id: 'cve-2021-44906', reason: 'not reachable', expires: '2026-12-03' };
    expect(new ImagePolicy({ ignore: [entry] }, '.rampart.yaml', '2026-12-03').apply([GHSA], 'ghcr.io/acme/web')).toMatchObject({ kept: [], ignored: 1 });
    const after = new ImagePolicy({ ignore: [entry] }, '.rampart.yaml', '2026-12-04');
    const outcome = after.apply([GHSA], 'ghcr.io/acme/web');
    expect(outcome.ignored).toBe(0);
    expect(outcome.kept[0]!.properties).toMatchObject({ ignoreExpired: '2026-12-03' });
    expect(after.expiredNotes()).toEqual([{ path: '.rampart.yaml', kind: 'note', message: 'images.ignore cve-2021-44906 expired on 2026-12-03 and no longer applies; its findings are reported again (reason given: not reachable)' }]);
  });

  it('limits an entry to the images its globs match', () => {
    const policy = new ImagePolicy({ ignore: [{ id: 'GHSA-xvch-5gv4-984h', reason: 'r', expires: '2999-01-01', images: ['ghcr.io/acme/*'] }] }, 'c', '2026-01-01');
    expect(policy.apply([GHSA], 'ghcr.io/acme/web').ignored).toBe(1);
    expect(policy.apply([GHSA], 'ghcr.io/acme/team/web').ignored).toBe(0);
    expect(policy.apply([GHSA], 'docker.io/library/web').ignored).toBe(0);
  });

  it('drops findings under minSeverity and never ignores a finding without an advisory', () => {
    const policy = new ImagePolicy({ minSeverity: 'high', ignore: [{ id: 'CVE-1-2', reason: 'r', expires: '2999-01-01' }] }, 'c', '2026-01-01');
    const outcome = policy.apply([finding('medium', { advisory: 'CVE-9-9' }), finding('high'), finding('low')], 'x/y');
    expect(outcome).toMatchObject({ belowThreshold: 2, ignored: 0 });
    expect(outcome.kept.map((kept) => kept.severity)).toEqual(['high']);
  });
});
