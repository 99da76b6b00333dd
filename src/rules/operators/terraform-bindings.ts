import type { Span } from '../../model/span.js';
import type { HclBlock } from '../../model/terraform.js';
import type { Workspace } from '../../model/workspace.js';
import type { Subject } from './rbac-model.js';

/** A binding made by the Terraform Kubernetes provider (`kubernetes_cluster_role_binding_v1` …). */
export interface TerraformBinding {
  readonly kind: 'ClusterRoleBinding' | 'RoleBinding';
  /** `kubernetes_cluster_role_binding_v1.cluster_admin` */
  readonly address: string;
  readonly name: string | undefined;
  readonly namespace: string | undefined;
  readonly roleKind: string;
  readonly roleName: string;
  /** the literal `role_ref { name = … }` */
  readonly roleNameSpan: Span;
  readonly subjects: Subject[];
}

const BINDING_RESOURCE = /^kubernetes_(cluster_role_binding|role_binding)(?:_v1)?$/;

/**
 * Bindings that Terraform's Kubernetes provider creates, with their role and subjects written
 * literally (`role_ref { kind = "ClusterRole" name = "cluster-admin" }`, `subject { … }` blocks).
 * A role reference computed from a variable is not read.
 */
export function terraformBindings(workspace: Workspace): TerraformBinding[] {
  const found: TerraformBinding[] = [];
  for (const hcl of workspace.terraformFiles()) {
    for (const block of hcl.body.blocks) {
      const type = block.labels[0] ?? '';
      const resource = block.type === 'resource' ? BINDING_RESOURCE.exec(type) : null;
      if (!resource) continue;
      const roleRef = block.blocks.find((nested) => nested.type === 'role_ref');
      const roleName = roleRef?.attributes.find((attribute) => attribute.name === 'name');
      if (!roleRef || roleName?.stringValue === undefined || !roleName.stringSpan) continue;
      const metadata = block.blocks.find((nested) => nested.type === 'metadata');
      found.push({
        kind: resource[1] === 'cluster_role_binding' ? 'ClusterRoleBinding' : 'RoleBinding',
        address: `${type}.${block.labels[1] ?? '?'}`,
        name: literal(metadata, 'name'),
        namespace: literal(metadata, 'namespace'),
        roleKind: literal(roleRef, 'kind') ?? 'ClusterRole',
        roleName: roleName.stringValue,
        roleNameSpan: roleName.stringSpan,
        subjects: block.blocks.filter((nested) => nested.type === 'subject').map((subject) => ({
          kind: literal(subject, 'kind') ?? '?',
          name: literal(subject, 'name') ?? '?',
          namespace: literal(subject, 'namespace'),
          nameNode: undefined,
        })),
      });
    }
  }
  return found;
}

function literal(block: HclBlock | undefined, name: string): string | undefined {
  return block?.attributes.find((attribute) => attribute.name === name)?.stringValue;
}
