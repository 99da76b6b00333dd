import { withEmbeddedObjects } from '../../model/embedded-objects.js';
import { append } from '../../append.js';
import { isMap, isSeq, Pair, Scalar, YAMLMap, type Node } from 'yaml';
import { inlinePatches, inlinePatchObjects, isJsonPatch, jsonPatchFiles, writingOperations, type InlinePatch } from '../../model/inline-patches.js';
import { apiGroup, type KubeObject } from '../../model/kubernetes.js';
import type { Workspace } from '../../model/workspace.js';
import { ResolvedYaml } from '../../model/yaml-resolved.js';
import { getNode, mapEntries, seqItems, stringValue, type YamlDocument } from '../../model/yaml.js';
import { gitopsController } from './gitops-controllers.js';

export interface ListValue {
  readonly value: string;
  readonly node: Scalar;
}

export interface PolicyRule {
  readonly node: YAMLMap;
  readonly apiGroups: ListValue[];
  readonly resources: ListValue[];
  readonly verbs: ListValue[];
  readonly nonResourceURLs: ListValue[];
  readonly resourceNames: ListValue[];
}

export interface RbacRole {
  readonly object: KubeObject;
  readonly kind: 'Role' | 'ClusterRole';
  readonly name: string;
  readonly namespace: string | undefined;
  readonly rules: PolicyRule[];
  readonly labels: ReadonlyMap<string, string>;
  /** `aggregationRule.clusterRoleSelectors` of an aggregating ClusterRole */
  readonly selectors: Node[];
}

export interface Subject {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly nameNode: Node | undefined;
}

export interface RbacBinding {
  readonly object: KubeObject;
  readonly kind: 'RoleBinding' | 'ClusterRoleBinding';
  readonly roleKind: string;
  readonly roleName: string;
  /** the `roleRef.name` value node */
  readonly roleNameNode: Node | undefined;
  readonly subjects: Subject[];
}

