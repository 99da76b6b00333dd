import { isMap, isSeq } from 'yaml';
import { isActionFile, isCiPipelineFile, isGitlabCiFile, isWorkflowFile } from '../../model/extract/yaml-tool-images.js';
import { dockerInstructions } from '../../model/dockerfile-instructions.js';
import type { SourceFile } from '../../model/source-file.js';
import type { Span } from '../../model/span.js';
import type { Workspace } from '../../model/workspace.js';
import { getNode, mapEntries, seqItems, stringValue, type YamlDocument } from '../../model/yaml.js';
import { deref, scalarText } from './support.js';

/** A shell command written in the tree: a Dockerfile `RUN`, a workflow `run:` step or a CI pipeline's script. */
export interface ShellSite {
  readonly file: SourceFile;
  /** the command, with the same length and offsets as the text at `span` (continuations blanked) */
  readonly text: string;
  readonly span: Span;
  /** true when offsets into `text` are offsets into the file from `span.start` */
  readonly exact: boolean;
  readonly where: string;
}

export interface DockerAdd {
  readonly file: SourceFile;
  readonly words: ReadonlyArray<{ readonly text: string; readonly start: number; readonly end: number }>;
}

/**
 * Dockerfile instructions as raw file ranges: `RUN` (also after `ONBUILD`) as shell sites, heredoc
 * scripts included, and `ADD` as words with file offsets.
 */
export function dockerfileSites(file: SourceFile): { runs: ShellSite[]; adds: DockerAdd[] } {
  const runs: ShellSite[] = [];
  const adds: DockerAdd[] = [];
  for (const instruction of dockerInstructions(file.text)) {
    const wrapped = instruction.keyword === 'ONBUILD' ? /^\s*([A-Za-z]+)/.exec(instruction.args)?.[1]?.toUpperCase() : undefined;
    const name = wrapped ?? instruction.keyword;
    if (name === 'RUN') {
      // comment lines and continuations blanked, offsets kept: the builder drops both
      const text = file.text.slice(instruction.start, instruction.end)
        .replace(/^[ \t]*#.*$/gm, (match) => ' '.repeat(match.length))
        .replace(/\\\r?\n/g, (match) => ' '.repeat(match.length));
      runs.push({ file, text, span: file.span(instruction.start, instruction.end), exact: true, where: 'Dockerfile RUN' });
    } else if (name === 'ADD') {
      const skip = wrapped ? /^\s*ADD\b/i.exec(instruction.args)?.[0].length ?? 0 : 0;
      const words: Array<{ text: string; start: number; end: number }> = [];
      for (const match of instruction.args.slice(skip).matchAll(/\S+/g)) {
        const at = skip + (match.index ?? 0);
        words.push({ text: match[0], start: instruction.offsetOf(at) ?? 0, end: (instruction.offsetOf(at + match[0].length - 1) ?? 0) + 1 });
      }
      adds.push({ file, words });
    }
  }
  return { runs, adds };
}

/** `run:` of workflow steps (`jobs.<id>.steps[]`) and composite action steps (`runs.steps[]`). */
export function workflowRunSites(workspace: Workspace): ShellSite[] {
  const sites: ShellSite[] = [];
  for (const document of workspace.yamlDocuments()) {
    if (!isWorkflowFile(document.file.path) && !isActionFile(document.file.path)) continue;
    const push = (step: unknown, where: string): void => {
      const run = scalarText(document.file, deref(document, getNode(deref(document, step), 'run')));
      if (run) sites.push({ file: document.file, text: run.value, span: run.span, exact: run.span.end - run.span.start === run.value.length && document.file.text.slice(run.span.start, run.span.end) === run.value, where });
    };
    for (const { key, value } of mapEntries(deref(document, getNode(document.root, 'jobs')))) {
      for (const step of seqItems(deref(document, getNode(deref(document, value), 'steps')))) push(step, `job ${key} step`);
    }
    for (const step of seqItems(deref(document, getNode(deref(document, getNode(document.root, 'runs')), 'steps')))) push(step, 'composite action step');
  }
  return sites;
}

/**
 * The scripts of CI pipelines: GitLab's `script`, `before_script` and `after_script` (of jobs, hidden
 * `.templates`, `default:` and the top level; a string, a list, nested lists) and the `commands` of
 * Woodpecker and Drone steps. Each script string is one site, read as the shell gets it.
 */
export function pipelineScriptSites(workspace: Workspace): ShellSite[] {
  const sites: ShellSite[] = [];
  for (const document of workspace.yamlDocuments()) {
    const path = document.file.path;
    if (isGitlabCiFile(path)) {
      for (const key of ['before_script', 'after_script']) pushScripts(sites, document, getNode(document.root, key), `GitLab CI ${key}`);
      for (const { key, value } of mapEntries(deref(document, document.root))) {
        for (const script of ['before_script', 'script', 'after_script']) pushScripts(sites, document, getNode(deref(document, value), script), `GitLab CI ${key === 'default' ? 'default' : `job ${key}`} ${script}`);
      }
    } else if (isCiPipelineFile(path)) {
      for (const section of ['steps', 'pipeline', 'services']) {
        const node = deref(document, getNode(document.root, section));
        const steps = isMap(node)
          ? mapEntries(node).map(({ key, value }) => ({ name: key, step: deref(document, value) }))
          : seqItems(node).map((step) => ({ name: stringValue(getNode(deref(document, step), 'name')) ?? '(unnamed)', step: deref(document, step) }));
        for (const { name, step } of steps) pushScripts(sites, document, getNode(step, 'commands'), `pipeline step ${name} commands`);
      }
    }
  }
  return sites;
}

function pushScripts(sites: ShellSite[], document: YamlDocument, node: unknown, where: string, depth = 0): void {
  const resolved = deref(document, node);
  if (isSeq(resolved)) {
    // GitLab flattens nested lists (anchors and `!reference` of other scripts) up to 10 levels
    if (depth < 10) for (const item of seqItems(resolved)) pushScripts(sites, document, item, where, depth + 1);
    return;
  }
  const script = scalarText(document.file, resolved);
  if (!script || script.nonString) return;
  const exact = script.span.end - script.span.start === script.value.length && document.file.text.slice(script.span.start, script.span.end) === script.value;
  sites.push({ file: document.file, text: script.value, span: script.span, exact, where });
}

/** The file span of `[start, end)` of a site's text; for block scalars, the first line of the match found in the file. */
export function spanInSite(site: ShellSite, start: number, end: number): Span {
  if (site.exact) return { path: site.span.path, start: site.span.start + start, end: site.span.start + end };
  const firstLine = site.text.slice(start, end).split('\n')[0] ?? '';
  const found = firstLine === '' ? -1 : site.file.text.indexOf(firstLine, site.span.start);
  if (found === -1 || found > site.span.end) return site.span;
  return { path: site.span.path, start: found, end: found + firstLine.length };
}

