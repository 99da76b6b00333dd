import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { runCli } from './helpers/cli.js';
import { renderChart, type RenderInput } from './helpers/helm-template.js';
import { yamlFiles } from './helpers/yaml-objects.js';

const CHART = path.resolve('deploy/helm/rampart-admission');
const RELEASE = { name: 'rampart-admission', namespace: 'rampart-system' };
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const IMAGE_BY_DIGEST = /^[a-z0-9.-]+(?::\d+)?\/[a-z0-9._/-]+(?::[\w.-]+)?@(sha256:[0-9a-f]{64})$/;
/** sha256 of nothing: the digest of an empty blob, never of an image manifest */
const EMPTY_SHA256 = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** A digest someone wrote by hand: all one digit, a short pattern repeated, the empty blob's. */
function isPlaceholder(digest: string): boolean {
  const hex = digest.slice('sha256:'.length);
  return digest === EMPTY_SHA256 || new Set(hex).size < 8 || /^(.{1,16})\1+$/.test(hex);
}

type Json = Record<string, unknown>;

function objectsOf(text: string, where: string): Json[] {
  return parseAllDocuments(text).flatMap((document) => {
    expect(document.errors, where).toEqual([]);
    const value = document.toJS() as unknown;
    return value && typeof value === 'object' ? [value as Json] : [];
  });
}

/** Every `image:` string of a tree of objects. */
function imagesIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(imagesIn);
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => (key === 'image' && typeof item === 'string' ? [item] : imagesIn(item)));
}

function rendered(input: Partial<RenderInput> = {}): Json[] {
  return Object.entries(renderChart(CHART, { release: RELEASE, ...input })).flatMap(([name, text]) => objectsOf(text, name));
}

const kinds = (objects: readonly Json[]): string[] => objects.map((object) => String(object['kind'])).sort();

describe('deploy/: the webhook image is pinned by a real digest everywhere', () => {
  const base = yamlFiles(path.resolve('deploy/admission')).flatMap((file) => objectsOf(readFileSync(file, 'utf8'), file));
  const values = parse(readFileSync(path.join(CHART, 'values.yaml'), 'utf8')) as { image: { repository: string; digest: string } };

  it('the Kustomize base and the chart name one image, by a digest that is not a placeholder', () => {
    const images = [...imagesIn(base), ...imagesIn(rendered())];
    expect(images.length).toBeGreaterThanOrEqual(2);
    for (const image of images) {
      const digest = IMAGE_BY_DIGEST.exec(image)?.[1];
      expect(digest, `${image} is not pinned by a sha256 digest`).toBeDefined();
      expect(isPlaceholder(digest!), `${image} has a placeholder digest`).toBe(false);
    }
    expect(values.image.digest).toMatch(DIGEST);
    expect(new Set(images.map((image) => image.slice(image.indexOf('@') + 1)))).toEqual(new Set([values.image.digest]));
  });

  it('the placeholder check itself catches hand-written digests', () => {
    expect(isPlaceholder(`sha256:${'0'.repeat(64)}`)).toBe(true);
    expect(isPlaceholder(`sha256:${'deadbeef'.repeat(8)}`)).toBe(true);
    expect(isPlaceholder(`sha256:${'0123456789abcdef'.repeat(4)}`)).toBe(true);
    expect(isPlaceholder(EMPTY_SHA256)).toBe(true);
    expect(isPlaceholder(values.image.digest)).toBe(false);
  });
});

