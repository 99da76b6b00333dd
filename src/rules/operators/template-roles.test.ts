import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkExpectations, readFixtureDirectory } from '../fixture-harness.js';
import { findRule } from '../index.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

describe('roles written literally in chart templates', () => {
  it('rbac-wildcard: reports them with the severity of the rule they grant, naming the template', async () => {
    const rule = findRule('rbac-wildcard');
    if (!rule) throw new Error('no rule rbac-wildcard');
    const { texts, config } = readFixtureDirectory(path.join(fixtures, 'rbac-wildcard'));
    const { findings } = await checkExpectations(rule, texts, config);
    const at = (where: string) => findings.find((finding) => `${finding.location.path}:${finding.location.line}` === where);
    const everything = at('chart/templates/controller-clusterrole.yaml:15');
    expect(everything?.severity).toBe('high');
    expect(everything?.message).toMatch(/^Template chart\/templates\/controller-clusterrole\.yaml renders a ClusterRole that grants verbs \[\*\] on resources \[\*\]/);
    // every verb on the operator's own resources: not credentials, not workloads
    expect(at('chart/templates/operator-clusterrole.yaml:12')?.severity).toBe('medium');
    expect(findings.filter((finding) => finding.location.path.includes('repo-server'))).toEqual([]);
  });
});
