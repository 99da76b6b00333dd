import type { Node } from 'yaml';
import type { KubeObject } from '../../model/kubernetes.js';
import type { Severity } from '../../model/severity.js';
import { podSpecSites } from '../../model/pod-spec.js';
import { ResolvedYaml } from '../../model/yaml-resolved.js';
import { spanOf, stringValue } from '../../model/yaml.js';
import { composeBindSources, composeServices } from './compose-services.js';
import { looseWorkloadSites, siteOwner, siteSpan, valuesEntries } from './helm-values.js';
import { literalHostPaths, templatedFiles } from './template-lines.js';
import { defineRule } from '../rule.js';
import { isRuntimeSocket, sensitiveHostPath } from './host-paths.js';
import { objectSpan } from './spans.js';

export default defineRule({
  id: 'workload-sensitive-host-path',
  layer: 'operators',
  severity: 'high',
  summary: 'A pod mounts a sensitive node path: `/`, `/etc`, `/proc`, `/var/lib/kubelet`, a container runtime socket…',
  rationale:
    'A hostPath volume hands the pod a piece of the node. The runtime socket (`/var/run/docker.sock`, ' +
    '`/run/containerd/containerd.sock`, CRI-O\'s) starts privileged containers at will; `/`, `/etc` and `/var/lib/kubelet` ' +
    'hold node and kubelet credentials and every pod\'s Secrets; `/proc` exposes other processes. Read-only mounts still ' +
    'leak credentials, and sockets accept commands either way.',
  remediation:
    'Use a Secret, ConfigMap, emptyDir or PersistentVolume instead. A node agent that truly needs the path should mount ' +
    'the narrowest subdirectory, read-only, and run in a namespace labelled for the `privileged` Pod Security level; ' +
    'suppress the finding with a reason there. Build images with a rootless builder (BuildKit rootless, kaniko) rather ' +
    'than the node\'s Docker socket.',
  references: [
    'https://kubernetes.io/docs/concepts/storage/volumes/#hostpath',
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
    'https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF',
  ],
  messages: {
    volume: '{pod} mounts hostPath {path} (volume {volume}): {reason}.',
    persistentVolume: '{pod} is a hostPath PersistentVolume on {path}: {reason}.',
    values: '{site} sets {key} to {path}, which {mounter} mounts from the node: {reason}.',
    template: 'Template {file} mounts hostPath {path} literally: {reason}.',
    compose: '{service} bind-mounts {path} of the host: {reason}.',
  },
  examples: {
    bad: [{ file: 'pod.yaml', code: 'apiVersion: v1\nkind: Pod\nmetadata: {name: builder}\nspec:\n  containers:\n    - name: docker\n      image: docker:27-cli\n      volumeMounts: [{name: sock, mountPath: /var/run/docker.sock}]\n  volumes:\n    - name: sock\n      hostPath:\n        path: /var/run/docker.sock # expect: workload-sensitive-host-path\n' }],
    good: [{ file: 'pod.yaml', code: 'apiVersion: v1\nkind: Pod\nmetadata: {name: app}\nspec:\n  containers:\n    - name: app\n      image: app:1.0\n  volumes:\n    - name: tz\n      hostPath: {path: /etc/localtime, type: File}\n    - name: certs\n      hostPath: {path: /etc/ssl/certs}\n' }],
  },
  check(context) {
    for (const object of context.workspace.kubeObjects()) {
      for (const pod of podSpecSites(object)) {
        for (const volume of pod.view.items(pod.view.get(pod.spec, 'volumes'))) {
          const name = pod.view.string(volume, 'name') ?? '(unnamed)';
          for (const pathNode of hostPaths(pod.view, volume)) {
            const sensitive = sensitiveHostPath(stringValue(pathNode) ?? '');
            if (!sensitive) continue;
            context.report({ messageId: 'volume', at: objectSpan(object, pathNode), data: { pod: pod.label, path: sensitive.path, volume: name, reason: sensitive.reason }, subject: `${pod.label} ${sensitive.path}`, ...severityOf(sensitive) });
          }
        }
      }
      if (object.kind === 'PersistentVolume') reportPersistentVolume(object, (path, reason, node) =>
        context.report({ messageId: 'persistentVolume', at: objectSpan(object, node), data: { pod: `PersistentVolume/${object.name ?? '(unnamed)'}`, path, reason }, subject: path }));
    }
    for (const file of templatedFiles(context.workspace)) {
      for (const match of literalHostPaths(context.workspace, file)) {
        const sensitive = sensitiveHostPath(match.value);
        if (sensitive) context.report({ messageId: 'template', at: match.span, data: { file: file.path, path: sensitive.path, reason: sensitive.reason }, subject: `${file.path} ${sensitive.path}`, ...severityOf(sensitive) });
      }
    }
    for (const service of composeServices(context.workspace)) {
      for (const bind of composeBindSources(service)) {
        const sensitive = sensitiveHostPath(bind.path);
        const at = sensitive ? spanOf(service.file, bind.node) : undefined;
        if (sensitive && at) context.report({ messageId: 'compose', at, data: { service: service.label, path: sensitive.path, reason: sensitive.reason }, subject: `${service.label} ${sensitive.path}`, ...severityOf(sensitive) });
      }
    }
    for (const site of looseWorkloadSites(context.workspace)) {
      for (const entry of valuesEntries(site)) {
        const text = stringValue(entry.value);
        const isHostPath = entry.key === 'hostPath' || (entry.key === 'path' && entry.parentKey === 'hostPath');
        if (text === undefined || (!isHostPath && !isRuntimeSocket(text))) continue;
        const sensitive = sensitiveHostPath(text);
        const at = sensitive ? siteSpan(site, entry.value) : undefined;
        const mounter = site.origin === 'values' ? 'the chart' : `${siteOwner(site)} pod`;
        if (sensitive && at) context.report({ messageId: 'values', at, data: { site: site.label, key: entry.path, path: sensitive.path, reason: sensitive.reason, mounter }, subject: `${site.label} ${entry.path}`, ...severityOf(sensitive) });
      }
    }
  },
});

function hostPaths(view: ResolvedYaml, volume: Node): Node[] {
  return view.all(volume, 'hostPath').flatMap((hostPath) => view.all(hostPath, 'path'));
}

function severityOf(sensitive: { severity?: Severity }): { severity?: Severity } {
  return sensitive.severity ? { severity: sensitive.severity } : {};
}

function reportPersistentVolume(object: KubeObject, report: (path: string, reason: string, node: Node) => void): void {
  const view = new ResolvedYaml(object.source.document);
  for (const pathNode of hostPaths(view, view.get(object.node, 'spec') ?? object.node)) {
    const sensitive = sensitiveHostPath(stringValue(pathNode) ?? '');
    if (sensitive) report(sensitive.path, sensitive.reason, pathNode);
  }
}
