import { isDockerfile } from './extract/dockerfile-images.js';

export type FileKind = 'yaml' | 'helm-template' | 'dockerfile' | 'terraform' | 'other';

const YAML = /\.ya?ml$/i;
/**
 * A YAML file kept as a template that a tool renders before it is applied (Ansible and makejinja's
 * `helmrelease.yaml.j2`, `config.yaml.tmpl`): the rendered file is what the cluster gets. Those that
 * parse are read as YAML under the name they render to; the others as templates (their literal lines).
 */
const TEMPLATE_OF_YAML = /(\.ya?ml)\.(?:j2|jinja2?|tmpl|tpl)$/i;

/** `helmrelease.yaml.j2` → `helmrelease.yaml`; other names as they are. */
export function renderedName(baseName: string): string {
  return baseName.replace(TEMPLATE_OF_YAML, '$1');
}
const KUSTOMIZATION = /^(kustomization\.ya?ml|Kustomization)$/;
const VALUES = /(^|[._-])values([._-][\w.-]*)?\.ya?ml$/i;

export function isKustomizationFile(baseName: string): boolean {
  return KUSTOMIZATION.test(baseName);
}

export function isValuesFile(baseName: string): boolean {
  return VALUES.test(baseName);
}

export function isChartFile(baseName: string): boolean {
  return baseName === 'Chart.yaml' || baseName === 'Chart.yml';
}

/** Directories holding a Chart.yaml: their `templates/` are Go templates, not YAML. */
export function chartDirectories(paths: Iterable<string>): Set<string> {
  const directories = new Set<string>();
  for (const path of paths) {
    const slash = path.lastIndexOf('/');
    if (isChartFile(path.slice(slash + 1))) directories.add(slash === -1 ? '' : path.slice(0, slash));
  }
  return directories;
}

export function classifyFile(path: string, charts: ReadonlySet<string>): FileKind {
  const base = renderedName(path.slice(path.lastIndexOf('/') + 1));
  if (isInChartTemplates(path, charts)) return /\.(ya?ml|tpl|txt)$/i.test(base) ? 'helm-template' : 'other';
  if (YAML.test(base) || base === 'Kustomization' || base === 'Kptfile' || base === 'Chart.lock' || base === 'requirements.lock') return 'yaml';
  if (isDockerfile(base)) return 'dockerfile';
  if (/\.tf$/i.test(base)) return 'terraform';
  return 'other';
}

/**
 * JSON files written as Kubernetes manifests: `kubectl apply -f x.json` takes them, and so do Argo CD
 * directory apps and Flux. Other JSON (package.json, dashboards, renovate.json) is left alone.
 */
export function isJsonManifest(path: string, text: string, charts: ReadonlySet<string>): boolean {
  if (!/\.json$/i.test(path) || isInChartTemplates(path, charts)) return false;
  return (/"apiVersion"\s*:/.test(text) && /"kind"\s*:/.test(text)) || isJsonPatchText(text);
}

/** A JSON 6902 patch file (a kustomization's `patches: - path: x.json`): a list of `{"op": …, "path": "/…"}`. */
function isJsonPatchText(text: string): boolean {
  return /^\s*\[\s*\{/.test(text) && /"op"\s*:/.test(text) && /"path"\s*:\s*"\//.test(text);
}

function isInChartTemplates(path: string, charts: ReadonlySet<string>): boolean {
  const parts = path.split('/');
  for (let index = parts.length - 2; index >= 0; index -= 1) {
    if (parts[index] === 'templates' && charts.has(parts.slice(0, index).join('/'))) return true;
  }
  return false;
}
