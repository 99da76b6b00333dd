import { describe, expect, it } from 'vitest';
import { parseActionUses } from './action-uses.js';

describe('parseActionUses', () => {
  it('reads actions, sub-directory actions and reusable workflows', () => {
    expect(parseActionUses('actions/checkout@v4')).toMatchObject({ kind: 'remote', owner: 'actions', repo: 'checkout', path: '', ref: 'v4', refRange: { start: 17, end: 19 }, reusableWorkflow: false });
    expect(parseActionUses('github/codeql-action/init@v3')).toMatchObject({ path: 'init', ref: 'v3' });
    expect(parseActionUses('acme/wf/.github/workflows/release.yml@main')).toMatchObject({ reusableWorkflow: true, ref: 'main' });
  });

  it('knows local actions, docker images and missing refs', () => {
    expect(parseActionUses('./.github/actions/setup')).toEqual({ kind: 'local' });
    expect(parseActionUses('docker://alpine:3.20')).toEqual({ kind: 'docker' });
    expect(parseActionUses('acme/action')).toMatchObject({ kind: 'remote', insertAt: 11 });
    expect(parseActionUses('acme/action')).not.toHaveProperty('ref');
  });

  it('rejects what is not an action reference', () => {
    expect(parseActionUses('')).toBeUndefined();
    expect(parseActionUses('checkout@v4')).toBeUndefined();
    expect(parseActionUses('acme//x@v1')).toBeUndefined();
  });
});
