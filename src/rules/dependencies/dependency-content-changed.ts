import { chainOf, checkDependencies, fetchFailures } from '../../deps/check.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'dependency-content-changed',
  layer: 'dependencies',
  severity: 'critical',
  summary: 'A dependency locked in rampart.lock (chart version, git tag, OCI tag) now resolves to other content.',
  rationale:
    'A chart version, a git tag and an OCI tag all look pinned, yet each can be published again with other content: ' +
    'a chart repository can serve a new archive under `6.5.0`, `git push --force` moves a tag, an OCI tag can be pushed ' +
    'over. `Chart.lock` only records which versions were chosen, not what they held. `rampart.lock` records the archive ' +
    'sha256, the OCI manifest digest and the git commit each reference resolved to, so a dependency that changed under ' +
    'the same name is caught before the controller deploys it. This is what a supply-chain attack on a chart or base ' +
    'repository looks like from here.',
  remediation:
    'Find out why the upstream content changed (a republished release, a moved tag, a compromised repository) before ' +
    'deploying it. If the new content is legitimate, review what it brings in (`rampart scan --deps`) and run ' +
    '`rampart deps lock` to record it; better still, pin the reference to the digest or commit itself.',
  references: [
    'https://helm.sh/docs/helm/helm_dependency/',
    'https://git-scm.com/docs/git-tag#_on_re_tagging',
    'https://slsa.dev/spec/v1.0/threats',
  ],
  integrationTest: 'test/deps-verify.test.ts',
  requires: 'deps',
  runsWith: '`rampart deps verify` or `scan --deps --locked`',
  messages: {
    changed: '{chain} was locked at {field} {locked} and now resolves to {now}: the same {asked} has other content (republished, or a moved tag).',
  },
  examples: {
    bad: [{ file: 'rampart.lock', code: '# the chart repository now serves another archive for podinfo 6.5.0\nversion: 1\ndependencies:\n  - type: helm\n    source: https://charts.example.com\n    chart: podinfo\n    asked: 6.5.0\n    version: 6.5.0\n    sha256: sha256:dd749be0c5883b8bc2db7455756892e1e1e1567bd7cd38de4c48901635aa984b\n' }],
    good: [{ file: 'rampart.lock', code: '# the repository still serves the archive with this sha256\nversion: 1\ndependencies:\n  - type: helm\n    source: https://charts.example.com\n    chart: podinfo\n    asked: 6.5.0\n    version: 6.5.0\n    sha256: sha256:dd749be0c5883b8bc2db7455756892e1e1e1567bd7cd38de4c48901635aa984b\n' }],
  },
  async check(context) {
    const settings = context.settings.deps;
    if (!settings?.locked) return;
    const { verdicts, run } = await checkDependencies(context.workspace, settings);
    for (const verdict of verdicts) {
      if (verdict.kind !== 'changed') continue;
      const { reference } = verdict;
      context.report({
        messageId: 'changed',
        at: reference.reference.at,
        data: { chain: chainOf(reference), field: FIELD_NAMES[verdict.field] ?? verdict.field, locked: verdict.locked, now: verdict.now, asked: `\`${reference.reference.source.asked}\`` },
        subject: `${reference.key}\0${verdict.now}`,
        properties: { dependency: chainOf(reference), locked: verdict.locked, resolved: verdict.now },
      });
    }
    const failures = fetchFailures(run);
    if (failures.length > 0) throw new Error(`${failures.length} dependencies could not be fetched, so they were not checked: ${failures.join('; ')}`);
  },
});

/** How a lock field is named in the message. */
const FIELD_NAMES: Readonly<Record<string, string>> = { cosignSigner: 'cosign signer', gitSigner: 'git signer' };
