import { withEmbeddedObjects } from '../../model/embedded-objects.js';
import type { Node } from 'yaml';
import { apiGroup, describeObject, type KubeObject } from '../../model/kubernetes.js';
import { ResolvedYaml } from '../../model/yaml-resolved.js';
import { defineRule } from '../rule.js';
import { helmValuesSites, siteSpan } from './helm-values.js';
import { objectSpan } from './spans.js';
import { CHART_VALUES_HOLDERS } from '../object-kinds.js';

/** Admission controllers whose webhooks enforce security policy, by the names their webhooks and services carry. */
const SECURITY_TOOLS: ReadonlyArray<{ tool: string; pattern: RegExp }> = [
  { tool: 'Kyverno', pattern: /kyverno/i },
  { tool: 'Gatekeeper', pattern: /gatekeeper/i },
  { tool: 'Sigstore policy-controller', pattern: /policy\.sigstore\.dev|policy-controller|sigstore/i },
  { tool: 'Ratify', pattern: /ratify/i },
  { tool: 'Connaisseur', pattern: /connaisseur/i },
];
const WEBHOOK_KINDS = new Set(['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']);
/** Chart values that turn a security webhook's failure policy to Ignore. */
const CHART_SETTINGS: ReadonlyArray<{ tool: string; path: readonly string[]; ignore: (value: string) => boolean }> = [
  { tool: 'Gatekeeper', path: ['validatingWebhookFailurePolicy'], ignore: (value) => value === 'Ignore' },
  { tool: 'Gatekeeper', path: ['mutatingWebhookFailurePolicy'], ignore: (value) => value === 'Ignore' },
  { tool: 'Kyverno', path: ['features', 'forceFailurePolicyIgnore', 'enabled'], ignore: (value) => value === 'true' },
  { tool: 'Sigstore policy-controller', path: ['webhook', 'failurePolicy'], ignore: (value) => value === 'Ignore' },
];

export default defineRule({
  id: 'policy-webhook-fail-open',
  layer: 'operators',
  severity: 'high',
  objectKinds: ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ClusterPolicy', 'Policy', ...CHART_VALUES_HOLDERS],
  summary: 'A security admission webhook (Kyverno, Gatekeeper, Sigstore policy-controller, Ratify, Connaisseur) with `failurePolicy: Ignore`: when it is down or slow, everything is admitted unchecked.',
  rationale:
    'With `failurePolicy: Ignore` the API server admits a request whenever the webhook cannot answer: during an upgrade, ' +
    'a crash, a network policy mistake, or an attacker\'s denial of service against the policy engine. Unsigned images ' +
    'and privileged pods then run as if no policy existed, silently.',
  remediation:
    'Use `failurePolicy: Fail` for security webhooks (Kyverno policies: `spec.failurePolicy: Fail`; Gatekeeper chart: ' +
    '`validatingWebhookFailurePolicy: Fail`; Kyverno chart: `features.forceFailurePolicyIgnore.enabled: false`), run the ' +
    'controller with several replicas and a PodDisruptionBudget, and exclude only the namespaces it needs to start.',
  references: [
    'https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#failure-policy',
    'https://kyverno.io/docs/writing-policies/policy-settings/',
    'https://open-policy-agent.github.io/gatekeeper/website/docs/failing-closed/',
  ],
  messages: {
    webhook: '{object} ({tool}) webhook {webhook} has failurePolicy: Ignore: requests are admitted unchecked whenever it cannot answer.',
    policy: '{object} (Kyverno) sets failurePolicy: Ignore: its rules are skipped whenever Kyverno cannot answer.',
    chart: '{tool} chart values {key} make its admission webhook fail open: requests are admitted unchecked whenever it cannot answer.',
  },
  examples: {
    bad: [{ file: 'webhook.yaml', code: 'apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata: {name: gatekeeper-validating-webhook-configuration}\nwebhooks:\n  - name: validation.gatekeeper.sh\n    failurePolicy: Ignore # expect: policy-webhook-fail-open\n    clientConfig: {service: {name: gatekeeper-webhook-service, namespace: gatekeeper-system}}\n    admissionReviewVersions: [v1]\n    sideEffects: None\n' }],
    good: [{ file: 'webhook.yaml', code: 'apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata: {name: gatekeeper-validating-webhook-configuration}\nwebhooks:\n  - name: validation.gatekeeper.sh\n    failurePolicy: Fail\n    clientConfig: {service: {name: gatekeeper-webhook-service, namespace: gatekeeper-system}}\n    admissionReviewVersions: [v1]\n    sideEffects: None\n' }],
  },
  check(context) {
    for (const object of withEmbeddedObjects(context.workspace.kubeObjects())) {
      const view = new ResolvedYaml(object.source.document);
      if (WEBHOOK_KINDS.has(object.kind) && apiGroup(object) === 'admissionregistration.k8s.io') {
        checkWebhooks(object, view, (node, data) => context.report({ messageId: 'webhook', at: objectSpan(object, node), data, subject: `${describeObject(object)} ${data.webhook}` }));
      } else if ((object.kind === 'ClusterPolicy' || object.kind === 'Policy') && apiGroup(object) === 'kyverno.io') {
        const failurePolicy = view.get(view.get(object.node, 'spec'), 'failurePolicy');
        if (view.string(failurePolicy) === 'Ignore') {
          context.report({ messageId: 'policy', at: objectSpan(object, failurePolicy), data: { object: describeObject(object) }, subject: describeObject(object) });
        }
      }
    }
    for (const site of helmValuesSites(context.workspace)) {
      if (site.origin !== 'values') continue;
      const chart = site.chart ?? '';
      for (const setting of CHART_SETTINGS) {
        if (!new RegExp(setting.tool.split(' ').pop()!, 'i').test(chart)) continue;
        const node = site.view.path(site.root, ...setting.path);
        if (node === undefined) continue;
        const value = site.view.string(node);
        if (value === undefined || !setting.ignore(value)) continue;
        context.report({ messageId: 'chart', at: siteSpan(site, node) ?? { path: site.file.path, start: 0, end: 0 }, data: { tool: setting.tool, key: `${setting.path.join('.')}: ${value}` }, subject: `${chart} ${setting.path.join('.')}` });
      }
    }
  },
});

function checkWebhooks(object: KubeObject, view: ResolvedYaml, report: (node: Node, data: { object: string; tool: string; webhook: string }) => void): void {
  const objectNames = [object.name ?? '', ...view.entries(view.path(object.node, 'metadata', 'labels')).map(({ key, value }) => `${key}=${view.string(value) ?? ''}`)];
  for (const webhook of view.items(view.get(object.node, 'webhooks'))) {
    const failurePolicy = view.get(webhook, 'failurePolicy');
    if (view.string(failurePolicy) !== 'Ignore') continue;
    const names = [...objectNames, view.string(webhook, 'name') ?? '', view.string(webhook, 'clientConfig', 'service', 'name') ?? '', view.string(webhook, 'clientConfig', 'url') ?? ''];
    const tool = SECURITY_TOOLS.find(({ pattern }) => names.some((name) => pattern.test(name)));
    if (tool === undefined) continue;
    report(failurePolicy!, { object: describeObject(object), tool: tool.tool, webhook: view.string(webhook, 'name') ?? '(unnamed)' });
  }
}
