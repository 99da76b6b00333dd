import { isAlias, isSeq } from 'yaml';
import { containerSites, podSpecSites } from '../../model/pod-spec.js';
import { isBooleanTrue } from '../../model/yaml-resolved.js';
import { defineRule } from '../rule.js';
import { spanOf } from '../../model/yaml.js';
import { composeServices } from './compose-services.js';
import { isPodSecurityPolicyEntry, looseWorkloadSites, siteOwner, siteSpan, valuesEntries, type ValuesSite } from './helm-values.js';
import { literalFlags, templatedFiles } from './template-lines.js';
import { objectSpan } from './spans.js';

const PSS = 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline';

export default defineRule({
  id: 'workload-privileged',
  layer: 'operators',
  severity: 'high',
  summary: 'A container runs privileged (`securityContext.privileged: true`, or a Windows `hostProcess` container).',
  rationale:
    'A privileged container has every capability and every device of the node, with no seccomp or AppArmor ' +
    'confinement: escaping to the node is a one-line command. Whoever controls its image or its command then controls ' +
    'the node, its kubelet credentials and every other pod on it. The Pod Security Standards baseline forbids it.',
  remediation:
    'Remove `privileged: true`; add only the capabilities the process needs (`capabilities.add`) and drop the rest. ' +
    'If a node agent truly needs it (a CNI or storage driver), run it in its own namespace with Pod Security ' +
    '`privileged` and suppress the finding with a reason.',
  references: [PSS, 'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/', 'https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF'],
  messages: {
    privileged: '{container} runs privileged: it has full control of the node.',
    hostProcess: '{container} is a Windows hostProcess container: it runs directly on the node with its rights.',
    values: '{site} sets {path}: true: {runner} runs privileged, with full control of the node.',
    template: 'Template {file} writes {key}: true literally: whatever it renders runs {effect}.',
    compose: '{service} sets privileged: true: it has every capability and device of the host running it.',
  },
  examples: {
    bad: [{ file: 'ds.yaml', code: 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  template:\n    spec:\n      containers:\n        - name: agent\n          image: agent:1.0\n          securityContext:\n            privileged: true # expect: workload-privileged\n' }],
    good: [{ file: 'ds.yaml', code: 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  template:\n    spec:\n      containers:\n        - name: agent\n          image: agent:1.0\n          securityContext:\n            privileged: false\n            capabilities: {add: [NET_BIND_SERVICE], drop: [ALL]}\n' }],
  },
  check(context) {
    for (const object of context.workspace.kubeObjects()) {
      for (const site of containerSites(object)) {
        const securityContext = site.view.get(site.container, 'securityContext');
        for (const value of site.view.all(securityContext, 'privileged').filter(isBooleanTrue)) {
          // a securityContext shared through an anchor is reported where this container uses it
          const written = site.view.writtenAt(site.container, 'securityContext');
          const shared = isAlias(written) ? written : site.view.writtenAt(securityContext, 'privileged');
          const at = isAlias(shared) || isSeq(shared) ? shared : value;
          context.report({ messageId: 'privileged', at: objectSpan(object, at), data: { container: site.label }, subject: site.label });
        }
        for (const value of site.view.all(site.view.get(securityContext, 'windowsOptions'), 'hostProcess').filter(isBooleanTrue)) {
          context.report({ messageId: 'hostProcess', at: objectSpan(object, value), data: { container: site.label }, subject: `${site.label} hostProcess` });
        }
      }
      for (const pod of podSpecSites(object)) {
        const options = pod.view.path(pod.spec, 'securityContext', 'windowsOptions');
        for (const value of pod.view.all(options, 'hostProcess').filter(isBooleanTrue)) {
          context.report({ messageId: 'hostProcess', at: objectSpan(object, value), data: { container: `${pod.label} (every container)` }, subject: `${pod.label} hostProcess` });
        }
      }
    }
    for (const file of templatedFiles(context.workspace)) {
      for (const match of literalFlags(context.workspace, file, ['privileged', 'hostProcess'])) {
        const effect = match.key === 'privileged' ? 'privileged, with full control of the node' : 'as a Windows hostProcess container on the node';
        context.report({ messageId: 'template', at: match.span, data: { file: file.path, key: match.key, effect }, subject: `${file.path} ${match.key}` });
      }
    }
    for (const service of composeServices(context.workspace)) {
      const value = service.view.get(service.node, 'privileged');
      const at = isBooleanTrue(value) ? spanOf(service.file, value) : undefined;
      if (at) context.report({ messageId: 'compose', at, data: { service: service.label }, subject: service.label });
    }
    for (const site of looseWorkloadSites(context.workspace)) {
      for (const entry of valuesEntries(site)) {
        if (entry.key !== 'privileged' || !isBooleanTrue(entry.value) || isPodSecurityPolicyEntry(entry) || !switchesOnPrivilege(site, entry.parentKey)) continue;
        const at = siteSpan(site, entry.value);
        const runner = `${siteOwner(site)} container`;
        if (at) context.report({ messageId: 'values', at, data: { site: site.label, path: entry.path, runner }, subject: `${site.label} ${entry.path}` });
      }
    }
  },
});

/**
 * In a manifest patch only `securityContext.privileged` means a privileged container; charts also
 * take a flag of their own (`kubeletPlugin.privileged: true`) that their templates turn into one.
 */
function switchesOnPrivilege(site: ValuesSite, parentKey: string | undefined): boolean {
  if (/securityContext$/i.test(parentKey ?? '')) return true;
  return site.origin === 'values';
}
