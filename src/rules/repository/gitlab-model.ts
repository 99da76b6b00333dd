import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { isGitlabCiFile } from '../../model/extract/yaml-tool-images.js';
import type { Workspace } from '../../model/workspace.js';
import { mapEntries, seqItems, stringValue, type YamlDocument } from '../../model/yaml.js';
import { deref } from '../dependencies/support.js';
import { perWorkspace } from '../operators/memo.js';
import { field } from './workflow-model.js';
import { linearGlob } from '../../linear-regexp.js';

/** Top-level keys of a GitLab pipeline that are not jobs. */
const GLOBAL_KEYS = new Set(['stages', 'variables', 'include', 'workflow', 'default', 'spec', 'image', 'services', 'cache', 'before_script', 'after_script', 'pages']);

/** One line of a job's `script`, `before_script` or `after_script`, with its offset in the file. */
export interface ScriptLine {
  readonly path: string;
  readonly text: string;
  readonly start: number;
}

export interface GitlabJob {
  readonly document: YamlDocument;
  readonly name: string;
  readonly node: Node;
  readonly keyNode: Node | undefined;
  /** the job's own keys merged over the templates it `extends` (nearest wins) */
  get(key: string): Node | undefined;
  /** the same, with the file the value was found in */
  locate(key: string): { readonly document: YamlDocument; readonly node: Node } | undefined;
  /** the job's own `before_script`, `script`, `after_script` lines */
  readonly scripts: readonly ScriptLine[];
  /** what runs: each of the three from the job, else the template it extends, else `default:` */
  readonly effectiveScripts: readonly ScriptLine[];
}

/** `.gitlab-ci.yml` and friends, and every file they `include: local:` (wildcards too), read once per scan. */
export function gitlabPipelineDocuments(workspace: Workspace): YamlDocument[] {
  return perWorkspace(workspace, 'gitlab-pipeline-documents', () => {
    const documents = workspace.yamlDocuments().filter((document) => document.index === 0);
    const chosen = new Set(documents.filter((document) => isGitlabCiFile(document.file.path)));
    const queue = [...chosen];
    while (queue.length > 0) {
      const document = queue.pop()!;
      for (const local of localIncludes(document)) {
        const pattern = globToRegExp(local.replace(/^\/+/, ''));
        for (const candidate of documents) {
          if (chosen.has(candidate) || !pattern.test(candidate.file.path)) continue;
          chosen.add(candidate);
          queue.push(candidate);
        }
      }
    }
    return [...chosen];
  });
}

function localIncludes(document: YamlDocument): string[] {
  const include = deref(document, field(document, document.root, 'include'));
  const entries = isSeq(include) ? include.items.map((item) => deref(document, item)) : [include];
  return entries.flatMap((entry) => {
    const bare = stringValue(entry);
    if (bare !== undefined) return /^https?:/i.test(bare) ? [] : [bare];
    const local = stringValue(field(document, entry, 'local'));
    return local !== undefined ? [local] : [];
  });
}

