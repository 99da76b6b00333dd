import { isActionFile, isWorkflowFile } from '../../model/extract/yaml-tool-images.js';
import type { SourceFile } from '../../model/source-file.js';
import type { Span } from '../../model/span.js';
import type { Workspace } from '../../model/workspace.js';
import { getNode, mapEntries, seqItems } from '../../model/yaml.js';
import { deref, scalarText } from './support.js';

/** A shell command written in the tree: a Dockerfile `RUN` or a workflow `run:` step. */
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
 * Dockerfile instructions with continuation lines, as raw file ranges: `RUN` (also after
 * `ONBUILD`) as shell sites, `ADD` as words with file offsets.
 */
export function dockerfileSites(file: SourceFile): { runs: ShellSite[]; adds: DockerAdd[] } {
  const runs: ShellSite[] = [];
  const adds: DockerAdd[] = [];
  const lines = file.text.split('\n');
  const offsets: number[] = [];
  lines.reduce((offset, line) => (offsets.push(offset), offset + line.length + 1), 0);
  const continues = (line: string): boolean => /\\\s*$/.test(line);
  const skippable = (line: string): boolean => /^\s*(#|$)/.test(line);
  for (let index = 0; index < lines.length; index += 1) {
    if (skippable(lines[index] ?? '')) continue;
    // comment and empty lines inside a continuation are dropped by the builder, not ends
    let last = index;
    while (continues(lines[last] ?? '') && last + 1 < lines.length) {
      last += 1;
      while (last + 1 < lines.length && skippable(lines[last] ?? '')) last += 1;
    }
    const start = offsets[index] ?? 0;
    const end = (offsets[last] ?? 0) + (lines[last] ?? '').replace(/\r$/, '').length;
    const blanked = file.text.slice(start, end)
      .replace(/^[ \t]*#.*$/gm, (match) => ' '.repeat(match.length))
      .replace(/\\\r?\n/g, (match) => ' '.repeat(match.length));
    const keyword = /^\s*(?:ONBUILD\s+)?(RUN|ADD)\b/i.exec(blanked);
    const name = keyword?.[1]?.toUpperCase();
    if (keyword && name === 'RUN') {
      runs.push({ file, text: blanked, span: file.span(start, end), exact: true, where: 'Dockerfile RUN' });
    } else if (keyword && name === 'ADD') {
      const words: Array<{ text: string; start: number; end: number }> = [];
      for (const match of blanked.slice(keyword[0].length).matchAll(/\S+/g)) {
        const wordStart = start + keyword[0].length + (match.index ?? 0);
        words.push({ text: match[0], start: wordStart, end: wordStart + match[0].length });
      }
      adds.push({ file, words });
    }
    index = last;
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

/** The file span of `[start, end)` of a site's text; for block scalars, the first line of the match found in the file. */
export function spanInSite(site: ShellSite, start: number, end: number): Span {
  if (site.exact) return { path: site.span.path, start: site.span.start + start, end: site.span.start + end };
  const firstLine = site.text.slice(start, end).split('\n')[0] ?? '';
  const found = firstLine === '' ? -1 : site.file.text.indexOf(firstLine, site.span.start);
  if (found === -1 || found > site.span.end) return site.span;
  return { path: site.span.path, start: found, end: found + firstLine.length };
}

