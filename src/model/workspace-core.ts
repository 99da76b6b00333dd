import { append } from '../append.js';
import type { Diagnostic } from './diagnostic.js';
import type { ComposeEnv } from './extract/yaml-tool-images.js';
import { parseDotEnv } from './extract/compose-env.js';
import { chartDirectories, classifyFile, isChartFile, isJsonManifest, isKustomizationFile, isValuesFile, type FileKind } from './file-kinds.js';
import type { ImageOccurrence } from './image-occurrence.js';
import type { KubeObject } from './kubernetes.js';
import { SourceFile } from './source-file.js';
import type { ValuesReference } from './values-references.js';
import { templateLanguageOfName, templateMessage, templateSyntax, type TemplateSyntax } from './template-syntax.js';
import type { HclFile } from './terraform.js';
import type { ObjectYaml } from './object-yaml.js';
import type { DocumentPlace, Node, ParsedYaml, YamlDocument } from './yaml.js';
import type * as WorkspaceParsing from './workspace-parsing.js';

let loaded: typeof WorkspaceParsing | undefined;

/**
 * The YAML and HCL parsers and the image extractors the workspace's views are built with, kept out
 * of start-up: a scan that parses nothing (an empty tree, a secrets-only scan of files that hold no
 * YAML) never loads them. Importing `./workspace.js` provides them; `loadWorkspaceParsing` does so
 * for code that imports this module alone (`rampart scan`).
 */
export function provideWorkspaceParsing(parsing: typeof WorkspaceParsing): void {
  loaded = parsing;
}

export async function loadWorkspaceParsing(): Promise<void> {
  await import('./workspace.js');
}

/** The parsers and extractors; an error naming the cause if they were never loaded (a bug, not bad input). */
export function parsing(): typeof WorkspaceParsing {
  if (!loaded) throw new Error('internal error: the workspace\'s parsers were used before loadWorkspaceParsing()');
  return loaded;
}

export interface ChartInfo {
  readonly directory: string;
  readonly chart: YamlDocument;
  readonly lock?: YamlDocument;
  readonly appVersion?: string;
  /** top-level values keys that configure a dependency (its alias, else its name) */
  readonly subchartKeys: ReadonlySet<string>;
}

/**
 * The scanned tree as rules see it: text files and, parsed once on first use, YAML documents,
 * Kubernetes objects, Kustomizations, charts, Terraform and every image reference.
 * It is built from files in memory, so the CLI, tests and a future admission webhook share it.
 */
export class Workspace {
  readonly diagnostics: Diagnostic[] = [];
  private readonly byPath: Map<string, SourceFile>;
  private readonly charts: ReadonlySet<string>;
  private readonly memo = new Map<string, unknown>();

  constructor(
    /** absolute path of the scan root, or '' for files that only live in memory */
    readonly root: string,
    readonly files: readonly SourceFile[],
    /** every path of the tree, read or not, for rules that check presence (Chart.lock, CODEOWNERS) */
    readonly allPaths: ReadonlySet<string> = new Set(files.map((file) => file.path)),
    /**
     * where the scan root sits in its git repository: '' at the top, `clusters/prod` below it;
     * undefined outside git (or not known, as for files in memory)
     */
    readonly repositoryPath?: string,
    /** directories holding a Chart.yaml; computed from `allPaths` when not given */
    charts?: ReadonlySet<string>,
  ) {
    this.byPath = new Map(files.map((file) => [file.path, file]));
    this.charts = charts ?? chartDirectories(this.allPaths);
  }

  /** Directories holding a Chart.yaml. */
  chartDirectories(): ReadonlySet<string> {
    return this.charts;
  }

  /** Some of this workspace's files as a workspace of their own, for a scan that goes through the tree batch by batch: paths and charts stay the whole tree's. */
  subset(files: readonly SourceFile[]): Workspace {
    const batch = new Workspace(this.root, files, this.allPaths, this.repositoryPath, this.charts);
    batch.wholeTreePatchPaths = this.kustomizePatchPaths();
    batch.whole = this.whole;
    return batch;
  }

  private wholeTreePatchPaths: ReadonlySet<string> | undefined;

  /** Files a kustomization of the tree applies as patches (fragments of objects defined elsewhere), also known to a batch (`subset`). */
  kustomizePatchPaths(): ReadonlySet<string> {
    return this.wholeTreePatchPaths ?? this.once('kustomize-patches', () => (this.files.some((file) => isKustomizationFile(file.baseName)) ? parsing().kustomizePatchPaths(this.files) : new Set<string>()));
  }

  private whole: Workspace = this;

