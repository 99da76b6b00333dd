import { isMap, isScalar, type Node } from 'yaml';
import { imageOccurrence, type ImageOccurrence, type ImageSourceKind } from '../image-occurrence.js';
import { isValuesFile } from '../file-kinds.js';
import type { SourceFile } from '../source-file.js';
import { interpolate, type EnvValue } from './compose-env.js';
import { getNode, innerSpanOf, mapEntries, seqItems, stringValue, type YamlDocument } from '../yaml.js';

export function isComposeFile(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return /^(docker-)?compose([.-][\w.-]+)?\.ya?ml$/i.test(base);
}

/** Keys a Compose file may hold at its top level (`x-` extensions aside). */
const COMPOSE_TOP_LEVEL = new Set(['version', 'name', 'services', 'networks', 'volumes', 'configs', 'secrets', 'include', 'models']);

/**
 * A Compose file by name (`docker-compose.yml`, `compose.prod.yaml`), or by shape under any other
 * name (`minio.yaml` that a Taskfile runs with `docker compose -f`, a Swarm `stack.yml`): only Compose
 * keys at the top, and `services` a map of service maps, one of them at least with an `image` or a `build`.
 */
export function isComposeDocument(document: YamlDocument): boolean {
  if (isComposeFile(document.file.path)) return true;
  const root = document.root;
  if (!isMap(root) || isValuesFile(document.file.baseName) || isCiPipelineFile(document.file.path) || isGitlabCiFile(document.file.path)) return false;
  const keys = mapEntries(root).map(({ key }) => key);
  if (!keys.includes('services') || !keys.every((key) => COMPOSE_TOP_LEVEL.has(key) || key.startsWith('x-'))) return false;
  const services = getNode(root, 'services');
  if (!isMap(services)) return false;
  const entries = mapEntries(services);
  return entries.length > 0 && entries.every(({ value }) => isMap(value))
    && entries.some(({ value }) => isScalar(getNode(value, 'image')) || getNode(value, 'build') !== undefined);
}

export function isWorkflowFile(path: string): boolean {
  return /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/i.test(path);
}

export function isActionFile(path: string): boolean {
  return /(^|\/)action\.ya?ml$/i.test(path);
}

/** `.gitlab-ci.yml`, and the files pipelines include by convention: `*.gitlab-ci.yml`, `.gitlab/ci/**`. */
export function isGitlabCiFile(path: string): boolean {
  return /(^|\/|\.)gitlab-ci\.ya?ml$/i.test(path) || /(^|\/)\.gitlab\/ci\/.+\.ya?ml$/i.test(path);
}

/** Woodpecker (`.woodpecker.yml`, `.woodpecker/*.yml`) and Drone (`.drone.yml`) pipelines. */
export function isCiPipelineFile(path: string): boolean {
  return /(^|\/)\.(woodpecker|drone)\.ya?ml$/i.test(path) || /(^|\/)\.woodpecker\/[^/]+\.ya?ml$/i.test(path);
}

/**
 * Woodpecker and Drone: `steps`, `services` (and Woodpecker's older `pipeline`) as a list of
 * `{name, image}` or a map of name → `{image}`, and `clone` steps; every one is a container the CI runs.
 */
export function ciPipelineImages(document: YamlDocument): ImageOccurrence[] {
  const found: ImageOccurrence[] = [];
  for (const section of ['steps', 'services', 'pipeline', 'clone']) {
    const node = getNode(document.root, section);
    const steps = isMap(node)
      ? mapEntries(node).map(({ key, value }) => ({ name: key, step: value }))
      : seqItems(node).map((step) => ({ name: stringValue(getNode(step, 'name')) ?? '(unnamed)', step }));
    for (const { name, step } of steps) push(found, scalarImage(document.file, getNode(step, 'image'), 'workflow', `${section} ${name}`));
  }
  return found;
}

/** Argo CD parameter overrides written back to Git by Argo CD Image Updater: `.argocd-source.yaml`, `.argocd-source-<app>.yaml`. */
export function isArgoSourceOverrideFile(path: string): boolean {
  return /(^|\/)\.argocd-source(-[^/]+)?\.ya?ml$/.test(path);
}

/** Top-level keys of a GitLab pipeline that are not jobs. */
const GITLAB_GLOBAL_KEYS = new Set(['stages', 'variables', 'include', 'workflow', 'default', 'spec', 'image', 'services', 'cache', 'before_script', 'after_script']);

/**
 * GitLab CI: `image:` and `services:` (each a string or `{name: …}`), at the top level, under
 * `default:` and in every job, hidden `.template` jobs included (others `extends:` them).
 */
export function gitlabCiImages(document: YamlDocument): ImageOccurrence[] {
  const found: ImageOccurrence[] = [];
  const file = document.file;
  const fromBlock = (block: Node | undefined, where: string): void => {
    const image = getNode(block, 'image');
    push(found, scalarImage(file, isMap(image) ? getNode(image, 'name') : image, 'workflow', `${where} image`));
    for (const service of seqItems(getNode(block, 'services'))) {
      push(found, scalarImage(file, isMap(service) ? getNode(service, 'name') : service, 'workflow', `${where} service`));
    }
  };
  fromBlock(document.root ?? undefined, 'pipeline');
  fromBlock(getNode(document.root, 'default'), 'default');
  for (const { key, value } of mapEntries(document.root)) {
    if (!GITLAB_GLOBAL_KEYS.has(key) && isMap(value)) fromBlock(value, `job ${key}`);
  }
  return found;
}

