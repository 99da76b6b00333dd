import type { Diagnostic } from '../model/diagnostic.js';
import { isChartFile, isKustomizationFile, isValuesFile } from '../model/file-kinds.js';
import type { SourceFile } from '../model/source-file.js';
import { parsing, type Workspace } from '../model/workspace-core.js';
import type { YamlDocument } from '../model/yaml.js';
import type { Rule } from '../rules/rule.js';

/**
 * A large tree is checked batch by batch: each batch's YAML is parsed, every rule that reads one
 * file (or one directory, or one chart) at a time runs over it, and its syntax trees are let go
 * before the next batch is parsed. Memory then stays near what one batch needs, and the garbage
 * collector does not trace every document of the tree again and again.
 *
 * Rules that join facts across the whole tree (an RBAC binding in one file and its role in another,
 * Argo CD settings that any file may set) run once at the end over the documents they read, which
 * the batches keep (`keptForRepositoryRules`). A rule that joins across files must be listed here,
 * unless what it joins on is a fact of the whole tree that it reads from a few files picked by their
 * text (`workspace.tree`: `lockedDownControllers`, `treeOciHelmRepositories`); then it runs per batch.
 */
export const REPOSITORY_RULES: ReadonlySet<string> = new Set([
  // argocdSettings: any ConfigMap, generator, values file or Application of the tree may set them
  'argocd-admin-enabled',
  'argocd-anonymous-access',
  'argocd-exec-enabled',
  'argocd-rbac-default-admin',
  'argocd-repo-insecure',
  // appProjects: an Application names an AppProject defined anywhere
  'argocd-app-default-project',
  'argocd-project-wildcard-cluster-resources',
  'argocd-project-wildcard-destination',
  'argocd-project-wildcard-source',
  // rbacModel: bindings, roles and aggregated roles of the whole tree
  'rbac-anonymous-subject',
  'rbac-cluster-admin-binding',
  'rbac-escalation',
  'rbac-secrets-read',
  'rbac-wildcard',
  // an ImageUpdater's applicationRefs name Applications defined anywhere
  'argocd-image-updater-unreviewed',
  // referencedDocuments: kustomizations name files in other directories; argocdSettings
  'kustomize-exec-function',
  // one finding for the whole repository
  'codeowners-missing',
  ...wholeTreeRuleIds(),
]);

/**
 * Repository rules that may read any document of the tree once something in it sets them off; then
 * the batches keep every document (as a scan of the whole tree at once would).
 */
function wholeTreeTriggers(): ReadonlyMap<string, (workspace: Workspace) => boolean> {
  const gitlabPipeline = (workspace: Workspace): boolean => workspace.files.some((file) => parsing().isGitlabCiFile(file.path));
  return new Map([
    // `include: local:` may name any YAML file of the tree
    ['gitlab-script-injection', gitlabPipeline],
    ['gitlab-pushes-deploy-branch', gitlabPipeline],
    // a policy covers the workloads of a namespace, wherever they are defined
    ['sigstore-namespace-not-included', (workspace: Workspace) => workspace.files.some((file) => file.text.includes('ClusterImagePolicy'))],
  ]);
}

function wholeTreeRuleIds(): string[] {
  return [...wholeTreeTriggers().keys()];
}

/** Kinds the repository rules read (ConfigMaps, Secrets, Kustomizations and OCIRepositories only in part: see `keptObject`). */
const KEPT_KINDS = new Set([
  'ArgoCD', 'AppProject', 'Application', 'ApplicationSet',
  'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'FluxInstance', 'Kptfile', 'ImageUpdater',
]);
const RBAC_KIND = /\b(?:Cluster)?Role(?:Binding)?\b/;
const KRM_FUNCTION = /config\.(kubernetes\.io|k8s\.io)\/function/;
/** The kustomization fields repository rules read: configMapGenerator and patches of an ArgoCD's extraConfig (Argo CD settings), helmCharts (values), plugins (kustomize-exec-function). */
const KUSTOMIZATION_FIELDS = /configMapGenerator|extraConfig|helmCharts|generators|transformers|validators/;
/** The ConfigMaps `argocdSettings` reads (`SettingsMap`). */
const ARGOCD_SETTINGS_MAPS: ReadonlySet<string> = new Set(['argocd-cm', 'argocd-rbac-cm', 'argocd-cmd-params-cm']);
const ARGOCD_SECRET_LABEL = 'argocd.argoproj.io/secret-type';

/** Whether the repository rules may read this document: those they never read are let go with their batch. */
function keptForRepositoryRules(batch: Workspace, document: YamlDocument, krmFunctions: boolean): boolean {
  const { file } = document;
  if (krmFunctions) return true;
  // kustomize patches written inline that make or change roles and bindings (rbacModel), in a kustomization, a Flux Kustomization or HelmRelease, an Application
  if (file.mentions('atch') && RBAC_KIND.test(parsing().documentText(document))) return true;
  // a key a rule reads is written in the file's text (a merge key's anchor too)
  if (isKustomizationFile(file.baseName)) return file.mentions(KUSTOMIZATION_FIELDS);
  // charts (chart names, umbrella charts' dependency keys); values only when their text has a key read
  if (isChartFile(file.baseName)) return true;
  if (isValuesFile(file.baseName)) return READ_CHART_VALUES.test(parsing().documentText(document)) || (document.index === 0 && writesRbacInTemplates(batch, file.directory));
  if (file.baseName === 'Chart.lock' || file.baseName === 'requirements.lock') return true;
  if (keptObject(parsing().getString(document.root, 'kind'), parsing().getString(document.root, 'metadata', 'name'), document)) return true;
  // a ResourceSet or Template creates the roles and bindings written inside it
  return batch.kubeObjectsIn(document).some((object) => keptObject(object.kind, object.name, document)
    || parsing().embeddedObjects(object).some((embedded) => keptObject(embedded.kind, embedded.name, document)));
}

