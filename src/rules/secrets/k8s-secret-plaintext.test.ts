import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../config/schema.js';
import { runRules } from '../../engine/run.js';
import { Workspace } from '../../model/workspace.js';
import type { HistoryHit } from '../../secrets/history/history-hit.js';
import type { HistoryScan } from '../../secrets/history/scan-history.js';
import { pemBlock, sampleEcDer } from '../../secrets/pem.js';
import { SampleRandom } from '../../secrets/random.js';
import k8sSecretPlaintext from './k8s-secret-plaintext.js';
import { generatedSecretRules } from './secret-rules.js';

const random = new SampleRandom('k8s-secret-plaintext');
const indented = (text: string, spaces: number): string => text.trimEnd().split('\n').map((line) => `${' '.repeat(spaces)}${line}`).join('\n');
const RULES = [k8sSecretPlaintext, ...generatedSecretRules];

describe('k8s-secret-plaintext: one finding per secret', () => {
  it('in the tree, leaves a value a detector reports to that detector and lists the rest', async () => {
    const password = random.chars('ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789', 20);
    const workspace = Workspace.fromTexts({
      'cni/cilium.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: cilium-ca\ntype: Opaque\nstringData:\n  ca.key: |\n${indented(pemBlock('EC PRIVATE KEY', sampleEcDer(random)), 4)}\n`,
      'apps/db.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  tls.key: |\n${indented(pemBlock('EC PRIVATE KEY', sampleEcDer(random)), 4)}\n  password: ${password}\n`,
    });
    const { findings } = await runRules(workspace, DEFAULT_CONFIG, RULES);
    const described = findings.map((finding) => `${finding.ruleId} ${finding.location.path}:${finding.location.line}`).sort();
    expect(described).toEqual(['k8s-secret-plaintext apps/db.yaml:12', 'secret-private-key apps/db.yaml:7', 'secret-private-key cni/cilium.yaml:8']);
    expect(findings.find((finding) => finding.ruleId === 'k8s-secret-plaintext')!.message).toContain('holds 1 value(s) in clear: password');
  });

  it('in history, drops a value a detector hit of the same commit and file covers', async () => {
    const hit = (ruleId: string, commit: string, line: number, endLine: number, hash: string): HistoryHit => ({
      ruleId, hash, preview: '-----BEG', order: 0, commit, author: 'dev', date: '2024-01-01', path: 'cni/cilium.yaml', line, column: 11, endLine, endColumn: 30, snippet: '',
    });
    const a = 'a'.repeat(40);
    const b = 'b'.repeat(40);
    const scan: HistoryScan = {
      hits: [
        hit('k8s-secret-plaintext', a, 8, 12, '1111111111111111'), hit('secret-private-key', a, 8, 12, '2222222222222222'),
        // another commit's version of the file: the key there is another hit's
        hit('k8s-secret-plaintext', b, 8, 12, '3333333333333333'), hit('secret-private-key', a, 20, 24, '4444444444444444'),
        // a value no detector recognises
        hit('k8s-secret-plaintext', a, 14, 14, '5555555555555555'),
      ],
      commits: 2, binary: 0, oversize: 0, missing: [], omitted: 0, shallow: false,
    };
    const workspace = Workspace.fromTexts({ 'README.md': '# cluster\n' }, '/nonexistent-repository');
    const { findings } = await runRules(workspace, DEFAULT_CONFIG, [k8sSecretPlaintext], { settings: { history: { enabled: true, scan: Promise.resolve(scan) } } });
    expect(findings.map((finding) => `${finding.properties?.['commit']?.toString().slice(0, 1)}:${finding.location.line}`).sort()).toEqual(['a:14', 'b:8']);
  });
});
