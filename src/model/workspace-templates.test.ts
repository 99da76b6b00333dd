import { describe, expect, it } from 'vitest';
import { Workspace } from './workspace.js';

function diagnosticsOf(path: string, text: string): Array<{ kind: string; message: string }> {
  const workspace = Workspace.fromTexts({ [path]: text });
  workspace.yamlDocuments();
  return workspace.diagnostics.map(({ kind, message }) => ({ kind, message }));
}

describe('files that do not parse until something renders them', () => {
  it('a ${VAR} on the line the parser stopped at is a placeholder Flux or envsubst fills (ricsanfre/pi-cluster vault-agent values)', () => {
    const text = 'scrape:\n  static_configs:\n  - targets: [vault.${CLUSTER_DOMAIN}:8200]\n';
    expect(diagnosticsOf('values.yaml', text)).toEqual([{ kind: 'skipped', message: expect.stringMatching(/^template with placeholders \(line 3\)/) }]);
  });

  it('broken YAML away from any ${VAR} is still an incomplete scan', () => {
    const text = 'a: ${A}\nb: [open\nc: 1\n';
    expect(diagnosticsOf('values.yaml', text)).toEqual([{ kind: 'incomplete', message: expect.stringMatching(/invalid YAML/) }]);
  });

  it('a YAML template named .j2 is Jinja even when only {{ }} shows it, and skipped when it does not parse', () => {
    const text = 'token: "{{ k3s_token }}"\nserver: https://{{ apiserver_endpoint }}:6443\ntls-san:\n  - {{ apiserver_endpoint }}:6443\n';
    expect(diagnosticsOf('roles/k3s/templates/config.yml.j2', text)).toEqual([{ kind: 'skipped', message: expect.stringMatching(/^Jinja template \(line 1\)/) }]);
    expect(diagnosticsOf('templates/kubevip.yaml.j2', 'a: [b\n')).toEqual([{ kind: 'skipped', message: expect.stringMatching(/^Jinja template \(line \d\)/) }]);
  });
});
