import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyEdits, EditConflictError } from '../src/fix/apply-edits.js';
import { planChanges, writeFileAtomic } from '../src/fix/write-file.js';
import { Workspace } from '../src/model/workspace.js';
import { cloneUrlOf, gitPinTargets } from '../src/pin/git-targets.js';
import { imageDigestEdits } from '../src/pin/image-edits.js';
import { parseKustomizeRemote } from '../src/model/remote-refs.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const SHA = 'c'.repeat(40);

/** Pins every image of a one-file workspace to DIGEST and returns the new text. */
function pinImages(file: string, text: string): string {
  const workspace = Workspace.fromTexts({ [file]: text });
  const edits = workspace.images().flatMap((occurrence) => {
    const result = imageDigestEdits(occurrence, DIGEST);
    if (!result.ok) throw new Error(result.reason);
    return result.edits;
  });
  return applyEdits(file, text, edits);
}

describe('applyEdits', () => {
  it('applies edits in position order whatever order they come in, keeping every other byte', () => {
    const text = '\uFEFFa: 1\r\nb: 2\r\n';
    const edits = [
      { path: 'f', start: 10, end: 11, text: '20' },
      { path: 'f', start: 4, end: 5, text: '10' },
      { path: 'f', start: 13, end: 13, text: 'c: 3\r\n' },
    ];
    expect(applyEdits('f', text, edits)).toBe('\uFEFFa: 10\r\nb: 20\r\nc: 3\r\n');
  });

  it('refuses overlapping and out-of-range edits, collapses identical ones', () => {
    expect(() => applyEdits('f', 'abcdef', [{ path: 'f', start: 1, end: 4, text: 'x' }, { path: 'f', start: 3, end: 5, text: 'y' }])).toThrow(EditConflictError);
    expect(() => applyEdits('f', 'abc', [{ path: 'f', start: 2, end: 9, text: 'x' }])).toThrow(/outside the file/);
    expect(applyEdits('f', 'abc', [{ path: 'f', start: 1, end: 2, text: 'X' }, { path: 'f', start: 1, end: 2, text: 'X' }])).toBe('aXc');
  });
});

describe('writing files', () => {
  it('writes atomically, keeps the mode, leaves no temporary file, and skips unchanged text', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'rampart-write-'));
    try {
      const file = path.join(directory, 'run.sh');
      await writeFile(file, 'old');
      await chmod(file, 0o750);
      expect(await writeFileAtomic(file, 'new', 'old')).toBe(true);
      expect(await readFile(file, 'utf8')).toBe('new');
      expect((await stat(file)).mode & 0o777).toBe(0o750);
      expect(await readdir(directory)).toEqual(['run.sh']);
      expect(await writeFileAtomic(file, 'same', 'same')).toBe(false);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('refuses a file that changed since it was read, or is not UTF-8', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'rampart-write-'));
    try {
      await writeFile(path.join(directory, 'a.yaml'), 'image: x\n');
      await writeFile(path.join(directory, 'b.yaml'), Buffer.from([0x69, 0x3a, 0xff, 0x0a]));
      const edit = (file: string) => [{ path: file, start: 0, end: 0, text: '#\n' }];
      await expect(planChanges(directory, edit('a.yaml'), new Map([['a.yaml', 'image: y\n']]))).rejects.toThrow(/changed while rampart was working/);
      await expect(planChanges(directory, edit('b.yaml'), new Map())).rejects.toThrow(/not valid UTF-8/);
      expect(await planChanges(directory, edit('a.yaml'), new Map([['a.yaml', 'image: x\n']]))).toEqual([{ path: 'a.yaml', before: 'image: x\n', after: '#\nimage: x\n' }]);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('never reads through a link retargeted outside the tree after the tree was read: the file is skipped with the reason', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'rampart-write-'));
    try {
      const directory = path.join(parent, 'repo');
      await mkdir(directory);
      await writeFile(path.join(directory, 'inside.yaml'), 'image: x\n');
      await writeFile(path.join(parent, 'outside.yaml'), 'image: x\n');
      await symlink('inside.yaml', path.join(directory, 'link.yaml'));
      const edit = [{ path: 'link.yaml', start: 0, end: 0, text: '#\n' }];
      const planned = new Map([['link.yaml', 'image: x\n']]);
      expect(await planChanges(directory, edit, planned)).toHaveLength(1);
      // the same text outside: only where the link leads tells them apart
      await rm(path.join(directory, 'link.yaml'));
      await symlink('../outside.yaml', path.join(directory, 'link.yaml'));
      await expect(planChanges(directory, edit, planned)).rejects.toThrow(/^link\.yaml: skipped: symbolic link leads outside the scanned tree; not read$/);
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});

