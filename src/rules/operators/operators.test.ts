import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../config/schema.js';
import { runRules } from '../../engine/run.js';
import { Workspace } from '../../model/workspace.js';
import { isBooleanTrue, ResolvedYaml } from '../../model/yaml-resolved.js';
import { sensitiveHostPath } from './host-paths.js';
import { operatorRules } from './index.js';

async function run(texts: Record<string, string>, ruleId?: string) {
  const rules = ruleId ? operatorRules.filter((rule) => rule.id === ruleId) : operatorRules;
  return runRules(Workspace.fromTexts(texts), DEFAULT_CONFIG, rules);
}

describe('sensitiveHostPath', () => {
  it.each([
    ['/', '/'], ['/etc/', '/etc'], ['//etc//', '/etc'], ['/var/run/docker.sock', '/var/run/docker.sock'],
    ['/run/containerd/containerd.sock', '/run/containerd/containerd.sock'], ['/var/run/crio/crio.sock', '/var/run/crio/crio.sock'],
    ['/var/log/../run/docker.sock', '/var/run/docker.sock'], ['/var/lib/kubelet/', '/var/lib/kubelet'], ['/proc/1/root', '/proc/1/root'],
    ['/etc/kubernetes/admin.conf', '/etc/kubernetes/admin.conf'], ['/home/user/.docker/docker.sock', '/home/user/.docker/docker.sock'],
  ])('flags %s as %s', (raw, normalised) => {
    expect(sensitiveHostPath(raw)?.path).toBe(normalised);
  });

  it.each(['/etc/localtime', '/etc/ssl/certs', '/var/log', '/mnt/data', 'data', '{{ .Values.path }}', 'C:\\Windows', '/etc/../mnt'])('leaves %s alone', (raw) => {
    expect(sensitiveHostPath(raw)).toBeUndefined();
  });

  it.each([
    ['/etc/cni/net.d', 'high'], ['/etc/passwd', 'medium'], ['/dev/ttyUSB0', 'medium'], ['/dev/sda', 'high'], ['/dev/mem', 'high'],
    ['/sys/fs/bpf', 'medium'], ['/boot/grub', 'high'], ['/usr/local/bin', 'medium'], ['/lib/modules', 'low'], ['/opt/cni/bin', 'high'],
    ['/usr/libexec/kubernetes/kubelet-plugins/volume/exec', 'high'], ['/home/ubuntu/.kube', 'high'], ['/root/.ssh/id_ed25519', 'high'],
    ['/var/run/dbus/system_bus.sock', 'medium'],
  ])('matches %s below a sensitive directory, at %s', (raw, severity) => {
    expect(sensitiveHostPath(raw)?.severity ?? 'high').toBe(severity);
  });

  it.each(['/etc/ssl/certs/ca-certificates.crt', '/usr/share/zoneinfo/Europe/Paris', '/dev/null', '/dev/shm', '/etc/resolv.conf', '/home/ubuntu/data', '/opt/app'])('leaves the harmless %s alone', (raw) => {
    expect(sensitiveHostPath(raw)).toBeUndefined();
  });

  it('rates kubelet plugin sockets lower than the kubelet directory', () => {
    expect(sensitiveHostPath('/var/lib/kubelet/device-plugins')?.severity).toBe('medium');
    expect(sensitiveHostPath('/var/lib/kubelet/pods')?.severity).toBeUndefined();
  });
});

