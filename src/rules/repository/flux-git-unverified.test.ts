import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../config/schema.js';
import { runRules } from '../../engine/run.js';
import { Workspace } from '../../model/workspace.js';
import rule from './flux-git-unverified.js';

const RESOURCE_SET = `apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata:
  name: apps
spec:
  resources:
    - apiVersion: source.toolkit.fluxcd.io/v1
      kind: GitRepository
      metadata:
        name: << inputs.tenant >>
      spec:
        url: https://github.com/acme/<< inputs.tenant >>
        ref:
          branch: main
    - apiVersion: source.toolkit.fluxcd.io/v1
      kind: GitRepository
      metadata:
        name: no-url
      spec:
        ref:
          branch: main
`;

describe('flux-git-unverified messages', () => {
  it('names a source inside a ResourceSet with one pair of parentheses', async () => {
    const { findings } = await runRules(Workspace.fromTexts({ 'resourceset.yaml': RESOURCE_SET }), DEFAULT_CONFIG, [rule]);
    expect(findings.map((finding) => finding.message)).toEqual([
      'GitRepository/<< inputs.tenant >> (in ResourceSet/apps resources[0]) does not verify commit signatures of https://github.com/acme/<< inputs.tenant >>: any commit on the tracked ref is applied.',
      'GitRepository/no-url (in ResourceSet/apps resources[1]) does not verify commit signatures of its source, which sets no spec.url: any commit on the tracked ref is applied.',
    ]);
    for (const finding of findings) expect(finding.message).not.toMatch(/\)\s*\(/);
  });
});