  /** The whole tree a batch was taken from (`subset`); the workspace itself otherwise. */
  get tree(): Workspace {
    return this.whole;
  }

  /**
   * The Kubernetes objects of one manifest file, for a fact of the whole tree that a few files hold
   * (picked by their text): a file this workspace has not parsed is parsed alone and not kept.
   */
  kubeObjectsOfFile(file: SourceFile): KubeObject[] {
    const parsed = this.partlyKept.has(file.path) ? undefined : this.parsedFiles.get(file.path);
    return (parsed ?? parsing().parseYamlFile(file)).documents.flatMap((document) => parsing().kubeObjectsOf(document));
  }

  static fromTexts(texts: Record<string, string>, root = ''): Workspace {
    return new Workspace(root, Object.entries(texts).map(([path, text]) => new SourceFile(path, text)));
  }

  /** One YAML file whose text and nodes were built together (`objectYaml`): it is not parsed again. */
  static fromObjectYaml(path: string, built: ObjectYaml): Workspace {
    const file = new SourceFile(path, built.text);
    const workspace = new Workspace('', [file]);
    workspace.parsedFiles.set(path, { documents: [{ file, index: 0, document: built.document, root: built.document.contents as Node | null }], diagnostics: [] });
    return workspace;
  }


  file(path: string): SourceFile | undefined {
    return this.byPath.get(path);
  }

  has(path: string): boolean {
    return this.allPaths.has(path);
  }

  private readonly kinds = new Map<string, FileKind>();

  kindOf(file: SourceFile): FileKind {
    let kind = this.kinds.get(file.path);
    if (kind === undefined) {
      kind = classifyFile(file.path, this.charts);
      this.kinds.set(file.path, kind);
    }
    return kind;
  }

  filesOfKind(kind: FileKind): SourceFile[] {
    return this.files.filter((file) => this.kindOf(file) === kind);
  }

  /** Files read as YAML: YAML files that are not chart templates, and JSON manifests (JSON is YAML). */
  manifestFiles(): SourceFile[] {
    return this.once('manifest-files', () => [
      ...this.filesOfKind('yaml'),
      ...this.files.filter((file) => this.kindOf(file) === 'other' && isJsonManifest(file.path, file.text, this.charts)),
    ]);
  }

  /** Every YAML document of every manifest file. */
  yamlDocuments(): YamlDocument[] {
    return this.once('yaml', () => {
      const documents: YamlDocument[] = [];
      for (const file of this.manifestFiles()) {
        const parsed = this.parsedYaml(file);
        append(documents, parsed.documents);
        const syntax = parsed.diagnostics.length > 0 ? failedTemplate(file, parsed.diagnostics[0]?.line) : undefined;
        if (syntax) {
          this.diagnostics.push({ path: file.path, message: templateMessage(syntax), kind: 'skipped' });
          this.templatedYaml.push(file);
        } else {
          append(this.diagnostics, parsed.diagnostics);
        }
      }
      return documents;
    });
  }

  private readonly parsedFiles = new Map<string, ParsedYaml>();

  /**
   * One file's YAML, parsed once however many views ask (a secrets-only scan parses just the files
   * that declare a Secret; an every-layer scan parses those files once, not twice). Diagnostics
   * are recorded by `yamlDocuments`.
   */
  parsedYaml(file: SourceFile): ParsedYaml {
    let parsed = this.parsedFiles.get(file.path);
    if (!parsed) {
      const later = this.adoptedLater.get(file.path);
      parsed = later ? { documents: parsing().parseYamlDocumentsAt(file, later.kept), diagnostics: later.diagnostics } : parsing().parseYamlFile(file);
      this.adoptedLater.delete(file.path);
      this.parsedFiles.set(file.path, parsed);
    }
    return parsed;
  }

  private readonly adoptedLater = new Map<string, { kept: readonly DocumentPlace[]; diagnostics: Diagnostic[] }>();

  /**
   * Files whose YAML a batch parsed (`subset`), of which only the documents at `kept` are
   * read here: they are parsed again from their own text when first read, so that the batch's syntax
   * trees are let go and do not wait, all of them at once, for the rules that read them at the end.
   */
  adoptYamlLater(file: SourceFile, parsed: ParsedYaml, kept: readonly DocumentPlace[]): void {
    this.adoptedLater.set(file.path, { kept, diagnostics: parsed.diagnostics });
    if (kept.length !== parsed.documents.length) this.partlyKept.add(file.path);
  }

  /** YAML files that did not parse because they are templates; read like chart templates. */
  private readonly templatedYaml: SourceFile[] = [];

