import { describe, expect, it } from 'vitest';
import { templateLanguageOfName, templateMessage, templateSyntax } from './template-syntax.js';

describe('what a manifest that does not parse is written in', () => {
  it('placeholders a Makefile or script replaces: {NAME} (cert-manager make/config)', () => {
    const text = 'kind: Service\nspec:\n  type: ClusterIP\n  clusterIP: {SERVICE_IP_PREFIX}.16\n';
    expect(templateSyntax(text)).toEqual({ language: 'placeholder', line: 4 });
    expect(templateMessage(templateSyntax(text)!)).toMatch(/^template with placeholders \(line 4\): not YAML until rendered/);
  });

  it('@NAME@ placeholders a script replaces with sed (longhorn dev/scale-test: name: @STS_NAME@)', () => {
    const text = 'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: @STS_NAME@\nspec:\n  serviceName: @STS_NAME@\n';
    expect(templateSyntax(text)).toEqual({ language: 'placeholder', line: 4 });
    expect(templateSyntax('args: [--prefix, @prefix@]\n')).toEqual({ language: 'placeholder', line: 1 });
    expect(templateSyntax('owner: someone@example.com@\nb: [unclosed\n')).toBeUndefined();
  });

  it('Terraform templatefile() directives: %{ for }, %{~ if ~} (cloud-foundation-fabric cloud-config and pipeline templates)', () => {
    const text = 'users:\n  - name: app\n  %{ for user in users }\n  - name: ${user.username}\n  %{ endfor }\n';
    expect(templateSyntax(text)).toEqual({ language: 'Terraform', line: 3 });
    expect(templateSyntax('variables:\n  A: ${a}\n  %{~ if b != [] ~}\n  B: ${b}\n  %{~ endif ~}\n')).toEqual({ language: 'Terraform', line: 3 });
    expect(templateMessage(templateSyntax(text)!)).toMatch(/^Terraform template \(line 3\): not YAML until rendered/);
    expect(templateSyntax('format: "%{http_code}"\nb: [unclosed\n')).toBeUndefined();
  });

  it("makejinja's #% %# and #{ }# delimiters (onedr0p cluster-template) are Jinja; a YAML template's name says what it is", () => {
    expect(templateSyntax('machine:\n  kernel:\n    modules: [#{ item.kernel_modules | join(", ") }#]\n')).toEqual({ language: 'Jinja', line: 3 });
    expect(templateSyntax('#% if cilium_bgp_enabled %#\nbgp: [open\n')).toEqual({ language: 'Jinja', line: 1 });
    expect(templateSyntax('color: "#{fff}"\nb: [open\n')).toBeUndefined();
    expect(templateLanguageOfName('talos/topf.yaml.j2')).toBe('Jinja');
    expect(templateLanguageOfName('e2e/network.yml.tmpl')).toBe('Go');
    expect(templateLanguageOfName('roles/x/templates/config.j2')).toBeUndefined();
  });

  it('values written as upper-case placeholders to fill in (pulumi-kubernetes-operator examples: <REDACTED: PRIVATE TOKEN>)', () => {
    const text = 'kind: Secret\nstringData:\n  privateToken: <REDACTED: PRIVATE TOKEN>\ndata:\n  sshPrivateKey: <BASE64_ENCODED_SSH_PRIVATE_KEY>\n';
    expect(templateSyntax(text)).toEqual({ language: 'placeholder', line: 3 });
    expect(templateSyntax('hosts:\n  - <YOUR DOMAIN>\nb: [open\n')).toEqual({ language: 'placeholder', line: 2 });
    expect(templateSyntax('a: <b>\nb: [open\n')).toBeUndefined();
  });

  it('kubefirst <NAME> lines are placeholders too', () => {
    expect(templateSyntax('metadata:\n  name: x\n<CLUSTER_SETTINGS>\n')).toEqual({ language: 'placeholder', line: 3 });
  });

  it('documentation excerpts that leave lines out with an indented `...` or `....` (external-secrets docs/snippets)', () => {
    const indented = '---\nspec:\n  template:\n    spec:\n      containers:\n      - name: api\n        ...\n      - name: sync\n';
    expect(templateSyntax(indented)).toEqual({ language: 'excerpt', line: 7 });
    expect(templateSyntax('....\nspec:\n  provider:\n')).toEqual({ language: 'excerpt', line: 1 });
    const message = templateMessage(templateSyntax(indented)!);
    expect(message).toMatch(/^excerpt with elided lines \(`\.\.\.`, line 7\): not a whole YAML file/);
    expect(message).toMatch(/`ignore:` in \.rampart\.yaml/);
  });

  it('is nothing known for YAML that is just broken: a document end marker, ${VAR} inside a value, an unclosed quote', () => {
    expect(templateSyntax('a: 1\n...\nb: "open\n')).toBeUndefined();
    expect(templateSyntax('name: app-${CLUSTER_NAME}\nb: [unclosed\n')).toBeUndefined();
    expect(templateSyntax('key: value ... more\n  - x\n')).toBeUndefined();
  });
});

describe('the message for a template', () => {
  it('names the language once: "Go template", not "Go template template"', () => {
    expect(templateMessage(templateSyntax('a:\n  b: {{ .x }}\n')!)).toMatch(/^Go template \(line 2\): not YAML until rendered/);
    expect(templateMessage({ language: 'Jinja', line: 1 })).toMatch(/^Jinja template \(line 1\)/);
  });
});