describe('image digest edits', () => {
  const pod = (line: string): string => `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n${line}\n`;

  it('appends the digest to references written whole, in any quoting, keeping comments', () => {
    expect(pinImages('pod.yaml', pod('      image: "nginx:1.27" # web'))).toBe(pod(`      image: "nginx:1.27@${DIGEST}" # web`));
    expect(pinImages('pod.yaml', pod("      image: 'ghcr.io/a/b'"))).toBe(pod(`      image: 'ghcr.io/a/b@${DIGEST}'`));
    expect(pinImages('Dockerfile', 'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n')).toBe(`FROM --platform=$BUILDPLATFORM golang:1.22@${DIGEST} AS build\n`);
    expect(pinImages('main.tf', 'resource "x" "y" {\n  image = "redis:7"\n}\n')).toBe(`resource "x" "y" {\n  image = "redis:7@${DIGEST}"\n}\n`);
  });

  it('leaves references in SOPS-encrypted files alone: the MAC covers values left in clear', () => {
    const text = 'version: v1alpha1\nmachine:\n  kubelet:\n    image: ghcr.io/siderolabs/kubelet:v1.35.6\nsops:\n  age:\n    - recipient: age1xyz\n  lastmodified: "2025-01-01T00:00:00Z"\n  mac: ENC[AES256_GCM,data:abc,type:str]\n  version: 3.9.4\n';
    const [occurrence] = Workspace.fromTexts({ 'talos/controlplane.yaml': text }).images();
    expect(occurrence?.text).toBe('ghcr.io/siderolabs/kubelet:v1.35.6');
    expect(imageDigestEdits(occurrence!, DIGEST)).toMatchObject({ ok: false, reason: expect.stringContaining('SOPS') });
  });

  it('pins a kpt catalogue function written by its bare name after the name, as kpt completes it', () => {
    const kptfile = (image: string): string => `apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata: {name: app}\npipeline:\n  mutators:\n    - image: ${image}\n`;
    expect(Workspace.fromTexts({ Kptfile: kptfile('set-labels:v0.1') }).images().map((occurrence) => occurrence.text)).toEqual(['gcr.io/kpt-fn/set-labels:v0.1']);
    expect(pinImages('Kptfile', kptfile('set-labels:v0.1'))).toBe(kptfile(`set-labels:v0.1@${DIGEST}`));
  });

  it('pins a CloudNativePG imageName in place; leaves a system-upgrade-controller image tagged by the plan version alone', () => {
    const cluster = (image: string): string => `apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: {name: pg}\nspec:\n  instances: 3\n  imageName: ${image} # renovate\n`;
    expect(pinImages('cluster.yaml', cluster('ghcr.io/cloudnative-pg/postgresql:16.2'))).toBe(cluster(`ghcr.io/cloudnative-pg/postgresql:16.2@${DIGEST}`));
    const plan = 'apiVersion: upgrade.cattle.io/v1\nkind: Plan\nmetadata: {name: server}\nspec:\n  version: v1.29.0+k3s1\n  upgrade:\n    image: rancher/k3s-upgrade\n';
    const [occurrence] = Workspace.fromTexts({ 'plan.yaml': plan }).images();
    expect(occurrence?.text).toBe('rancher/k3s-upgrade:v1.29.0-k3s1');
    expect(imageDigestEdits(occurrence!, DIGEST)).toMatchObject({ ok: false, reason: expect.stringContaining('spec.version') });
  });

  it('pins OpenShift DockerImage references of image streams and builds inside their quotes and flow maps', () => {
    const stream = (image: string): string => `apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata: {name: s}\nspec:\n  tags:\n    - name: base\n      from: {kind: DockerImage, name: "${image}"} # base\n`;
    expect(pinImages('is.yaml', stream('quay.io/x/base:2'))).toBe(stream(`quay.io/x/base:2@${DIGEST}`));
    const build = 'apiVersion: build.openshift.io/v1\nkind: BuildConfig\nmetadata: {name: b}\nspec:\n  strategy:\n    dockerStrategy:\n      from:\n        kind: DockerImage\n        name: ubi9/nodejs-20:1\n  output:\n    to: {kind: DockerImage, name: quay.io/x/app:1}\n';
    expect(pinImages('bc.yaml', build)).toBe(build.replace('nodejs-20:1\n', `nodejs-20:1@${DIGEST}\n`));
  });

  it('pins a kbld lock override and an App image fetch in place, leaving the image it replaces alone', () => {
    const lock = (image: string): string => `apiVersion: kbld.k14s.io/v1alpha1\nkind: Config\noverrides:\n  - image: nginx\n    newImage: ${image}\n    preresolved: true\n`;
    expect(pinImages('kbld.lock.yml', lock('index.docker.io/library/nginx:1.25'))).toBe(lock(`index.docker.io/library/nginx:1.25@${DIGEST}`));
    const app = (image: string): string => `apiVersion: kappctrl.k14s.io/v1alpha1\nkind: App\nmetadata: {name: a}\nspec:\n  fetch:\n    - image: {url: '${image}'}\n`;
    expect(pinImages('app.yaml', app('dkalinin/consul-helm:1.0'))).toBe(app(`dkalinin/consul-helm:1.0@${DIGEST}`));
  });

  it('pins inside YAML templates (x.yaml.j2): parsed ones by their YAML, unparsable ones on their literal image lines', () => {
    const release = '#% if enabled %#\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: t}\nspec:\n  values:\n    image:\n      repository: docker.io/cloudflare/cloudflared\n      tag: 2026.8.2\n    id: "#{ tunnel_id }#"\n#% endif %#\n';
    expect(pinImages('helmrelease.yaml.j2', release)).toBe(release.replace('tag: 2026.8.2\n', `tag: 2026.8.2\n      digest: ${DIGEST}\n`));
    const job = 'kind: Job\nspec:\n{% for db in dbs %}\n  - image: ghcr.io/acme/migrate:2.0\n    args: ["{{ db }}"]\n{% endfor %}\n';
    expect(pinImages('job.yaml.j2', job)).toBe(job.replace('migrate:2.0', `migrate:2.0@${DIGEST}`));
  });

  it('pins a KubeVirt registry import after its docker:// prefix', () => {
    const volume = (url: string): string => `apiVersion: cdi.kubevirt.io/v1beta1\nkind: DataVolume\nmetadata: {name: d}\nspec:\n  source:\n    registry:\n      url: "${url}"\n`;
    expect(pinImages('dv.yaml', volume('docker://quay.io/containerdisks/fedora:40'))).toBe(volume(`docker://quay.io/containerdisks/fedora:40@${DIGEST}`));
  });

  it('pins images of a Pulumi YAML program in place', () => {
    const program = (image: string): string => `name: app\nruntime: yaml\nresources:\n  box:\n    type: docker:Container\n    properties:\n      image: ${image} # pinned\n`;
    expect(pinImages('Pulumi.yaml', program('busybox:1.36'))).toBe(program(`busybox:1.36@${DIGEST}`));
  });

  it('adds a digest line to Kustomize entries with the entry indentation and the file line endings', () => {
    const before = 'images:\r\n- name: nginx\r\n  newTag: "1.27"\r\n  newName: mirror.io/nginx\r\n';
    expect(pinImages('kustomization.yaml', before)).toBe(`images:\r\n- name: nginx\r\n  newTag: "1.27"\r\n  digest: ${DIGEST}\r\n  newName: mirror.io/nginx\r\n`);
    const noNewline = 'images:\n  - name: nginx\n    newTag: "1.27"';
    expect(pinImages('kustomization.yaml', noNewline)).toBe(`${noNewline}\n    digest: ${DIGEST}`);
  });

  it('sets or adds the digest of Helm values blocks in their style', () => {
    const nested = 'app:\n  image:\n    repository: nginx\n    pullPolicy: Always\n    extra:\n      a: 1\n\n# trailing comment\nother: 1\n';
    expect(pinImages('values.yaml', nested.replace('nginx', 'nginx\n    tag: "1.27"'))).toBe(
      nested.replace('nginx', `nginx\n    tag: "1.27"\n    digest: ${DIGEST}`));
    const emptyDigest = 'image:\n  repository: nginx\n  tag: 1.27\n  digest: ""\n';
    expect(pinImages('values.yaml', emptyDigest)).toBe(emptyDigest.replace('""', `"${DIGEST}"`));
    const nullDigest = 'image:\n  repository: nginx\n  tag: 1.27\n  digest:\n';
    expect(pinImages('values.yaml', nullDigest)).toBe(nullDigest.replace('digest:', `digest: ${DIGEST}`));
    const flow = 'image: { repository: nginx, tag: "1.27" }\n';
    expect(pinImages('values.yaml', flow)).toBe(`image: { repository: nginx, tag: "1.27", digest: ${DIGEST} }\n`);
  });

  it('fills a `sha` key (kube-prometheus-stack) with the bare hex its templates expect, or in the form it already has', () => {
    const bare = 'image:\n  registry: quay.io\n  repository: prometheus/prometheus\n  tag: v3.1.0\n  sha: ""\n';
    expect(pinImages('values.yaml', bare)).toBe(bare.replace('""', `"${'ab'.repeat(32)}"`));
    const prefixed = `image:\n  repository: acme/app\n  tag: v1\n  sha: sha256:${'cd'.repeat(32)}\n`;
    expect(Workspace.fromTexts({ 'values.yaml': prefixed }).images()[0]?.text).toBe(`acme/app:v1@sha256:${'cd'.repeat(32)}`);
  });

  it('explains why a reference cannot be pinned', () => {
    const workspace = Workspace.fromTexts({ Dockerfile: 'ARG V=1\nFROM nginx:${V}-alpine\n' });
    const occurrence = workspace.images()[0];
    expect(occurrence && imageDigestEdits(occurrence, DIGEST)).toEqual({ ok: false, reason: 'the reference is assembled from ARG values' });
  });
});

