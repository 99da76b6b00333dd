import { isRecord } from '../../is-record.js';
import { isDryRun, type AuditEvent, type RecordOrigin } from '../audit-event.js';
import { isAnyController } from '../identities.js';
import { isFullObject, managementOf } from '../management.js';
import type { JudgeContext } from '../watcher.js';

const RULE_ID = 'deploy-image-not-in-git';
const WORKLOADS = new Set(['deployments', 'statefulsets', 'daemonsets', 'replicasets']);
/** Workload templates kept, so a long stream does not grow without bound. */
const MAX_TEMPLATES = 50_000;

/** The images a pod of a GitOps-managed workload runs, to be checked against the deployer's revision. */
export interface PodImages {
  /** the Application, Kustomization or HelmRelease that manages the pod's workload */
  readonly deployer: string;
  readonly pod: string;
  readonly images: readonly string[];
  readonly origin: RecordOrigin;
}

/**
 * Pods of workloads a GitOps controller applied, as the audit log shows them created or changed:
 * the images of the containers the workload's template declares (sidecars a mutating webhook injects
 * are not Git's to declare). The templates are learned from the controllers' own writes.
 */
export class PodImagesJudge {
  /** container names of each workload's pod template, as its controller last applied it */
  private readonly templates = new Map<string, ReadonlySet<string>>();

  constructor(private readonly onPod: (pod: PodImages) => void) {}

  judge(event: AuditEvent, context: JudgeContext): void {
    const ref = event.objectRef;
    if (!ref || event.stage !== 'ResponseComplete' || event.code === undefined || event.code >= 300 || isDryRun(event)) return;
    if (ref.apiGroup === 'apps' && WORKLOADS.has(ref.resource) && ref.subresource === '') {
      this.learnTemplate(event, context);
      return;
    }
    if (ref.apiGroup !== '' || ref.resource !== 'pods' || ref.subresource !== '' || !['create', 'update', 'patch'].includes(event.verb)) return;
    const pod = isFullObject(event.responseObject) ? event.responseObject : event.verb !== 'patch' && isFullObject(event.requestObject) ? event.requestObject : undefined;
    if (!pod) return;
    const metadata = isRecord(pod['metadata']) ? pod['metadata'] : {};
    const podName = `${ref.namespace}/${typeof metadata['name'] === 'string' ? metadata['name'] : ref.name}`;
    const workload = workloadOf(metadata, ref.namespace);
    const management = workload ? context.state.managed.get(workload) : managementOf(pod, context.state.management);
    if (!management) return;
    const names = workload ? this.templates.get(workload) : undefined;
    if (workload && !names) {
      context.unjudged(RULE_ID, 'the pod\'s workload was not seen applied by its controller at RequestResponse level, so its own containers cannot be told from injected sidecars', workload.split('/').slice(1).join('/'));
      return;
    }
    const images = containersOf(pod['spec']).filter((container) => !names || names.has(container.name)).map((container) => container.image);
    if (images.length > 0) this.onPod({ deployer: management.owner, pod: podName, images: [...new Set(images)], origin: event.origin });
  }

  private learnTemplate(event: AuditEvent, context: JudgeContext): void {
    const ref = event.objectRef!;
    const key = `apps/${ref.resource}/${ref.namespace}/${ref.name}`;
    if (event.verb === 'delete') {
      this.templates.delete(key);
      return;
    }
    if (!isAnyController(context.state.identities, event.user.username)) return;
    const body = isFullObject(event.responseObject) ? event.responseObject : isFullObject(event.requestObject) && event.verb !== 'patch' ? event.requestObject : undefined;
    const spec = body && isRecord(body['spec']) ? body['spec'] : undefined;
    const template = spec && isRecord(spec['template']) ? spec['template'] : undefined;
    if (!template) return;
    if (this.templates.size >= MAX_TEMPLATES && !this.templates.has(key)) this.templates.delete(this.templates.keys().next().value!);
    this.templates.set(key, new Set(containersOf(template['spec']).map((container) => container.name)));
  }
}

/** The workload that owns a pod, as an audit object key: a ReplicaSet's pods belong to its Deployment. */
function workloadOf(metadata: Record<string, unknown>, namespace: string): string | undefined {
  const owners = Array.isArray(metadata['ownerReferences']) ? metadata['ownerReferences'].filter(isRecord) : [];
  const owner = owners.find((candidate) => candidate['controller'] === true);
  if (!owner || typeof owner['name'] !== 'string' || typeof owner['kind'] !== 'string') return undefined;
  const labels = isRecord(metadata['labels']) ? metadata['labels'] : {};
  const hash = labels['pod-template-hash'];
  if (owner['kind'] === 'ReplicaSet' && typeof hash === 'string' && owner['name'].endsWith(`-${hash}`)) {
    return `apps/deployments/${namespace}/${owner['name'].slice(0, -hash.length - 1)}`;
  }
  const resource = { ReplicaSet: 'replicasets', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets' }[owner['kind']];
  return resource ? `apps/${resource}/${namespace}/${owner['name']}` : undefined;
}

function containersOf(spec: unknown): Array<{ name: string; image: string }> {
  if (!isRecord(spec)) return [];
  return ['initContainers', 'containers'].flatMap((field) => (Array.isArray(spec[field]) ? spec[field] : []))
    .filter(isRecord)
    .filter((container): container is Record<string, unknown> & { name: string; image: string } => typeof container['name'] === 'string' && typeof container['image'] === 'string');
}
