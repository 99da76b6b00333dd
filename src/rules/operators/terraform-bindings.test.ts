import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkExpectations, readFixtureDirectory } from '../fixture-harness.js';
import { findRule } from '../index.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

describe('bindings made by the Terraform Kubernetes provider', () => {
  it('rbac-cluster-admin-binding: a ClusterRoleBinding resource is high, a RoleBinding in one namespace medium', async () => {
    const rule = findRule('rbac-cluster-admin-binding');
    if (!rule) throw new Error('no rule rbac-cluster-admin-binding');
    const { texts, config } = readFixtureDirectory(path.join(fixtures, 'rbac-cluster-admin-binding'));
    const { findings } = await checkExpectations(rule, texts, config);
    const terraform = findings.filter((finding) => finding.location.path === 'terraform/rbac.tf');
    expect(terraform.map((finding) => [finding.location.line, finding.severity])).toEqual([[8, 'high'], [41, 'medium']]);
    expect(terraform[0]?.message).toBe('ClusterRoleBinding/oidc-cluster-admin (Terraform kubernetes_cluster_role_binding_v1.cluster_admin) grants cluster-admin across the cluster to Group eks-operators.');
    expect(terraform[1]?.message).toMatch(/in namespace team-a .* to ServiceAccount team-a\/deployer\.$/);
  });
});
