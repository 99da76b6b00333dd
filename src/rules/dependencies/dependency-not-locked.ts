import { chainOf, checkDependencies, lockPathIn } from '../../deps/check.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'dependency-not-locked',
  layer: 'dependencies',
  severity: 'medium',
  summary: 'A remote dependency is missing from rampart.lock, or a version range now picks a version the lock does not have.',
  rationale:
    'With a content lock, a pull request that adds a chart, a remote base or a module, or bumps one, also changes ' +
    '`rampart.lock`, so reviewers see the new digest or commit and `rampart scan --deps` shows what it brings in. A ' +
    'dependency that is not in the lock was never reviewed that way, and nothing will notice when its content changes.',
  remediation: 'Run `rampart deps lock` and commit `rampart.lock` with the change that added or moved the dependency.',
  references: ['https://slsa.dev/spec/v1.0/requirements', 'https://helm.sh/docs/helm/helm_dependency/'],
  integrationTest: 'test/deps-verify.test.ts',
  requires: 'deps',
  runsWith: '`rampart deps verify` or `scan --deps --locked`',
  messages: {
    missing: '{chain} is not in {lock}: its content was never locked. Run `rampart deps lock`.',
    noLock: '{chain}: there is no {lock} to check it against. Run `rampart deps lock`.',
    moved: '{chain} now resolves to version {now}; {lock} has {locked}. Run `rampart deps lock` to record the new version.',
  },
  examples: {
    bad: [{ file: 'kustomization.yaml', code: '# rampart.lock has no entry for this base\nresources:\n  - https://github.com/acme/bases//web?ref=v1.2.0\n' }],
    good: [{ file: 'kustomization.yaml', code: '# rampart.lock records the commit v1.2.0 resolved to\nresources:\n  - https://github.com/acme/bases//web?ref=v1.2.0\n' }],
  },
  async check(context) {
    const settings = context.settings.deps;
    if (!settings?.locked) return;
    const { verdicts, lockPath } = await checkDependencies(context.workspace, settings);
    const lock = lockPathIn(context.workspace.root, lockPath);
    for (const verdict of verdicts) {
      if (verdict.kind !== 'not-locked') continue;
      const { reference } = verdict;
      const chain = chainOf(reference);
      const base = { at: reference.reference.at, subject: reference.key, properties: { dependency: chain } };
      if (verdict.entry?.version !== undefined) {
        context.report({ ...base, messageId: 'moved', data: { chain, lock, now: reference.fetched?.content.version ?? '?', locked: verdict.entry.version } });
      } else {
        context.report({ ...base, messageId: verdict.lockExists ? 'missing' : 'noLock', data: { chain, lock } });
      }
    }
  },
});