  /** Manifest files written in a template language (Go, Jinja, FreeMarker, ERB…), read as text. */
  templatedManifests(): readonly SourceFile[] {
    this.yamlDocuments(); // parsing is what tells templates apart
    return this.templatedYaml;
  }

  kubeObjects(): KubeObject[] {
    return this.once('kube', () => [...this.objectsByDocument().values()].flat());
  }

  /** The Kubernetes objects of one of this workspace's YAML documents. */
  kubeObjectsIn(document: YamlDocument): readonly KubeObject[] {
    return this.objectsByDocument().get(document) ?? parsing().kubeObjectsOf(document);
  }

  private knownObjectPaths: ReadonlySet<string> | undefined;

  /** Paths of the files that declare Kubernetes objects (of a Kubernetes API group: not another tool's YAML with apiVersion and kind). */
  kubeObjectPaths(): ReadonlySet<string> {
    return this.knownObjectPaths ?? this.once('kube-paths', () => new Set(this.kubeObjects().filter(parsing().isKubernetesApiVersion).map((object) => object.source.file.path)));
  }

  /**
   * Files whose YAML another workspace parsed (`subset`), keeping only `kept` of their documents: the
   * rest are let go. `yamlDocuments` and the views built on it see the kept ones; `yamlDocumentsOf` and
   * `yamlDocumentsIn` parse a file again when they need the documents that were let go.
   */
  adoptYaml(file: SourceFile, parsed: ParsedYaml, kept: YamlDocument[]): void {
    const whole = kept.length === parsed.documents.length;
    this.parsedFiles.set(file.path, whole ? parsed : { documents: kept, diagnostics: parsed.diagnostics });
    if (!whole) this.partlyKept.add(file.path);
  }

  /** What `kubeObjectPaths` answers once the documents of some files have been let go (`adoptYaml`). */
  adoptKubeObjectPaths(paths: ReadonlySet<string>): void {
    this.knownObjectPaths = paths;
  }

  private readonly partlyKept = new Set<string>();
  private readonly reparsed = new Map<string, readonly YamlDocument[]>();

  /** Every document of a manifest file, parsed again when `adoptYaml` kept only some. */
  private wholeDocuments(file: SourceFile): readonly YamlDocument[] {
    if (!this.partlyKept.has(file.path)) return this.parsedYaml(file).documents;
    let documents = this.reparsed.get(file.path);
    if (!documents) {
      documents = parsing().parseYamlFile(file).documents;
      this.reparsed.set(file.path, documents);
    }
    return documents;
  }

  /** The Kubernetes objects of each YAML document, built once for every view that needs them. */
  private objectsByDocument(): Map<YamlDocument, KubeObject[]> {
    return this.once('kube-by-document', () => new Map(this.yamlDocuments().map((document) => [document, parsing().kubeObjectsOf(document)])));
  }

  /** The YAML documents of one manifest file, in order; none when it is not one. */
  yamlDocumentsOf(path: string): readonly YamlDocument[] {
    const file = this.partlyKept.has(path) ? this.byPath.get(path) : undefined;
    if (file) return this.wholeDocuments(file);
    return this.documentIndex().byPath.get(path) ?? [];
  }

  /** The YAML documents of the manifest files directly in `directory` ('' for the root), in file order. */
  yamlDocumentsIn(directory: string): readonly YamlDocument[] {
    if (this.partlyKept.size > 0) {
      const files = this.manifestFilesIn().get(directory) ?? [];
      if (files.some((file) => this.partlyKept.has(file.path))) return files.flatMap((file) => this.wholeDocuments(file));
    }
    return this.documentIndex().byDirectory.get(directory) ?? [];
  }

  private manifestFilesIn(): Map<string, SourceFile[]> {
    return this.once('manifest-files-by-directory', () => {
      const byDirectory = new Map<string, SourceFile[]>();
      for (const file of this.manifestFiles()) appendTo(byDirectory, file.directory, file);
      return byDirectory;
    });
  }

  /** Built once, so that rules following references look documents up instead of scanning them all. */
  private documentIndex(): { byPath: Map<string, YamlDocument[]>; byDirectory: Map<string, YamlDocument[]> } {
    return this.once('document-index', () => {
      const byPath = new Map<string, YamlDocument[]>();
      const byDirectory = new Map<string, YamlDocument[]>();
      for (const document of this.yamlDocuments()) {
        appendTo(byPath, document.file.path, document);
        appendTo(byDirectory, document.file.directory, document);
      }
      return { byPath, byDirectory };
    });
  }

  /** kustomization.yaml / Kustomization files (the first document of each). */
  kustomizations(): YamlDocument[] {
    return this.once('kustomize', () =>
      this.yamlDocuments().filter((document) => document.index === 0 && isKustomizationFile(document.file.baseName)));
  }

