import path from 'node:path';
import { isMap, isScalar } from 'yaml';
import { isKustomizationFile } from './file-kinds.js';
import { apiGroup, type KubeObject } from './kubernetes.js';
import type { SourceFile } from './source-file.js';
import { parseYamlFile } from './yaml.js';
import { getNode, getPath, seqItems, stringValue } from './yaml.js';

/** A file a tool hands to Helm as values, whatever it is called. */
export interface ValuesReference {
  readonly path: string;
  /** who reads it as values, for messages: `Application/web helm.valueFiles` */
  readonly by: string;
}

/** Words whose presence in a file's text can make it name a values file: everything else is skipped unparsed. */
const MENTIONS = /valueFiles|valuesFiles|configMapGenerator|secretGenerator|releases:/;
/** The fields of Argo CD Applications and Flux HelmReleases that name values files. */
const VALUES_FILE_FIELDS = /valueFiles|valuesFiles/;
const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/m;
const DEFINITION_KIND = /^kind[ \t]*:[ \t]*(["']?)CustomResourceDefinition\1[ \t]*(?:#.*)?$/m;

/**
 * Whether a document of the text that is not a CustomResourceDefinition names a values files field:
 * Argo CD's Application CRD (416 KB) names `valueFiles` in its schema, and reading its objects meant
 * parsing it a second time. A `kind:` at the start of a line is the document's own.
 */
function namesValuesFiles(text: string): boolean {
  if (!VALUES_FILE_FIELDS.test(text)) return false;
  if (!text.includes('CustomResourceDefinition')) return true;
  return text.split(DOCUMENT_MARKER).some((document) => VALUES_FILE_FIELDS.test(document) && !DEFINITION_KIND.test(document));
}

/**
 * Files of the tree used as Helm values by name, not by being called `values*.yaml`:
 * - Argo CD `helm.valueFiles` (relative to the source's `path`; `$ref/…` relative to the root of the
 *   source named `ref`), when that file is in this tree;
 * - Flux `HelmRelease` `chart.spec.valuesFiles` (relative to the root of the chart's source);
 * - a kustomization's `configMapGenerator`/`secretGenerator` `files` entry stored under a values key
 *   (`values.yaml=./helm-config.yaml`, what a HelmRelease's `valuesFrom` reads);
 * - Helmfile releases' `values:` file names (relative to the helmfile).
 * Only paths that exist in the tree count: a value file of another repository is not ours to read.
 */
export function valuesReferences(files: readonly SourceFile[], objectsOf: (file: SourceFile) => readonly KubeObject[]): ValuesReference[] {
  const present = new Set(files.map((file) => file.path));
  const found: ValuesReference[] = [];
  const add = (candidate: string, by: string): void => {
    const normal = path.posix.normalize(candidate).replace(/^\.\//, '');
    if (!normal.startsWith('../') && present.has(normal)) found.push({ path: normal, by });
  };
  for (const file of files) {
    if (!MENTIONS.test(file.text)) continue;
    for (const object of namesValuesFiles(file.text) ? objectsOf(file) : []) {
      const label = `${object.kind}/${object.name ?? '(unnamed)'}`;
      if ((object.kind === 'Application' || object.kind === 'ApplicationSet') && apiGroup(object) === 'argoproj.io') {
        const spec = object.kind === 'ApplicationSet' ? getPath(object.node, 'spec', 'template', 'spec') : getNode(object.node, 'spec');
        const sources = [getNode(spec, 'source'), ...seqItems(getNode(spec, 'sources'))];
        const refs = new Map<string, string>();
        for (const source of sources) {
          const ref = stringValue(getNode(source, 'ref'));
          if (ref) refs.set(ref, '');
        }
        for (const source of sources) {
          const base = stringValue(getNode(source, 'path')) ?? '';
          for (const item of seqItems(getPath(source, 'helm', 'valueFiles'))) {
            const value = stringValue(item)?.trim();
            if (!value || value.includes('{{')) continue;
            const ref = /^\$([\w-]+)\/(.*)$/.exec(value);
            if (ref) {
              if (refs.has(ref[1]!)) add(ref[2]!, `${label} helm.valueFiles`);
            } else {
              add(value.startsWith('/') ? value.slice(1) : path.posix.join(base, value), `${label} helm.valueFiles`);
            }
          }
        }
      }
      if (object.kind === 'HelmRelease' && apiGroup(object) === 'helm.toolkit.fluxcd.io') {
        for (const item of seqItems(getPath(object.node, 'spec', 'chart', 'spec', 'valuesFiles'))) {
          const value = stringValue(item)?.trim();
          if (value) add(value.replace(/^\//, ''), `${label} chart.spec.valuesFiles`);
        }
      }
    }
    if (isKustomizationFile(file.baseName) && /Generator/.test(file.text)) addGenerated(file, add);
    if (/releases:/.test(file.text) && /(^|\/)helmfile/.test(file.path)) addHelmfileValues(file, add);
  }
  return found;
}

/** `values.yaml=./helm-values.yaml` in a generator's `files`: the ConfigMap key a HelmRelease's valuesFrom reads. */
function addGenerated(file: SourceFile, add: (candidate: string, by: string) => void): void {
  for (const document of parseYamlFile(file).documents) {
    for (const generator of ['configMapGenerator', 'secretGenerator']) {
      for (const entry of seqItems(getNode(document.root, generator))) {
        const name = stringValue(getNode(entry, 'name')) ?? '(unnamed)';
        for (const item of seqItems(getNode(entry, 'files'))) {
          const value = stringValue(item)?.trim();
          const equals = value?.indexOf('=') ?? -1;
          if (!value || equals < 0) continue;
          const key = value.slice(0, equals);
          if (/^values[\w.-]*\.ya?ml$/i.test(key)) add(path.posix.join(file.directory, value.slice(equals + 1)), `${generator} ${name} ${key}`);
        }
      }
    }
  }
}

/** Helmfile releases' `values:` entries that are file names (inline maps are read with the helmfile). */
function addHelmfileValues(file: SourceFile, add: (candidate: string, by: string) => void): void {
  for (const document of parseYamlFile(file).documents) {
    for (const release of seqItems(getNode(document.root, 'releases'))) {
      if (!isMap(release)) continue;
      const name = stringValue(getNode(release, 'name')) ?? '(unnamed)';
      for (const item of seqItems(getNode(release, 'values'))) {
        const value = isScalar(item) ? stringValue(item)?.trim() : undefined;
        if (value && !value.includes('{{') && /\.ya?ml$/i.test(value)) add(path.posix.join(file.directory, value), `helmfile release ${name} values`);
      }
    }
  }
}