/** A Compose project's `.env` file (beside the compose file), read for interpolation. */
export interface ComposeEnv {
  readonly file: SourceFile;
  readonly variables: ReadonlyMap<string, EnvValue>;
}

/**
 * docker-compose `services.<name>.image`. A service with `build:` names the image Compose builds
 * and tags there, unless its `pull_policy` asks for the registry's copy first. Variables are
 * interpolated as Compose does, from the project's `.env` and the defaults written inline
 * (`${TAG:-1.4.2}`); one a shell must set is left alone.
 */
export function composeImages(document: YamlDocument, env?: ComposeEnv): ImageOccurrence[] {
  const found: ImageOccurrence[] = [];
  for (const { key, value } of mapEntries(getNode(document.root, 'services'))) {
    if (getNode(value, 'build') !== undefined && !pullsFirst(stringValue(getNode(value, 'pull_policy')))) continue;
    push(found, composeImage(document.file, getNode(value, 'image'), `service ${key}`, env));
  }
  return found;
}

function composeImage(file: SourceFile, node: Node | undefined, context: string, env: ComposeEnv | undefined): ImageOccurrence | undefined {
  const written = scalarImage(file, node, 'compose', context);
  if (written || !isScalar(node) || typeof node.value !== 'string' || !node.value.includes('$')) return written;
  const span = innerSpanOf(file, node);
  const resolved = interpolate(node.value, env?.variables ?? new Map());
  if (!span || !resolved) return undefined;
  const names = [...new Set(resolved.names)].join(', ');
  if (resolved.wholeFrom && env) {
    // the whole reference is a value of .env: found, and pinned, there
    const at = resolved.wholeFrom.value.span;
    return imageOccurrence({ file: env.file, source: 'compose', text: resolved.text, span: at, context: `${context} (${resolved.wholeFrom.name} in ${file.path})`, pin: { kind: 'text', span: at } });
  }
  const from = env ? `${env.file.path} and defaults` : 'defaults';
  return imageOccurrence({ file, source: 'compose', text: resolved.text, span, context: `${context} (${names} from ${from})`, pin: { kind: 'none', reason: 'the reference is assembled from Compose variables: pin it where they are set' } });
}

/** `pull_policy` values that fetch the image from its registry even when the service can be built */
function pullsFirst(policy: string | undefined): boolean {
  return policy !== undefined && /^(?:always|missing|if_not_present|daily|weekly|every_\w+)$/.test(policy);
}

/**
 * GitHub Actions: job `container:` (string or `image:`), `services.<name>.image`, steps
 * `uses: docker://…`, and in action metadata `runs.image: docker://…`.
 */
export function workflowImages(document: YamlDocument): ImageOccurrence[] {
  const found: ImageOccurrence[] = [];
  const file = document.file;
  for (const { key: jobName, value: job } of mapEntries(getNode(document.root, 'jobs'))) {
    const container = getNode(job, 'container');
    push(found, scalarImage(file, isMap(container) ? getNode(container, 'image') : container, 'workflow', `job ${jobName} container`));
    for (const { key: serviceName, value: service } of mapEntries(getNode(job, 'services'))) {
      push(found, scalarImage(file, isMap(service) ? getNode(service, 'image') : service, 'workflow', `job ${jobName} service ${serviceName}`));
    }
    for (const step of seqItems(getNode(job, 'steps'))) push(found, dockerUses(file, getNode(step, 'uses'), `job ${jobName} step`));
  }
  const runs = getNode(document.root, 'runs');
  push(found, dockerUses(file, getNode(runs, 'image'), 'action runs.image'));
  for (const step of seqItems(getNode(runs, 'steps'))) push(found, dockerUses(file, getNode(step, 'uses'), 'action step'));
  return found;
}

function push(found: ImageOccurrence[], occurrence: ImageOccurrence | undefined): void {
  if (occurrence) found.push(occurrence);
}

/** A reference written whole as one scalar: found there, pinned there. */
export function scalarImage(file: SourceFile, node: Node | undefined, source: ImageSourceKind, context: string): ImageOccurrence | undefined {
  if (!isScalar(node) || typeof node.value !== 'string') return undefined;
  const span = innerSpanOf(file, node);
  const text = stringValue(node);
  if (!span || text === undefined) return undefined;
  return imageOccurrence({ file, source, text, span, context, pin: { kind: 'text', span } });
}

function dockerUses(file: SourceFile, node: Node | undefined, context: string): ImageOccurrence | undefined {
  if (!isScalar(node) || typeof node.value !== 'string' || !node.value.startsWith('docker://')) return undefined;
  const inner = innerSpanOf(file, node);
  if (!inner) return undefined;
  const span = { ...inner, start: inner.start + 'docker://'.length };
  const text = node.value.slice('docker://'.length);
  return imageOccurrence({ file, source: 'workflow', text, span, context: `${context} uses docker://`, pin: { kind: 'text', span } });
}