  helmCharts(): ChartInfo[] {
    return this.once('charts', () => {
      const yaml = parsing();
      const charts: ChartInfo[] = [];
      for (const document of this.yamlDocuments()) {
        if (document.index !== 0 || !isChartFile(document.file.baseName)) continue;
        const directory = document.file.directory;
        const lockPath = directory === '' ? 'Chart.lock' : `${directory}/Chart.lock`;
        const lock = this.yamlDocumentsOf(lockPath).find((candidate) => candidate.index === 0);
        const appVersion = yaml.getString(document.root, 'appVersion');
        const subchartKeys = new Set<string>();
        for (const dependency of yaml.seqItems(yaml.getNode(document.root, 'dependencies'))) {
          const key = yaml.getString(dependency, 'alias') ?? yaml.getString(dependency, 'name');
          if (key) subchartKeys.add(key);
        }
        charts.push({ directory, chart: document, subchartKeys, ...(lock ? { lock } : {}), ...(appVersion ? { appVersion } : {}) });
      }
      return charts;
    });
  }

  terraformFiles(): HclFile[] {
    return this.once('terraform', () => this.filesOfKind('terraform').map((file) => {
      const hcl = parsing().parseHcl(file);
      append(this.diagnostics, hcl.diagnostics);
      return hcl;
    }));
  }

  /** The `.env` of a Compose project directory, which Compose reads to interpolate its files. */
  private composeEnv(directory: string): ComposeEnv | undefined {
    const file = this.file(directory === '' ? '.env' : `${directory}/.env`);
    if (!file) return undefined;
    const cache = this.once('compose-env', () => new Map<string, ComposeEnv>());
    let env = cache.get(file.path);
    if (!env) {
      env = { file, variables: parseDotEnv(file) };
      cache.set(file.path, env);
    }
    return env;
  }

  /**
   * Files of the tree that a tool hands to Helm as values by name (Argo CD `helm.valueFiles`, Flux
   * `valuesFiles`, a generator's `values.yaml=` entry, Helmfile release values), by path.
   */
  valuesReferences(): ReadonlyMap<string, ValuesReference> {
    return this.tree.derived('values-references', () =>
      new Map(parsing().valuesReferences(this.tree.manifestFiles(), (file) => this.tree.kubeObjectsOfFile(file)).map((reference) => [reference.path, reference])));
  }

  /** Whether a document is Helm values: a `values*.yaml` file, or a file used as values by name. */
  isHelmValuesDocument(document: YamlDocument): boolean {
    return isValuesFile(document.file.baseName) || this.valuesReferences().has(document.file.path);
  }

  /** Every image reference in the tree, in file order, each once. */
  images(): ImageOccurrence[] {
    return this.once('images', () => {
      const extract = parsing();
      const found: ImageOccurrence[] = [];
      const charts = new Map(this.helmCharts().map((chart) => [chart.directory, chart]));
      for (const [document, objects] of this.objectsByDocument()) {
        const { file } = document;
        // a Pulumi operator Program's resources first: dedupe keeps the first reading of a span, and this one names the resource
        objects.forEach((object) => append(found, [...extract.pulumiProgramImages(object), ...extract.kubernetesImages(object)]));
        if (objects.length === 0 && extract.isPulumiYamlProgram(document)) append(found, extract.pulumiImages(document));
        if (isKustomizationFile(file.baseName)) append(found, extract.kustomizeImages(document));
        if (file.mentions('atch') || file.mentions('"op"') || file.mentions('op:')) append(found, extract.patchImages(document));
        if (extract.isComposeDocument(document)) append(found, extract.composeImages(document, this.composeEnv(file.directory)));
        if (extract.isWorkflowFile(file.path) || extract.isActionFile(file.path)) append(found, extract.workflowImages(document));
        if (extract.isGitlabCiFile(file.path)) append(found, extract.gitlabCiImages(document));
        if (extract.isCiPipelineFile(file.path)) append(found, extract.ciPipelineImages(document));
        if (extract.isArgoSourceOverrideFile(file.path)) append(found, extract.argoSourceOverrideImages(file, document.root));
        for (const block of extract.fleetHelmBlocks(document)) if (block.values) append(found, extract.helmValuesImages(file, block.values, `${block.where}.values`));
        if (objects.length === 0 && (file.mentions('machine:') || file.mentions('cluster:'))) append(found, extract.talosImages(document));
        if (objects.length === 0 && file.mentions('releases:')) append(found, extract.helmfileImages(document));
        if (objects.length === 0 && document.root && this.isHelmValuesDocument(document)) {
          const chart = charts.get(file.directory);
          const reference = isValuesFile(file.baseName) ? undefined : this.valuesReferences().get(file.path);
          const label = reference ? `${file.baseName} (values of ${reference.by})` : file.baseName;
          append(found, extract.helmValuesImages(file, document.root, label, chart?.appVersion, chart ? { subchartKeys: chart.subchartKeys } : {}));
        }
      }
      for (const file of this.filesOfKind('helm-template')) append(found, extract.templateImages(file));
      for (const file of this.templatedYaml) append(found, extract.templateImages(file, 'template'));
      for (const file of this.filesOfKind('dockerfile')) append(found, extract.dockerfileImages(file));
      for (const hcl of this.terraformFiles()) append(found, extract.terraformImages(hcl));
      const built = this.tree.derived('built-images', () => extract.builtImageNames(this.tree.files));
      const placeholders = new Set(found.filter((image) => isBuiltPlaceholder(image, built) || isInjectedPlaceholder(image)));
      return dedupe(placeholders.size === 0 ? found : found.filter((image) => !placeholders.has(image)));
    });
  }