export interface RbacModel {
  readonly roles: RbacRole[];
  readonly bindings: RbacBinding[];
  /** bindings by `roleRef.name` */
  readonly bindingsByRole: Map<string, RbacBinding[]>;
  /** ClusterRoles with an aggregationRule */
  readonly aggregators: RbacRole[];
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const BUILT_IN_AGGREGATION = /^rbac\.authorization\.k8s\.io\/aggregate-to-(admin|edit|view)$/;
const MAX_SUBJECTS_SHOWN = 3;

/** Roles, ClusterRoles and their bindings across the tree. */
export function rbacModel(workspace: Workspace): RbacModel {
  return workspace.derived('rbac-model', () => {
    const model: RbacModel = { roles: [], bindings: [], bindingsByRole: new Map(), aggregators: [] };
    for (const object of withEmbeddedObjects(workspace.kubeObjects())) {
      if (apiGroup(object) !== RBAC_GROUP) continue;
      const view = new ResolvedYaml(object.source.document);
      if (object.kind === 'Role' || object.kind === 'ClusterRole') model.roles.push(roleOf(object, object.kind, view));
      if (object.kind === 'RoleBinding' || object.kind === 'ClusterRoleBinding') model.bindings.push(bindingOf(object, object.kind, view));
    }
    // what kustomize patches make of roles and bindings: the rules and subjects they write are applied
    const ownRoles = [...model.roles];
    const ownBindings = [...model.bindings];
    for (const document of workspace.yamlDocuments()) {
      if (!document.file.mentions('atch')) continue;
      const view = new ResolvedYaml(document.document);
      const patches = inlinePatches(document);
      for (const object of inlinePatchObjects(document, patches)) {
        // a patch names its kind, and its group when it writes apiVersion or the target gives one
        if (apiGroup(object) !== RBAC_GROUP && apiGroup(object) !== '') continue;
        if (object.kind === 'Role' || object.kind === 'ClusterRole') model.roles.push(roleOf(object, object.kind, view));
        if (object.kind === 'RoleBinding' || object.kind === 'ClusterRoleBinding') model.bindings.push(bindingOf(object, object.kind, view));
      }
      append(model.roles, jsonPatchedRoles(document, patches, view, ownRoles));
      append(model.bindings, jsonPatchedBindings(document, patches, view, ownBindings));
    }
    for (const { document, patch } of jsonPatchFiles(workspace)) {
      const view = new ResolvedYaml(document.document);
      append(model.roles, jsonPatchedRoles(document, [patch], view, ownRoles));
      append(model.bindings, jsonPatchedBindings(document, [patch], view, ownBindings));
    }
    for (const binding of model.bindings) model.bindingsByRole.set(binding.roleName, [...(model.bindingsByRole.get(binding.roleName) ?? []), binding]);
    append(model.aggregators, model.roles.filter((role) => role.kind === 'ClusterRole' && role.selectors.length > 0));
    return model;
  });
}

export function policyRule(node: YAMLMap, view: ResolvedYaml): PolicyRule {
  return {
    node,
    apiGroups: view.strings(view.get(node, 'apiGroups')),
    resources: view.strings(view.get(node, 'resources')),
    verbs: view.strings(view.get(node, 'verbs')),
    nonResourceURLs: view.strings(view.get(node, 'nonResourceURLs')),
    resourceNames: view.strings(view.get(node, 'resourceNames')),
  };
}

const RULE_FIELDS = new Set(['apiGroups', 'resources', 'verbs', 'nonResourceURLs', 'resourceNames']);

/**
 * Roles as JSON 6902 patches written inline change them: rules added or replaced whole (`/rules`,
 * `/rules/-`, `/rules/0`), or one list of a rule (`/rules/0/verbs: ["*"]`), read over that rule of
 * the role of the tree the patch targets (alone when the tree has none).
 */
function jsonPatchedRoles(document: YamlDocument, patches: readonly InlinePatch[], view: ResolvedYaml, ownRoles: readonly RbacRole[]): RbacRole[] {
  const roles: RbacRole[] = [];
  for (const patch of patches) {
    const kind = stringValue(getNode(patch.target, 'kind'));
    if ((kind !== 'Role' && kind !== 'ClusterRole') || !isJsonPatch(patch.root)) continue;
    const name = stringValue(getNode(patch.target, 'name'));
    const namespace = stringValue(getNode(patch.target, 'namespace'));
    const rules: PolicyRule[] = [];
    for (const operation of writingOperations(patch.root)) {
      const [top, index, field, ...rest] = operation.segments;
      if (top !== 'rules' || rest.length > 0) continue;
      if (index === undefined) append(rules, view.items(operation.value).filter(isMap).map((node) => policyRule(node, view)));
      else if (field === undefined && isMap(operation.value)) rules.push(policyRule(operation.value, view));
      else if (field !== undefined && RULE_FIELDS.has(field) && isSeq(operation.value)) {
        const partial = new YAMLMap<unknown, unknown>();
        partial.range = operation.value.range ?? null;
        partial.items.push(new Pair(new Scalar(field), operation.value));
        const patched = policyRule(partial, view);
        const base = /^\d+$/.test(index) ? ownRoles.find((role) => role.kind === kind && role.name === name && (namespace === undefined || role.namespace === namespace))?.rules[Number(index)] : undefined;
        rules.push(base ? { ...base, [field]: patched[field as keyof Omit<PolicyRule, 'node'>] } : patched);
      }
    }
    if (rules.length === 0) continue;
    const object: KubeObject = { source: document, node: standIn(patch.root), apiVersion: `${RBAC_GROUP}/v1`, kind, name, namespace, patchFragment: patch.label };
    roles.push({ object, kind, name: name ?? '', namespace, rules, labels: new Map(), selectors: [] });
  }
  return roles;
}

/**
 * Bindings as JSON 6902 patches change them: subjects added (`/subjects/-`, `/subjects/0`) or
 * replaced (`/subjects`, `/subjects/0/name`), the role replaced (`/roleRef`, `/roleRef/name`). Read
 * over the binding of the tree the patch targets: a new role is granted to its subjects as well;
 * without a new role, only the subjects the patch adds are the patched binding's (the others are
 * judged on the binding itself).
 */
function jsonPatchedBindings(document: YamlDocument, patches: readonly InlinePatch[], view: ResolvedYaml, ownBindings: readonly RbacBinding[]): RbacBinding[] {
  const bindings: RbacBinding[] = [];
  for (const patch of patches) {
    const kind = stringValue(getNode(patch.target, 'kind'));
    if ((kind !== 'RoleBinding' && kind !== 'ClusterRoleBinding') || !isJsonPatch(patch.root)) continue;
    const name = stringValue(getNode(patch.target, 'name'));
    const namespace = stringValue(getNode(patch.target, 'namespace'));
    const base = ownBindings.find((binding) => binding.kind === kind && binding.object.name === name && (namespace === undefined || binding.object.namespace === namespace));
    const object: KubeObject = { source: document, node: standIn(patch.root), apiVersion: `${RBAC_GROUP}/v1`, kind, name, namespace: namespace ?? base?.object.namespace, patchFragment: patch.label };
    let roleKind = base?.roleKind ?? 'ClusterRole';
    let roleName = base?.roleName ?? '';
    let roleNameNode = base?.roleNameNode;
    let roleChanged = false;
    // the binding's own subjects are written in another file: findings about them point at the patch
    const baseSubjects = (base?.subjects ?? []).map((subject) => ({ ...subject, nameNode: undefined }));
    const added: Subject[] = [];
    let replacedAll = false;
    for (const operation of writingOperations(patch.root)) {
      const [top, index, field, ...rest] = operation.segments;
      if (rest.length > 0) continue;
      if (top === 'roleRef' && index === undefined) {
        roleKind = view.string(operation.value, 'kind') ?? roleKind;
        roleName = view.string(operation.value, 'name') ?? roleName;
        roleNameNode = view.get(operation.value, 'name') ?? operation.value;
        roleChanged = true;
      } else if (top === 'roleRef' && field === undefined && (index === 'name' || index === 'kind')) {
        const value = stringValue(operation.value);
        if (value === undefined) continue;
        if (index === 'name') [roleName, roleNameNode] = [value, operation.value];
        else roleKind = value;
        roleChanged = true;
      } else if (top === 'subjects' && index === undefined) {
        replacedAll = true;
        append(added, view.items(operation.value).flatMap((node) => subjectOf(node, view, object.namespace)));
      } else if (top === 'subjects' && field === undefined) {
        append(added, subjectOf(operation.value, view, object.namespace));
      } else if (top === 'subjects' && /^\d+$/.test(index ?? '') && (field === 'name' || field === 'kind' || field === 'namespace')) {
        // one field of a subject of the binding: the others stay as they were (unknown without the binding)
        const value = stringValue(operation.value);
        const was = baseSubjects[Number(index)];
        if (value === undefined) continue;
        added.push({
          kind: field === 'kind' ? value : was?.kind ?? '',
          name: field === 'name' ? value : was?.name ?? '',
          namespace: field === 'namespace' ? value : was?.namespace,
          nameNode: field === 'name' ? operation.value : was?.nameNode,
        });
      }
    }
    const subjects = replacedAll || !roleChanged ? added : [...baseSubjects, ...added];
    if (!roleChanged && added.length === 0) continue;
    bindings.push({ object, kind, roleKind, roleName: roleName || '(the role its binding names)', roleNameNode: roleChanged ? roleNameNode : undefined, subjects });
  }
  return bindings;
}

/** An empty object that stands for what a JSON patch makes, placed where the patch is written. */
function standIn(patch: Node): YAMLMap {
  const node = new YAMLMap();
  node.range = patch.range ?? null;
  return node;
}

function subjectOf(node: unknown, view: ResolvedYaml, bindingNamespace: string | undefined): Subject[] {
  const kind = view.string(node, 'kind');
  const name = view.string(node, 'name');
  if (!kind || !name) return [];
  const namespace = view.string(node, 'namespace') ?? (kind === 'ServiceAccount' ? bindingNamespace : undefined);
  return [{ kind, name, namespace, nameNode: view.get(node, 'name') }];
}

function roleOf(object: KubeObject, kind: 'Role' | 'ClusterRole', view: ResolvedYaml): RbacRole {
  const rules = view.items(view.get(object.node, 'rules')).filter(isMap).map((node) => policyRule(node, view));
  const labels = new Map<string, string>();
  for (const entry of view.entries(view.path(object.node, 'metadata', 'labels'))) {
    const value = stringValue(entry.value);
    if (value !== undefined) labels.set(entry.key, value);
  }
  const selectors = view.items(view.path(object.node, 'aggregationRule', 'clusterRoleSelectors'));
  return { object, kind, name: object.name ?? '', namespace: object.namespace, rules, labels, selectors };
}

function bindingOf(object: KubeObject, kind: 'RoleBinding' | 'ClusterRoleBinding', view: ResolvedYaml): RbacBinding {
  const roleRef = view.get(object.node, 'roleRef');
  const subjects = view.items(view.get(object.node, 'subjects')).flatMap((node) => subjectOf(node, view, object.namespace));
  return {
    object,
    kind,
    roleKind: view.string(roleRef, 'kind') ?? 'ClusterRole',
    roleName: view.string(roleRef, 'name') ?? '',
    roleNameNode: view.get(roleRef, 'name'),
    subjects,
  };
}

/** `ServiceAccount argocd/argocd-application-controller`, `Group system:masters`. */
export function describeSubject(subject: Subject): string {
  if (subject.kind === 'ServiceAccount') return `ServiceAccount ${subject.namespace ? `${subject.namespace}/` : ''}${subject.name}`;
  return `${subject.kind} ${subject.name}`;
}

/** Subjects listed, GitOps controllers named for what they are. */
export function describeSubjects(subjects: readonly Subject[]): string {
  if (subjects.length === 0) return 'no subjects';
  // GitOps controllers first: they are what a reader of the finding needs to know about
  const described = subjects.map((subject) => {
    const controller = subject.kind === 'ServiceAccount' ? gitopsController(subject.name) : undefined;
    return { controller: controller !== undefined, text: controller ? `${describeSubject(subject)} (${controller})` : describeSubject(subject) };
  }).sort((a, b) => Number(b.controller) - Number(a.controller));
  const shown = described.slice(0, MAX_SUBJECTS_SHOWN).map((entry) => entry.text);
  const hidden = described.length - shown.length;
  return hidden > 0 ? `${shown.join(', ')} and ${hidden} more` : shown.join(', ');
}

/** ClusterRoles this one is aggregated into: built-in admin/edit/view by label, and aggregating ClusterRoles of the tree. */
export function aggregatedInto(model: RbacModel, role: RbacRole): string[] {
  if (role.kind !== 'ClusterRole') return [];
  const targets: string[] = [];
  for (const [key, value] of role.labels) {
    const builtIn = BUILT_IN_AGGREGATION.exec(key);
    if (builtIn?.[1] && value === 'true') targets.push(builtIn[1]);
  }
  for (const aggregator of model.aggregators) {
    if (aggregator === role) continue;
    if (aggregator.selectors.some((selector) => selectorMatches(selector, role.labels))) targets.push(aggregator.name);
  }
  return [...new Set(targets)];
}

/** Bindings that grant a role, directly or through a ClusterRole it is aggregated into. */
export function bindingsGranting(model: RbacModel, role: RbacRole): RbacBinding[] {
  const names = new Set([role.name, ...aggregatedInto(model, role)]);
  return [...names].flatMap((name) => model.bindingsByRole.get(name) ?? []).filter((binding) => {
    if (role.kind === 'Role') return binding.roleKind === 'Role' && binding.object.namespace === role.namespace && binding.roleName === role.name;
    return binding.roleKind === 'ClusterRole';
  });
}

/** `; bound to …; aggregated into …` for messages about a role's rules. */
export function roleContext(model: RbacModel, role: RbacRole): string {
  const parts: string[] = [];
  const aggregated = aggregatedInto(model, role);
  if (aggregated.length > 0) parts.push(`aggregated into ClusterRole ${aggregated.join(', ')}`);
  const subjects = bindingsGranting(model, role).flatMap((binding) => binding.subjects);
  const unique = [...new Map(subjects.map((subject) => [describeSubject(subject), subject])).values()];
  if (unique.length > 0) parts.push(`bound to ${describeSubjects(unique)}`);
  return parts.length > 0 ? `; ${parts.join('; ')}` : '';
}

function selectorMatches(selector: Node, labels: ReadonlyMap<string, string>): boolean {
  const matchLabels = mapEntries(selectorPart(selector, 'matchLabels'));
  const expressions = selectorPart(selector, 'matchExpressions');
  if (matchLabels.length === 0 && !expressions) return false;
  for (const { key, value } of matchLabels) {
    if (labels.get(key) !== stringValue(value)) return false;
  }
  for (const expression of seqItems(expressions)) {
    const key = stringValue(selectorPart(expression, 'key')) ?? '';
    const operator = stringValue(selectorPart(expression, 'operator'));
    const values = seqItems(selectorPart(expression, 'values')).map(stringValue);
    const present = labels.has(key);
    const matched = operator === 'In' ? present && values.includes(labels.get(key))
      : operator === 'NotIn' ? !present || !values.includes(labels.get(key))
      : operator === 'Exists' ? present
      : operator === 'DoesNotExist' ? !present
      : false;
    if (!matched) return false;
  }
  return true;
}

function selectorPart(node: unknown, key: string): Node | undefined {
  return mapEntries(node).find((entry) => entry.key === key)?.value;
}