/** A GitLab `local:` path pattern (`*` within a segment, `**` across) matched against paths of the scanned tree. */
function globToRegExp(glob: string): RegExp {
  const body = glob.split('**').map((part) => part.split('*').map((text) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')).join('.*');
  return linearGlob(`(^|/)${body}$`);
}

/** Jobs (hidden `.templates` included: their scripts run wherever they are extended) of every pipeline file. */
export function gitlabJobs(workspace: Workspace): GitlabJob[] {
  return perWorkspace(workspace, 'gitlab-jobs', () => {
    const documents = gitlabPipelineDocuments(workspace);
    const templates = new Map<string, { document: YamlDocument; node: Node }>();
    for (const document of documents) {
      for (const { key, value } of mapEntries(document.root)) {
        const node = deref(document, value);
        if (isMap(node) && !GLOBAL_KEYS.has(key)) templates.set(key, { document, node });
      }
    }
    const jobs: GitlabJob[] = [];
    for (const document of documents) {
      const globalScripts = ['before_script', 'after_script'].flatMap((key) => scriptLines(document, field(document, document.root, key)));
      const defaults = field(document, document.root, 'default');
      // looked up once per file, not once per job (a scan of the top level each: jobs squared)
      const rootScripts = new Map(['before_script', 'after_script'].map((name) => [name, rootScript(document, name)]));
      for (const { key, pair, value } of mapEntries(document.root)) {
        const node = deref(document, value);
        if (!isMap(node) || GLOBAL_KEYS.has(key)) continue;
        const chain = extendsChain(key, templates);
        const locate = (name: string): { document: YamlDocument; node: Node } | undefined => {
          for (const link of chain) {
            const found = field(link.document, link.node, name);
            if (found !== undefined) return { document: link.document, node: found };
          }
          const fallback = field(document, defaults, name);
          return fallback !== undefined ? { document, node: fallback } : undefined;
        };
        const get = (name: string): Node | undefined => locate(name)?.node;
        const own = ['before_script', 'script', 'after_script'].flatMap((name) => scriptLines(document, field(document, node, name)));
        const effective = ['before_script', 'script', 'after_script'].flatMap((name) => {
          const found = locate(name) ?? rootScripts.get(name);
          return found ? scriptLines(found.document, found.node) : [];
        });
        jobs.push({ document, name: key, node, keyNode: pair.key as Node | undefined, get, locate, scripts: own, effectiveScripts: effective });
      }
      const none = { get: () => undefined, locate: () => undefined, keyNode: undefined, effectiveScripts: [] };
      if (globalScripts.length > 0) jobs.push({ ...none, document, name: '(global before_script/after_script)', node: document.root as Node, scripts: globalScripts });
      const defaultScripts = ['before_script', 'after_script'].flatMap((key) => scriptLines(document, field(document, defaults, key)));
      if (defaultScripts.length > 0) jobs.push({ ...none, document, name: 'default', node: defaults!, scripts: defaultScripts });
    }
    return jobs;
  });
}

/** The deprecated top-level `before_script`/`after_script`, which every job without its own runs. */
function rootScript(document: YamlDocument, name: string): { document: YamlDocument; node: Node } | undefined {
  const node = field(document, document.root, name);
  return node !== undefined ? { document, node } : undefined;
}

/** GitLab follows `extends:` up to 11 levels and refuses a pipeline that goes deeper. */
const MAX_EXTENDS_DEPTH = 11;

function extendsChain(name: string, templates: ReadonlyMap<string, { document: YamlDocument; node: Node }>): Array<{ document: YamlDocument; node: Node }> {
  const chain: Array<{ document: YamlDocument; node: Node }> = [];
  const seen = new Set<string>();
  // depth first, later entries of `extends:` before earlier ones (they win); a stack of its own, not
  // recursion, and no deeper than GitLab goes: 8,000 jobs each extending the next overflowed the call
  // stack, and followed to the end made every job's chain the whole pipeline
  const pending: Array<{ name: string; depth: number }> = [{ name, depth: 0 }];
  while (pending.length > 0) {
    const current = pending.pop()!;
    const template = templates.get(current.name);
    if (!template || seen.has(current.name)) continue;
    seen.add(current.name);
    chain.push(template);
    if (current.depth === MAX_EXTENDS_DEPTH) continue;
    const parents = field(template.document, template.node, 'extends');
    const names = isSeq(parents) ? seqItems(parents).map((item) => stringValue(item)) : [stringValue(parents)];
    for (const parent of names) if (parent !== undefined) pending.push({ name: parent, depth: current.depth + 1 });
  }
  return chain;
}

/** The lines of a script key: a string, a list of strings, nested lists (`!reference` results); offsets exact in the file. */
function scriptLines(document: YamlDocument, node: Node | undefined): ScriptLine[] {
  const resolved = deref(document, node);
  if (isSeq(resolved)) return resolved.items.flatMap((item) => scriptLines(document, item as Node));
  if (!isScalar(resolved) || !resolved.range || typeof resolved.value !== 'string') return [];
  const [start, end] = resolved.range;
  const raw = document.file.text.slice(start, end);
  const lines: ScriptLine[] = [];
  let offset = start;
  for (const line of raw.split('\n')) {
    lines.push({ path: document.file.path, text: line, start: offset });
    offset += line.length + 1;
  }
  return lines;
}

/** The branches a job runs on, from `rules: if:` comparisons of `$CI_COMMIT_BRANCH`/`$CI_COMMIT_REF_NAME` and `only:`. */
export function jobBranches(job: GitlabJob): string[] {
  const branches = new Set<string>();
  for (const rule of seqItems(job.get('rules'))) {
    const condition = stringValue(field(job.document, rule, 'if')) ?? '';
    const when = stringValue(field(job.document, rule, 'when'));
    if (when === 'never') continue;
    for (const match of condition.matchAll(/\$\{?CI_COMMIT_(?:BRANCH|REF_NAME)\}?\s*==\s*(?:"([^"]+)"|'([^']+)'|(\$\{?CI_DEFAULT_BRANCH\}?))/g)) {
      branches.add(match[3] ? '$CI_DEFAULT_BRANCH' : (match[1] ?? match[2])!);
    }
    for (const match of condition.matchAll(/(?:"([^"]+)"|'([^']+)'|(\$\{?CI_DEFAULT_BRANCH\}?))\s*==\s*\$\{?CI_COMMIT_(?:BRANCH|REF_NAME)\}?/g)) {
      branches.add(match[3] ? '$CI_DEFAULT_BRANCH' : (match[1] ?? match[2])!);
    }
  }
  const only = job.get('only');
  const refs = isMap(only) ? field(job.document, only, 'refs') : only;
  for (const item of seqItems(refs)) {
    const ref = stringValue(item);
    if (ref !== undefined && !/^(branches|tags|merge_requests|pushes|schedules|web|api|triggers|pipelines|external|chat|external_pull_requests)$/.test(ref) && !ref.startsWith('/')) branches.add(ref);
  }
  return [...branches];
}

/** Whether the job runs in merge request pipelines (`rules: if: $CI_PIPELINE_SOURCE == "merge_request_event"`, `only: merge_requests`). */
export function runsOnMergeRequests(job: GitlabJob): boolean {
  for (const rule of seqItems(job.get('rules'))) {
    const condition = stringValue(field(job.document, rule, 'if')) ?? '';
    if (stringValue(field(job.document, rule, 'when')) === 'never') continue;
    if (/CI_PIPELINE_SOURCE\s*==\s*["']merge_request_event["']|\$CI_MERGE_REQUEST_(IID|ID)\b(?!\s*==)/.test(condition)) return true;
  }
  const only = job.get('only');
  const refs = isMap(only) ? field(job.document, only, 'refs') : only;
  return seqItems(refs).some((item) => stringValue(item) === 'merge_requests');
}