describe('deploy/helm/rampart-admission renders (without helm) to the objects it documents', () => {
  it('defaults: cert-manager certificate, webhook failing open, no RBAC beyond a token-less service account', () => {
    const objects = rendered();
    expect(kinds(objects)).toEqual(['Certificate', 'ConfigMap', 'Deployment', 'Issuer', 'PodDisruptionBudget', 'Service', 'ServiceAccount', 'ValidatingWebhookConfiguration']);
    const webhook = objects.find((object) => object['kind'] === 'ValidatingWebhookConfiguration') as { metadata: { annotations: Json }; webhooks: Array<Json & { namespaceSelector: { matchExpressions: Array<{ values: string[] }> } }> };
    expect(webhook.webhooks[0]).toMatchObject({ failurePolicy: 'Ignore', sideEffects: 'None', admissionReviewVersions: ['v1'], timeoutSeconds: 5 });
    expect(webhook.webhooks[0]!.namespaceSelector.matchExpressions[0]!.values).toEqual(['rampart-system', 'kube-system']);
    expect(webhook.metadata.annotations['cert-manager.io/inject-ca-from']).toBe('rampart-system/rampart-admission');
    const account = objects.find((object) => object['kind'] === 'ServiceAccount')!;
    expect(account['automountServiceAccountToken']).toBe(false);
    const deployment = objects.find((object) => object['kind'] === 'Deployment') as { spec: { template: { spec: { automountServiceAccountToken: boolean; containers: Array<{ args: string[] }>; volumes: Array<{ secret?: { secretName: string } }> } } } };
    const pod = deployment.spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.containers[0]!.args).toContain('rampart-system,kube-system');
    expect(pod.volumes[0]!.secret!.secretName).toBe('rampart-admission-tls');
    const config = objects.find((object) => object['kind'] === 'ConfigMap') as { data: Record<string, string> };
    expect(parse(config.data['.rampart.yaml']!)).toEqual({ failOn: 'high' });
  });

  it('a provided certificate instead of cert-manager, failing closed, with a NetworkPolicy', () => {
    const objects = rendered({
      values: {
        certManager: { enabled: false },
        tls: { existingSecret: 'webhook-tls', caBundle: 'LS0tLS1CRUdJTg==' },
        failurePolicy: 'Fail',
        networkPolicy: { enabled: true },
        excludeNamespaces: [],
      },
    });
    expect(kinds(objects)).toEqual(['ConfigMap', 'Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount', 'ValidatingWebhookConfiguration']);
    const webhook = objects.find((object) => object['kind'] === 'ValidatingWebhookConfiguration') as { metadata: Json; webhooks: Array<{ failurePolicy: string; clientConfig: Json; namespaceSelector: { matchExpressions: Array<{ values: string[] }> } }> };
    expect(webhook.metadata['annotations']).toBeUndefined();
    expect(webhook.webhooks[0]!.failurePolicy).toBe('Fail');
    expect(webhook.webhooks[0]!.clientConfig['caBundle']).toBe('LS0tLS1CRUdJTg==');
    expect(webhook.webhooks[0]!.namespaceSelector.matchExpressions[0]!.values).toEqual(['rampart-system']);
    const deployment = JSON.stringify(objects.find((object) => object['kind'] === 'Deployment'));
    expect(deployment).toContain('"secretName":"webhook-tls"');
    const policy = objects.find((object) => object['kind'] === 'NetworkPolicy') as { spec: { egress: unknown[]; ingress: Array<{ ports: Array<{ port: number }> }> } };
    expect(policy.spec.egress).toEqual([]);
    expect(policy.spec.ingress[0]!.ports[0]!.port).toBe(8443);
  });

  it('under --verify the NetworkPolicy lets the webhook reach DNS and registries (443), nothing else', () => {
    const policy = rendered({ values: { networkPolicy: { enabled: true, allowEgressToRegistries: true } } }).find((object) => object['kind'] === 'NetworkPolicy') as { spec: { egress: Array<{ ports: Array<{ port: number }> }> } };
    expect(policy.spec.egress.flatMap((rule) => rule.ports.map((port) => port.port)).sort()).toEqual([443, 53, 53]);
  });
});

describe('rampart scan over the deployment files', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'rampart-chart-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  const clean = async (target: string): Promise<void> => {
    const result = await runCli(['scan', target, '--format', 'json', '--quiet']);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout).findings).toEqual([]);
    expect(result.code).toBe(0);
  };

  it('deploy/ (the Kustomize base and the chart as written) has no findings', async () => {
    await clean('deploy');
  });

  it('every rendering of the chart has no findings', async () => {
    const variants: Array<Partial<RenderInput>> = [{}, { values: { certManager: { enabled: false }, tls: { existingSecret: 'webhook-tls', caBundle: 'LS0t' }, failurePolicy: 'Fail', networkPolicy: { enabled: true, allowEgressToRegistries: true } } }];
    for (const [index, variant] of variants.entries()) {
      const file = path.join(directory, `rendered-${index}.yaml`);
      await writeFile(file, Object.values(renderChart(CHART, { release: RELEASE, ...variant })).join('\n---\n'));
      await clean(file);
    }
  });
});