describe('ResolvedYaml', () => {
  const document = parseDocument('base: &base {a: 1, b: 2}\nchild:\n  <<: *base\n  b: 3\ndup: {x: 1, x: 2}\nalias: *base\nlist: [*base, 4]\n', { uniqueKeys: false });
  const view = new ResolvedYaml(document);

  it('follows aliases and merge keys, own keys first', () => {
    expect(view.string(view.get(document.contents, 'child'), 'a')).toBe('1');
    expect(view.string(view.get(document.contents, 'child'), 'b')).toBe('3');
    expect(view.string(document.contents, 'alias', 'b')).toBe('2');
    expect(view.items(view.get(document.contents, 'list')).length).toBe(2);
  });

  it('keeps every value of a duplicated key, the last one winning for get', () => {
    expect(view.all(view.get(document.contents, 'dup'), 'x').map((node) => view.string(node))).toEqual(['1', '2']);
    expect(view.string(document.contents, 'dup', 'x')).toBe('2');
  });

  it('reads each map in one pass alike wherever its merge keys are written: eachEntry, get and all agree with entries', () => {
    const text = 'a: &a {x: 1, y: 2}\nb: &b {y: 3, z: 4}\nfirst: {<<: [*a, *b], y: 5, w: 6}\nmiddle: {w: 6, <<: *a, y: 5, <<: *b}\nlast: {y: 5, x: 0, x: 7, <<: [*b, *a]}\nplain: {x: 1, x: , y: 2}\n';
    const merged = parseDocument(text, { uniqueKeys: false, merge: false });
    const mergedView = new ResolvedYaml(merged);
    for (const name of ['first', 'middle', 'last', 'plain']) {
      const map = mergedView.get(merged.contents, name);
      const listed: Array<[string, string | undefined]> = [];
      mergedView.eachEntry(map, (key, value) => listed.push([key, mergedView.string(value)]));
      const entries = mergedView.entries(map);
      expect(listed, name).toEqual(entries.map((entry) => [entry.key, mergedView.string(entry.value)]));
      for (const key of ['w', 'x', 'y', 'z']) {
        const values = entries.filter((entry) => entry.key === key && entry.value !== undefined).map((entry) => mergedView.string(entry.value));
        expect(mergedView.all(map, key).map((node) => mergedView.string(node)), `${name}.${key}`).toEqual(values);
        expect(mergedView.string(map, key), `${name}.${key}`).toBe(values[values.length - 1]);
      }
    }
    expect(mergedView.string(merged.contents, 'middle', 'y')).toBe('5');
    expect(mergedView.string(merged.contents, 'last', 'z')).toBe('4');
    expect(mergedView.all(mergedView.get(merged.contents, 'last'), 'x').map((node) => mergedView.string(node))).toEqual(['0', '7']);
  });

  it('reads YAML 1.1 booleans the way Kubernetes decoders do, and not quoted strings', () => {
    const flags = parseDocument('a: true\nb: yes\nc: "true"\nd: On\ne: 1\nf: "yes"\n');
    const values = Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f'].map((key) => [key, isBooleanTrue(flags.get(key, true))]));
    expect(values).toEqual({ a: true, b: true, c: false, d: true, e: false, f: false });
  });
});

describe('Flux multi-tenancy lockdown', () => {
  const kustomization = 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps, namespace: flux-system}\nspec: {path: ./apps}\n';
  const release = 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: web, namespace: web}\nspec: {chart: {spec: {chart: web}}}\n';

  it('stays quiet for the controllers started with --default-service-account', async () => {
    const patch = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [gotk-components.yaml]\npatches:\n  - patch: |\n      - op: add\n        path: /spec/template/spec/containers/0/args/-\n        value: --default-service-account=default\n    target:\n      kind: Deployment\n      name: kustomize-controller\n';
    const result = await run({ 'apps.yaml': kustomization, 'release.yaml': release, 'flux-system/kustomization.yaml': patch }, 'flux-kustomization-no-service-account');
    expect(result.findings.map((finding) => finding.location.path)).toEqual(['release.yaml']);
  });

  it('stays quiet under a multitenant FluxInstance, and not for a commented-out flag', async () => {
    const instance = 'apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata: {name: flux}\nspec:\n  cluster: {multitenant: true}\n';
    expect((await run({ 'apps.yaml': kustomization, 'instance.yaml': instance }, 'flux-kustomization-no-service-account')).findings).toEqual([]);
    const commented = 'patches:\n  # - value: --default-service-account=default\n';
    expect((await run({ 'apps.yaml': kustomization, 'kustomization.yaml': commented }, 'flux-kustomization-no-service-account')).findings).toHaveLength(1);
  });
});

describe('argocd-app-default-project', () => {
  const app = 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: web}\nspec:\n  project: default\n';
  const project = (repos: string) => `apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata: {name: default, namespace: argocd}\nspec:\n  sourceRepos: ${repos}\n  destinations: [{server: https://kubernetes.default.svc, namespace: web}]\n`;

  it('stays quiet when the repository restricts the default project itself', async () => {
    expect((await run({ 'app.yaml': app, 'default.yaml': project('[https://github.com/acme/web]') }, 'argocd-app-default-project')).findings).toEqual([]);
  });

  it('still fires when the default project in the repository is as open as the built-in one', async () => {
    expect((await run({ 'app.yaml': app, 'default.yaml': project('["*"]') }, 'argocd-app-default-project')).findings).toHaveLength(1);
  });
});

