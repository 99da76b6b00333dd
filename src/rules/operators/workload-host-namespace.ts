import { podSpecSites } from '../../model/pod-spec.js';
import { isBooleanTrue } from '../../model/yaml-resolved.js';
import { defineRule } from '../rule.js';
import { spanOf } from '../../model/yaml.js';
import { composeServices } from './compose-services.js';
import { isPodSecurityPolicyEntry, looseWorkloadSites, siteOwner, siteSpan, valuesEntries } from './helm-values.js';
import { literalFlags, templatedFiles } from './template-lines.js';
import { objectSpan } from './spans.js';

const NAMESPACES: Readonly<Record<string, string>> = {
  hostNetwork: "the node's network: it can bind node ports, reach services listening on localhost and sniff or spoof node traffic",
  hostPID: "the node's process table: it can see and signal every process on the node and read their environment",
  hostIPC: "the node's IPC namespace: it can read shared memory of every process on the node",
};

/** Compose's spelling of the same three: `network_mode: host`, `pid: host`, `ipc: host`. */
const COMPOSE_NAMESPACES: Readonly<Record<string, string>> = { network_mode: 'network', pid: 'process', ipc: 'IPC' };

export default defineRule({
  id: 'workload-host-namespace',
  layer: 'operators',
  severity: 'high',
  summary: 'A pod shares a namespace of the node: `hostNetwork`, `hostPID` or `hostIPC` is true.',
  rationale:
    'Namespaces are what separate a pod from the node. Sharing the node\'s network, process or IPC namespace removes ' +
    'that separation: the pod sees node-local services (the kubelet, cloud metadata, localhost-only admin ports), other ' +
    'processes and their secrets. The Pod Security Standards baseline forbids all three.',
  remediation:
    'Remove the field (it defaults to false). Expose ports with a Service or `hostPort` instead of `hostNetwork`. If a ' +
    'node agent truly needs it (a CNI, node-exporter), run it in a namespace labelled for the `privileged` Pod Security ' +
    'level and suppress the finding with a reason.',
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
    'https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF',
  ],
  messages: {
    shared: '{pod} sets {field}: it shares {effect}.',
    values: '{site} sets {path}: true: {pods} share {effect}.',
    template: 'Template {file} writes {path}: true literally: the pods it renders share {effect}.',
    compose: '{service} sets {field}: host: it shares the {namespace} namespace of the host running it.',
  },
  examples: {
    bad: [{ file: 'pod.yaml', code: 'apiVersion: v1\nkind: Pod\nmetadata: {name: debug}\nspec:\n  hostPID: true # expect: workload-host-namespace\n  containers:\n    - {name: shell, image: busybox:1.36}\n' }],
    good: [{ file: 'pod.yaml', code: 'apiVersion: v1\nkind: Pod\nmetadata: {name: debug}\nspec:\n  hostNetwork: false\n  containers:\n    - {name: shell, image: busybox:1.36}\n' }],
  },
  check(context) {
    for (const object of context.workspace.kubeObjects()) {
      for (const pod of podSpecSites(object)) {
        for (const [field, effect] of Object.entries(NAMESPACES)) {
          for (const value of pod.view.all(pod.spec, field).filter(isBooleanTrue)) {
            context.report({ messageId: 'shared', at: objectSpan(object, value), data: { pod: pod.label, field, effect }, subject: `${pod.label} ${field}` });
          }
        }
      }
    }
    for (const file of templatedFiles(context.workspace)) {
      for (const match of literalFlags(context.workspace, file, Object.keys(NAMESPACES))) {
        context.report({ messageId: 'template', at: match.span, data: { file: file.path, path: match.key, effect: NAMESPACES[match.key] ?? '' }, subject: `${file.path} ${match.key}` });
      }
    }
    for (const service of composeServices(context.workspace)) {
      for (const [field, namespace] of Object.entries(COMPOSE_NAMESPACES)) {
        const value = service.view.get(service.node, field);
        const at = service.view.string(value)?.trim() === 'host' ? spanOf(service.file, value) : undefined;
        if (at) context.report({ messageId: 'compose', at, data: { service: service.label, field, namespace }, subject: `${service.label} ${field}` });
      }
    }
    for (const site of looseWorkloadSites(context.workspace)) {
      for (const entry of valuesEntries(site)) {
        const effect = NAMESPACES[entry.key];
        const at = effect && isBooleanTrue(entry.value) && !isPodSecurityPolicyEntry(entry) ? siteSpan(site, entry.value) : undefined;
        const pods = `${siteOwner(site)} pods`;
        if (effect && at) context.report({ messageId: 'values', at, data: { site: site.label, path: entry.path, effect, pods }, subject: `${site.label} ${entry.path}` });
      }
    }
  },
});
