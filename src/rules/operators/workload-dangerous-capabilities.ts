import { containerSites } from '../../model/pod-spec.js';
import type { Severity } from '../../model/severity.js';
import { defineRule } from '../rule.js';
import { spanOf } from '../../model/yaml.js';
import { composeServices } from './compose-services.js';
import { looseWorkloadSites, siteSpan, valuesEntries } from './helm-values.js';
import { objectSpan } from './spans.js';

/** What the Pod Security Standards baseline lets a container add: the container runtime's default set. */
const BASELINE_ALLOWED = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
/** Beyond the baseline but confined to the container's own resources (memory locking, scheduling priority, limits). */
const LOW_RISK = new Set(['IPC_LOCK', 'SYS_NICE', 'SYS_RESOURCE', 'WAKE_ALARM', 'BLOCK_SUSPEND']);
/** Capabilities that are a known route from the container to the node. */
const NODE_ESCAPE: Readonly<Record<string, string>> = {
  ALL: 'every capability: as good as privileged',
  SYS_ADMIN: 'mounts, namespaces, cgroups: the classic container escape',
  SYS_MODULE: 'loading kernel modules into the node',
  SYS_PTRACE: 'tracing and injecting into other processes',
  SYS_RAWIO: 'raw access to devices and memory',
  DAC_READ_SEARCH: 'reading any file through open_by_handle_at (the "shocker" escape)',
  BPF: 'loading eBPF programs into the node kernel',
};

export default defineRule({
  id: 'workload-dangerous-capabilities',
  layer: 'operators',
  severity: 'high',
  summary: 'A container adds Linux capabilities beyond the Pod Security baseline (`SYS_ADMIN`, `ALL`, `NET_ADMIN`…).',
  rationale:
    'Capabilities split root\'s power into pieces; some pieces are most of it. `SYS_ADMIN` and `ALL` are privileged in all ' +
    'but name, `SYS_MODULE`, `SYS_PTRACE`, `DAC_READ_SEARCH` and `BPF` each have known escapes to the node, and ' +
    '`NET_ADMIN` reconfigures the pod network to intercept traffic. The Pod Security Standards baseline allows only the ' +
    'runtime\'s default set to be added; users asked for this check next to `workload-privileged`, which it complements.',
  remediation:
    'Drop `ALL` and add back only what the process needs from the default set (`NET_BIND_SERVICE` to bind low ports). ' +
    'If a node agent truly needs more, run it in a namespace labelled for the `privileged` Pod Security level and ' +
    'suppress the finding with a reason.',
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
    'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container',
    'https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF',
  ],
  messages: {
    escape: '{container} adds capability {capability}: {effect}.',
    beyondBaseline: '{container} adds capability {capability}, which the Pod Security baseline does not allow.',
  },
  examples: {
    bad: [{ file: 'pod.yaml', code: 'apiVersion: v1\nkind: Pod\nmetadata: {name: vpn}\nspec:\n  containers:\n    - name: vpn\n      image: vpn:1.0\n      securityContext:\n        capabilities:\n          add: [SYS_ADMIN] # expect: workload-dangerous-capabilities\n' }],
    good: [{ file: 'pod.yaml', code: 'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n    - name: web\n      image: web:1.0\n      securityContext:\n        capabilities:\n          drop: [ALL]\n          add: [NET_BIND_SERVICE]\n' }],
  },
  check(context) {
    const report = (container: string, raw: string, at: Parameters<typeof context.report>[0]['at']): void => {
      const capability = raw.trim().toUpperCase().replace(/^CAP_/, '');
      if (!/^[A-Z][A-Z_]*$/.test(capability) || BASELINE_ALLOWED.has(capability)) return;
      const effect = NODE_ESCAPE[capability];
      const severity: Severity = effect ? 'high' : LOW_RISK.has(capability) ? 'low' : 'medium';
      context.report({ messageId: effect ? 'escape' : 'beyondBaseline', at, data: { container, capability, effect: effect ?? '' }, severity, subject: `${container} ${capability}` });
    };
    for (const object of context.workspace.kubeObjects()) {
      for (const site of containerSites(object)) {
        const added = site.view.path(site.container, 'securityContext', 'capabilities', 'add');
        for (const item of site.view.strings(added)) report(site.label, item.value, objectSpan(object, item.node));
      }
    }
    for (const service of composeServices(context.workspace)) {
      for (const item of service.view.strings(service.view.get(service.node, 'cap_add'))) {
        const at = spanOf(service.file, item.node);
        if (at) report(service.label, item.value, at);
      }
    }
    for (const site of looseWorkloadSites(context.workspace)) {
      for (const entry of valuesEntries(site)) {
        if (entry.key !== 'add' || entry.parentKey !== 'capabilities') continue;
        for (const item of site.view.strings(entry.value)) {
          const at = siteSpan(site, item.node);
          if (at) report(`${site.label} ${entry.path}`, item.value, at);
        }
      }
    }
  },
});
