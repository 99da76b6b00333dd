import { defineRule } from '../rule.js';

const execByController = {
  kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: '9a4c2f1e-7b3d-4e8a-a1c6-5d2e8f0b3c77', stage: 'ResponseComplete',
  requestURI: '/api/v1/namespaces/payments/pods/api-6d8f9c7b5-x2k4q/exec?command=sh&container=api&stdin=true&stdout=true&tty=true', verb: 'create',
  user: { username: 'system:serviceaccount:argocd:argocd-application-controller', groups: ['system:serviceaccounts', 'system:serviceaccounts:argocd', 'system:authenticated'] },
  sourceIPs: ['203.0.113.9'], userAgent: 'kubectl/v1.31.0 (linux/amd64) kubernetes/9edcffc',
  objectRef: { resource: 'pods', namespace: 'payments', name: 'api-6d8f9c7b5-x2k4q', apiVersion: 'v1', subresource: 'exec' },
  responseStatus: { metadata: {}, code: 101 },
  requestReceivedTimestamp: '2026-01-02T03:04:05.000000Z', stageTimestamp: '2026-01-02T03:09:41.000000Z',
};
const applyByController = {
  ...execByController,
  auditID: '3e7d1b2a-4c5f-4a9e-8b0d-6f1a2c3e4d55',
  requestURI: '/apis/apps/v1/namespaces/payments/deployments/api?fieldManager=argocd-controller', verb: 'patch',
  sourceIPs: ['10.244.0.12'], userAgent: 'argocd-application-controller/v2.13.1 (linux/amd64)',
  objectRef: { resource: 'deployments', namespace: 'payments', name: 'api', apiGroup: 'apps', apiVersion: 'v1' },
  responseStatus: { metadata: {}, code: 200 },
};

export default defineRule({
  id: 'operator-anomalous-access',
  layer: 'operators',
  severity: 'critical',
  summary: 'A GitOps controller\'s service account did what applying Git never needs: exec or attach into pods, port-forward, the node proxy, minting tokens, reading Secrets outside its namespaces.',
  rationale:
    'The identity Argo CD or Flux applies with can write almost anything in the cluster, so it is what an ' +
    'attacker wants: a token read from the controller pod, a compromised controller image, or a malicious ' +
    'plugin. Applying manifests never needs a shell in a workload, a tunnel into a pod, or another ' +
    'namespace\'s Secrets; when that identity does those things, someone else is using it.',
  remediation:
    'Treat the controller\'s token as stolen: rotate it (delete the token Secret or restart the controller to ' +
    'get a new bound token), find the source IP and user agent in the finding, and look at what else that ' +
    'identity did. Take the verbs away in RBAC (no `pods/exec`, `pods/attach`, `pods/portforward`, ' +
    '`nodes/proxy`, `serviceaccounts/token`; Secrets only in the namespaces it deploys to). Namespaces where ' +
    'the controller legitimately reads Secrets (decryption keys, Helm values) go in `--secret-namespace`.',
  references: [
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
    'https://argo-cd.readthedocs.io/en/stable/operator-manual/security/',
    'https://fluxcd.io/flux/security/#controller-permissions',
  ],
  requires: 'watch',
  runsWith: '`rampart watch --audit-log FILE` (or the audit webhook backend)',
  integrationTest: 'test/watch.test.ts',
  messages: {
    accessed: '{actor} ({controller}) {action}: {object}. Applying Git never needs this.',
    attempted: '{actor} ({controller}) was refused ({code}) when it {action}: {object}. Applying Git never needs this.',
  },
  examples: {
    bad: [{ file: 'audit.log', code: `${JSON.stringify(execByController)}\n` }],
    good: [{ file: 'audit.log', code: `${JSON.stringify(applyByController)}\n` }],
  },
  check() {
    // judges cluster records, not files: `rampart watch` runs it (src/watch/judges/anomalous-access.ts)
  },
});