describe('git pin targets', () => {
  it('finds Actions uses:, Kustomize remotes and Terraform git modules, skipping what is pinned or local', () => {
    const workspace = Workspace.fromTexts({
      '.github/workflows/ci.yml': `jobs:\n  a:\n    uses: org/repo/.github/workflows/build.yml@v2\n  b:\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/cache@${SHA}\n      - uses: ./mine\n      - uses: docker://alpine:3\n`,
      'kustomization.yaml': 'resources:\n  - base\n  - https://github.com/org/repo//deploy\n  - git@gitlab.example:team/app.git//k8s?ref=v1&timeout=90s\n',
      'base/kustomization.yaml': 'resources: []\n',
      'main.tf': 'module "a" {\n  source = "git::https://example.com/mods.git//net?ref=v3"\n}\nmodule "b" {\n  source = "./local"\n}\nmodule "c" {\n  source = "hashicorp/consul/aws"\n}\n',
    });
    const targets = gitPinTargets(workspace).map((target) => `${target.kind} ${target.cloneUrl} ${target.ref}`);
    expect(targets).toEqual([
      'action https://github.com/org/repo v2',
      'action https://github.com/actions/checkout v4',
      'kustomize-remote https://github.com/org/repo HEAD',
      'kustomize-remote git@gitlab.example:team/app.git v1',
      'terraform-module https://example.com/mods.git v3',
    ]);
    const text = workspace.file('kustomization.yaml')?.text ?? '';
    const edits = gitPinTargets(workspace).filter((target) => target.kind === 'kustomize-remote').flatMap((target) => target.edits(SHA));
    expect(applyEdits('kustomization.yaml', text, edits)).toBe(
      `resources:\n  - base\n  - https://github.com/org/repo//deploy?ref=${SHA}\n  - git@gitlab.example:team/app.git//k8s?ref=${SHA}&timeout=90s # v1\n`);
  });

  it('derives the URL git can list from every source form', () => {
    const url = (text: string): string => {
      const remote = parseKustomizeRemote(text);
      if (!remote) throw new Error(text);
      return cloneUrlOf(text, remote);
    };
    expect(url('github.com/Org/Repo/path?ref=v1')).toBe('https://github.com/org/repo');
    expect(url('ssh://git@host.example/team/repo.git//dir?ref=v1')).toBe('ssh://git@host.example/team/repo.git');
    expect(url('git::https://host.example/team/repo.git?ref=v1')).toBe('https://host.example/team/repo.git');
  });
});
