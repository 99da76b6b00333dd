import { isMap, isSeq, parseDocument } from 'yaml';
import { checkDependencies, lockPathIn } from '../../deps/check.js';
import { lockEntryKey, type LockEntry } from '../../deps/lock.js';
import type { Span } from '../../model/span.js';
import type { Workspace } from '../../model/workspace.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'dependency-lock-stale',
  layer: 'dependencies',
  severity: 'low',
  summary: 'An entry of rampart.lock that no reference pulls any more (a removed dependency, the old version of a bumped one).',
  rationale:
    'A lock that keeps entries nothing uses stops being a record of what is deployed: reviewers read a digest or commit ' +
    'that no longer matters, and a stale entry can hide that the reference which should use it was changed or dropped. ' +
    'Keeping the lock equal to what the repository pulls makes every change to it meaningful in review.',
  remediation: 'Run `rampart deps lock` to write the lock again from what the repository references, and commit it.',
  references: ['https://docs.npmjs.com/cli/v10/configuring-npm/package-lock-json', 'https://slsa.dev/spec/v1.0/requirements'],
  integrationTest: 'test/deps-verify.test.ts',
  requires: 'deps',
  runsWith: '`rampart deps verify` or `scan --deps --locked`',
  messages: {
    stale: '{lock} locks {dependency}, which nothing references any more (it was last referenced by {referencedBy}). Run `rampart deps lock`.',
  },
  examples: {
    bad: [{ file: 'rampart.lock', code: '# no file of the repository references podinfo 6.4.0 any more\nversion: 1\ndependencies:\n  - type: helm\n    source: https://charts.example.com\n    chart: podinfo\n    asked: 6.4.0\n    version: 6.4.0\n    sha256: sha256:dd749be0c5883b8bc2db7455756892e1e1e1567bd7cd38de4c48901635aa984b\n' }],
    good: [{ file: 'rampart.lock', code: '# apps/podinfo.yaml references podinfo 6.4.0\nversion: 1\ndependencies:\n  - type: helm\n    source: https://charts.example.com\n    chart: podinfo\n    asked: 6.4.0\n    version: 6.4.0\n    sha256: sha256:dd749be0c5883b8bc2db7455756892e1e1e1567bd7cd38de4c48901635aa984b\n' }],
  },
  async check(context) {
    const settings = context.settings.deps;
    if (!settings?.locked) return;
    const { stale, lockPath } = await checkDependencies(context.workspace, settings);
    if (stale.length === 0) return;
    const lock = lockPathIn(context.workspace.root, lockPath);
    const places = entrySpans(context.workspace, lock);
    for (const { key, entry } of stale) {
      context.report({
        messageId: 'stale',
        at: places.get(key) ?? { path: lock, start: 0, end: 0 },
        data: { lock, dependency: describe(entry), referencedBy: entry.referencedBy.join(', ') || 'nothing' },
        subject: key,
        properties: { dependency: describe(entry) },
      });
    }
  },
});

function describe(entry: LockEntry): string {
  return `${entry.type} ${entry.source}${entry.chart ? ` ${entry.chart}` : ''}${entry.path ? `//${entry.path}` : ''} ${entry.asked}`;
}

/** Where each entry of the lock starts, when the lock is a file of the scanned tree. */
function entrySpans(workspace: Workspace, lock: string): Map<string, Span> {
  const spans = new Map<string, Span>();
  const file = workspace.file(lock);
  if (!file) return spans;
  const document = parseDocument(file.text, { uniqueKeys: false });
  const list = isMap(document.contents) ? document.contents.get('dependencies', true) : undefined;
  if (!isSeq(list)) return spans;
  for (const item of list.items) {
    if (!isMap(item) || !item.range) continue;
    try {
      const entry = item.toJSON() as LockEntry;
      spans.set(lockEntryKey({ ...entry, referencedBy: [] }), file.span(item.range[0], item.range[0]));
    } catch {
      // an entry readLock accepted always converts; anything else is left at the top of the file
    }
  }
  return spans;
}