/** Whether the chart in `directory` has templates that write roles or bindings: their guards are judged on its values (template-guards.ts). */
function writesRbacInTemplates(batch: Workspace, directory: string): boolean {
  const templates = directory === '' ? 'templates/' : `${directory}/templates/`;
  return batch.files.some((candidate) => candidate.path.startsWith(templates) && batch.kindOf(candidate) === 'helm-template' && RBAC_KIND.test(candidate.text));
}

/** Chart values keys the repository rules read: the argo-cd chart's `configs`, the argocd-apps chart's collections. */
const READ_CHART_VALUES = /configs|applications|projects/;
/**
 * An OCIRepository whose name or URL may name a chart the repository rules know (`KnownChart`): one
 * that names none leaves the chart of a HelmRelease unknown either way. A `\` may spell one in escapes.
 */
const KNOWN_CHART = /argo-cd|argocd-apps|flux-instance|\\/;

function keptObject(kind: string | undefined, name: string | undefined, document: YamlDocument): boolean {
  if (kind === undefined) return false;
  // Argo CD settings ConfigMaps; repository and cluster Secrets (argocd-repo-insecure)
  if (kind === 'ConfigMap') return name !== undefined && ARGOCD_SETTINGS_MAPS.has(name);
  if (kind === 'Secret' || kind === 'ExternalSecret') return parsing().documentText(document).includes(ARGOCD_SECRET_LABEL);
  // a values site (chartValuesRoots): only when its text has a key they read
  if (kind === 'HelmRelease') return READ_CHART_VALUES.test(parsing().documentText(document));
  // a Flux Kustomization's inline patches of an ArgoCD's extraConfig (Argo CD settings)
  if (kind === 'Kustomization') return parsing().documentText(document).includes('extraConfig');
  // the chart a HelmRelease's values are for (helmValuesSites): only a chart whose values the repository rules read
  if (kind === 'OCIRepository') return KNOWN_CHART.test(parsing().documentText(document));
  return KEPT_KINDS.has(kind);
}

/** Text per batch: the syntax trees of YAML take 20–40 times its text (kyverno/policies: 1 MB batches peak 90 MB higher than 256 KB). */
export const BATCH_BYTES = 256 * 1024;

/**
 * The files in batches of about `bytes` of text, in file order. A directory stays in one batch, and so
 * does a whole chart (its Chart.yaml, values and templates): rules read those together.
 */
export function fileBatches(workspace: Workspace, charts: ReadonlySet<string>, bytes = BATCH_BYTES): SourceFile[][] {
  const grouped = workspace.files.map((file) => ({ file, group: groupOf(file.path, charts) }))
    .sort((a, b) => compareText(a.group, b.group));
  const batches: SourceFile[][] = [];
  let current: SourceFile[] = [];
  let size = 0;
  let group: string | undefined;
  for (const { file, group: fileGroup } of grouped) {
    if (fileGroup !== group && size >= bytes) {
      batches.push(current);
      current = [];
      size = 0;
    }
    group = fileGroup;
    current.push(file);
    size += file.text.length;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** The outermost chart directory holding the file, else its directory. */
function groupOf(path: string, charts: ReadonlySet<string>): string {
  for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) {
    if (charts.has(path.slice(0, slash))) return path.slice(0, slash);
  }
  if (charts.has('')) return '';
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Runs `fileRules` over each batch (`checkBatch`), then hands the documents the repository rules read
 * to `workspace`, where `repositoryRules` run once. Returns the diagnostics the batches recorded.
 */
export async function checkInBatches(
  workspace: Workspace,
  rules: readonly Rule[],
  check: (target: Workspace, rules: readonly Rule[]) => Promise<void>,
  bytes = BATCH_BYTES,
): Promise<Diagnostic[]> {
  const repositoryRules = rules.filter((rule) => REPOSITORY_RULES.has(rule.id));
  const fileRules = rules.filter((rule) => !REPOSITORY_RULES.has(rule.id));
  const triggers = wholeTreeTriggers();
  const keepAll = repositoryRules.some((rule) => triggers.get(rule.id)?.(workspace) === true);
  const diagnostics: Diagnostic[] = [];
  const objectPaths = new Set<string>();
  for (const files of fileBatches(workspace, workspace.chartDirectories(), bytes)) {
    const batch = workspace.subset(files);
    await check(batch, fileRules);
    if (repositoryRules.length > 0) {
      for (const file of batch.manifestFiles()) {
        const parsed = batch.parsedYaml(file);
        const krmFunctions = KRM_FUNCTION.test(file.text);
        if (keepAll) workspace.adoptYaml(file, parsed, parsed.documents);
        else workspace.adoptYamlLater(file, parsed, parsed.documents.filter((document) => keptForRepositoryRules(batch, document, krmFunctions)).map(parsing().documentPlace));
      }
      for (const path of batch.kubeObjectPaths()) objectPaths.add(path);
    }
    diagnostics.push(...batch.diagnostics);
  }
  if (repositoryRules.length > 0) {
    workspace.adoptKubeObjectPaths(objectPaths);
    await check(workspace, repositoryRules);
  }
  return diagnostics;
}
