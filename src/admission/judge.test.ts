import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/schema.js';
import { RULES } from '../rules/index.js';
import { judge } from './judge.js';

const options = { config: DEFAULT_CONFIG, rules: RULES, failOn: 'low' as const, excludeNamespaces: new Set<string>() };

describe('judge', () => {
  it('reads an object as an object whatever its name: a name never makes it a pipeline, values or kustomization file', async () => {
    for (const name of ['plain', 'build.gitlab-ci', 'values', 'app-values', 'kustomization', 'compose', 'action']) {
      const object = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace: 'ci' },
        data: { image: 'alpine:latest', script: 'echo "$CI_COMMIT_TITLE"\ncurl -sSL https://get.example.com/install.sh | sh\n' },
      };
      const decision = await judge({ uid: name, kind: { group: '', version: 'v1', kind: 'ConfigMap' }, operation: 'CREATE', namespace: 'ci', name, dryRun: false, object, oldObject: null }, options);
      expect([...decision.denying, ...decision.warning].map((finding) => finding.ruleId), name).toEqual([]);
      expect(decision.path).toContain(name);
    }
  });
});