describe('messages', () => {
  it('never repeat a password from a repository URL', async () => {
    const source = 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: fleet}\nspec:\n  url: http://bot:s3cr3t-pass@git.example.com/fleet.git\n';
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: repo\n  labels: {argocd.argoproj.io/secret-type: repository}\ndata:\n  url: ' + Buffer.from('http://bot:s3cr3t-pass@git.example.com/fleet.git').toString('base64') + '\n';
    const result = await run({ 'source.yaml': source, 'secret.yaml': secret });
    expect(result.findings.length).toBeGreaterThanOrEqual(2);
    for (const finding of result.findings) {
      expect(JSON.stringify(finding)).not.toContain('s3cr3t-pass');
      expect(JSON.stringify(finding)).not.toContain(Buffer.from('http://bot:s3cr3t-pass').toString('base64').slice(0, 20));
    }
  });

  it('name a GitOps controller bound to a wildcard role, and cut long subject lists', async () => {
    const subjects = ['argocd-server', 'a', 'b', 'c', 'd'].map((name) => `  - {kind: ServiceAccount, name: ${name}, namespace: argocd}`).join('\n');
    const role = 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: big}\nrules:\n  - {apiGroups: ["*"], resources: ["*"], verbs: [get]}\n';
    const binding = `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: big}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: big}\nsubjects:\n${subjects}\n`;
    const [finding] = (await run({ 'rbac.yaml': `${role}---\n${binding}` }, 'rbac-wildcard')).findings;
    expect(finding?.message).toContain('ServiceAccount argocd/argocd-server (the Argo CD API server');
    expect(finding?.message).toContain('and 2 more');
  });
});

describe('bad input', () => {
  const oddities: Record<string, string> = {
    'scalars.yaml': '42\n---\n"just a string"\n---\nnull\n---\n- a\n- b\n',
    'kinds.yaml': ['Pod', 'Deployment', 'ClusterRole', 'ClusterRoleBinding', 'AppProject', 'Application', 'ApplicationSet', 'ArgoCD', 'Secret', 'ConfigMap', 'Kustomization', 'HelmRelease', 'GitRepository', 'PersistentVolume']
      .map((kind) => `apiVersion: ${kind === 'Pod' || kind === 'Secret' || kind === 'ConfigMap' || kind === 'PersistentVolume' ? 'v1' : 'x.io/v1'}\nkind: ${kind}\nmetadata: [1, 2]\nspec: 7\nrules: {a: b}\nsubjects: 3\ndata: [x]\nroleRef: [cluster-admin]\n`).join('---\n'),
    'aliases.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: &s\n  containers: [{name: a, image: a, securityContext: {privileged: *undefined-anchor}}]\n',
    'templated.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\ndata:\n  {{- toYaml .Values.data | nindent 2 }}\n',
    'kustomization.yaml': 'generators: 5\ntransformers: [{apiVersion: 1}, null, "", "../../../outside.yaml"]\nconfigMapGenerator: [{name: argocd-cm, literals: "admin.enabled=true"}]\n',
    'Kptfile': 'pipeline: {mutators: 3}\n',
    'values.yaml': 'configs: {cm: [1], rbac: 2}\nhostPath: 3\nsecurityContext: {privileged: [true]}\n',
  };

  it('never makes an operator rule fail, whatever the shapes', async () => {
    const result = await run(oddities);
    expect(result.diagnostics.filter((diagnostic) => diagnostic.message.startsWith('rule '))).toEqual([]);
  });
});

describe('rbac-secrets-read on namespaced Roles', () => {
  const role = (name: string, namespace: string) => `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: ${name}, namespace: ${namespace}}\nrules:\n  - apiGroups: [""]\n    resources: [secrets]\n    verbs: [list]\n`;
  const binding = (role: string, namespace: string, account: string) => `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: ${role}, namespace: ${namespace}}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: ${role}}\nsubjects: [{kind: ServiceAccount, name: ${account}, namespace: ${namespace}}]\n`;

  it('rates the controllers\' namespaces high, unless the role is the controller\'s own', async () => {
    const { findings } = await run({
      'debug.yaml': `${role('debug', 'flux-system')}---\n${binding('debug', 'flux-system', 'ci')}`,
      'own.yaml': `${role('argocd-repo-server', 'argocd')}---\n${binding('argocd-repo-server', 'argocd', 'argocd-repo-server')}`,
      'app.yaml': role('app', 'web'),
    }, 'rbac-secrets-read');
    const severity = Object.fromEntries(findings.map((finding) => [finding.location.path, finding.severity]));
    expect(severity).toEqual({ 'debug.yaml': 'high', 'own.yaml': 'low', 'app.yaml': 'low' });
  });
});