  /**
   * A view of the workspace that rules compute once and share, kept by the workspace itself. A
   * module-level WeakMap keyed by the workspace would do the same for a scan, but V8 clears weak
   * map entries only in full collections: every object the admission webhook judges would survive
   * the young-generation collections and be promoted, and the full collections that follow are the
   * pauses of the webhook's slowest requests.
   */
  derived<T>(key: string, compute: () => T): T {
    return remembered(this.derivedViews, key, compute);
  }

  private readonly derivedViews = new Map<string, unknown>();

  private once<T>(key: string, compute: () => T): T {
    return remembered(this.memo, key, compute);
  }
}

/** The value remembered under `key`, computed on first use (one lookup when it is there: views are asked for once per object or document). */
function remembered<T>(memo: Map<string, unknown>, key: string, compute: () => T): T {
  let value = memo.get(key);
  if (value === undefined && !memo.has(key)) {
    value = compute();
    memo.set(key, value);
  }
  return value as T;
}

function appendTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** `image: adservice` in a manifest that Skaffold or Tilt deploys: the tool writes the image it built there. */
function isBuiltPlaceholder(image: ImageOccurrence, built: ReadonlySet<string>): boolean {
  if (image.source !== 'kubernetes' && image.source !== 'helm-template') return false;
  if (!image.parsed.ok || image.tagImplicit) return false;
  const { tag, digest, name } = image.parsed.reference;
  return tag === undefined && digest === undefined && built.has(name);
}

/**
 * `image: auto` in a pod Istio injects (`inject.istio.io/templates: gateway`, `sidecar.istio.io/inject`, or
 * its `istio-proxy` container, when a chart's helper writes the annotation): the injection webhook writes
 * the proxy image there, as Istio's gateway installs document.
 */
const ISTIO_INJECTION = /inject\.istio\.io\/templates|sidecar\.istio\.io\/inject|name:[ \t]*["']?istio-proxy\b/;

function isInjectedPlaceholder(image: ImageOccurrence): boolean {
  return image.text === 'auto' && ISTIO_INJECTION.test(image.file.text);
}

function dedupe(occurrences: ImageOccurrence[]): ImageOccurrence[] {
  const seen = new Set<string>();
  return occurrences
    .filter((occurrence) => {
      const key = `${occurrence.file.path}\0${occurrence.span.start}${occurrence.sharedSpan ? `\0${occurrence.text}` : ''}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => (a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : a.span.start - b.span.start));
}

/**
 * What a file that does not parse is written in, if a template: by its syntax; by its name
 * (`x.yaml.j2`: the name's language wins over `{{ }}`, which Jinja writes too); or a `${VAR}` on
 * the line the parser stopped at (Flux post-build substitution and envsubst replace it before
 * anything parses the file: `targets: [vault.${DOMAIN}:8200]`).
 */
function failedTemplate(file: SourceFile, line: number | undefined): TemplateSyntax | undefined {
  const bySyntax = templateSyntax(file.text);
  const named = templateLanguageOfName(file.path);
  if (bySyntax) return named && bySyntax.language === 'Go' ? { ...bySyntax, language: named } : bySyntax;
  if (named) return { language: named, line: line ?? 1 };
  if (line !== undefined && /\$\{[A-Za-z_][A-Za-z0-9_]*(?::?[-=+?][^}]*)?\}/.test(file.lineText(line))) return { language: 'placeholder', line };
  return undefined;
}
