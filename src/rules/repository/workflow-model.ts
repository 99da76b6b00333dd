import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { contextReferences, findExpressions, type ContextReference } from '../../model/actions-expression.js';
import { isActionFile, isWorkflowFile } from '../../model/extract/yaml-tool-images.js';
import { parseActionUses, type ActionUses } from '../../model/action-uses.js';
import type { SourceFile } from '../../model/source-file.js';
import type { Span } from '../../model/span.js';
import type { Workspace } from '../../model/workspace.js';
import { mapEntries, scalarKey, spanOf, stringValue, type YamlDocument } from '../../model/yaml.js';
import { deref } from '../dependencies/support.js';
import { perWorkspace } from '../operators/memo.js';

export interface WorkflowStep {
  readonly node: Node;
  /** 0-based position in the job's steps */
  readonly index: number;
  readonly uses?: { readonly value: string; readonly parsed: ActionUses | undefined; readonly node: Node };
  readonly run?: Node;
  readonly with?: Node;
}

export interface WorkflowJob {
  readonly id: string;
  readonly keyNode: Node | undefined;
  readonly node: Node | undefined;
  readonly steps: readonly WorkflowStep[];
  /** `jobs.<id>.uses`: a reusable workflow */
  readonly uses?: { readonly value: string; readonly parsed: ActionUses | undefined; readonly node: Node };
}

export interface Workflow {
  readonly document: YamlDocument;
  readonly file: SourceFile;
  /** event name → its configuration node (undefined for `on: push` or `on: [push]`) */
  readonly triggers: ReadonlyMap<string, Node | undefined>;
  readonly triggersNode: Node | undefined;
  readonly jobs: readonly WorkflowJob[];
  /** a composite action's `action.yml`: one pseudo-job, `runs`, and no triggers (its callers decide) */
  readonly isAction: boolean;
}

/** A map's value at `key` with aliases followed; the last one wins, as in GitHub's parser. */
export function field(document: YamlDocument, node: unknown, key: string): Node | undefined {
  const map = deref(document, node);
  if (!isMap(map)) return undefined;
  let found: Node | undefined;
  for (const pair of map.items) {
    if (scalarKey(pair) === key) found = deref(document, pair.value);
  }
  return found;
}

function keyNodeOf(document: YamlDocument, node: unknown, key: string): Node | undefined {
  const map = deref(document, node);
  if (!isMap(map)) return undefined;
  return map.items.find((pair) => scalarKey(pair) === key)?.key as Node | undefined;
}

function usesOf(document: YamlDocument, node: unknown): WorkflowStep['uses'] {
  const usesNode = field(document, node, 'uses');
  const value = stringValue(usesNode);
  if (!usesNode || value === undefined) return undefined;
  return { value, parsed: parseActionUses(value.trim()), node: usesNode };
}

function stepsOf(document: YamlDocument, node: unknown): WorkflowStep[] {
  const steps = field(document, node, 'steps');
  if (!isSeq(steps)) return [];
  return steps.items.flatMap((item, index) => {
    const step = deref(document, item);
    if (!isMap(step)) return [];
    const uses = usesOf(document, step);
    const run = field(document, step, 'run');
    const withNode = field(document, step, 'with');
    return [{ node: step, index, ...(uses ? { uses } : {}), ...(run ? { run } : {}), ...(withNode ? { with: withNode } : {}) }];
  });
}

function triggersOf(document: YamlDocument, node: Node | undefined): Map<string, Node | undefined> {
  const triggers = new Map<string, Node | undefined>();
  const single = stringValue(node);
  if (single !== undefined) triggers.set(single, undefined);
  if (isSeq(node)) for (const item of node.items) {
    const name = stringValue(deref(document, item));
    if (name !== undefined) triggers.set(name, undefined);
  }
  for (const { key, value } of mapEntries(node)) triggers.set(key, deref(document, value));
  return triggers;
}

function readWorkflow(document: YamlDocument): Workflow | undefined {
  const file = document.file;
  if (!isMap(document.root)) return undefined;
  if (isWorkflowFile(file.path)) {
    const triggersNode = field(document, document.root, 'on');
    const jobs = mapEntries(field(document, document.root, 'jobs')).map(({ key, pair }) => {
      const node = deref(document, pair.value);
      const uses = usesOf(document, node);
      return { id: key, keyNode: pair.key as Node | undefined, node, steps: stepsOf(document, node), ...(uses ? { uses } : {}) };
    });
    return { document, file, triggers: triggersOf(document, triggersNode), triggersNode, jobs, isAction: false };
  }
  if (isActionFile(file.path)) {
    const runs = field(document, document.root, 'runs');
    if (stringValue(field(document, runs, 'using')) !== 'composite') return undefined;
    const job = { id: 'composite', keyNode: keyNodeOf(document, document.root, 'runs'), node: runs, steps: stepsOf(document, runs) };
    return { document, file, triggers: new Map(), triggersNode: undefined, jobs: [job], isAction: true };
  }
  return undefined;
}

/** Every GitHub Actions workflow and composite action of the tree, read once per scan. */
export function workflowsOf(workspace: Workspace): Workflow[] {
  return perWorkspace(workspace, 'github-workflows', () =>
    workspace.yamlDocuments().filter((document) => document.index === 0).flatMap((document) => readWorkflow(document) ?? []));
}

/**
 * Expressions in a scalar as written in the file, with their offsets: the raw text of the node is
 * searched, so block scalars (`run: |`) keep exact columns.
 */
export function expressionsOf(file: SourceFile, node: Node | undefined): Array<{ readonly start: number; readonly body: string; readonly bodyStart: number; readonly references: ContextReference[] }> {
  if (!isScalar(node) || !node.range) return [];
  const [start, end] = node.range;
  return findExpressions(file.text.slice(start, end)).map((expression) => ({
    start: start + expression.start,
    body: expression.body,
    bodyStart: start + expression.bodyStart,
    references: contextReferences(expression.body),
  }));
}

export function nodeSpan(file: SourceFile, node: unknown): Span {
  return spanOf(file, node as Node | undefined) ?? { path: file.path, start: 0, end: 0 };
}

/** Whether `uses:` names this action (`owner/repo[/path]`, any ref), case-insensitively. */
export function usesAction(uses: WorkflowStep['uses'], name: string): boolean {
  const parsed = uses?.parsed;
  if (parsed?.kind !== 'remote') return false;
  const full = `${parsed.owner}/${parsed.repo}${parsed.path ? `/${parsed.path}` : ''}`;
  return full.toLowerCase() === name.toLowerCase();
}

/** Events whose runs for a fork's pull request get a read-only token and no secrets. */
const FORK_SANDBOXED_TRIGGERS = new Set(['pull_request', 'pull_request_review', 'pull_request_review_comment']);

/** Whether some trigger runs the workflow with the repository's own token and secrets. */
export function isPrivileged(workflow: Workflow): boolean {
  return [...workflow.triggers.keys()].some((trigger) => !FORK_SANDBOXED_TRIGGERS.has(trigger));
}

/**
 * Events only people with write access cause (publishing a release, a manual or API dispatch, a
 * schedule, creating a branch or tag): what their payload holds, maintainers wrote.
 */
const MAINTAINER_TRIGGERS = new Set(['release', 'workflow_dispatch', 'repository_dispatch', 'schedule', 'milestone', 'deployment', 'deployment_status', 'create', 'delete', 'label', 'registry_package', 'page_build']);

/** Whether every trigger of a workflow is one only maintainers cause (a composite action's callers decide: false). */
export function maintainerTriggersOnly(workflow: Workflow): boolean {
  return !workflow.isAction && workflow.triggers.size > 0 && [...workflow.triggers.keys()].every((trigger) => MAINTAINER_TRIGGERS.has(trigger));
}

/** Events an outsider can cause that run with the base repository's token and secrets. */
const OUTSIDER_PRIVILEGED_TRIGGERS = ['pull_request_target', 'workflow_run', 'issue_comment', 'issues', 'discussion', 'discussion_comment'];

export function outsiderPrivilegedTriggers(workflow: Workflow): string[] {
  return OUTSIDER_PRIVILEGED_TRIGGERS.filter((trigger) => workflow.triggers.has(trigger));
}

/**
 * Whether a job's `if:` lets only members run it: it allows comment or event authors by
 * `author_association` (OWNER, MEMBER, COLLABORATOR), and nothing in it is an alternative (`||`)
 * or a negation of the association, which would let others through.
 */
export function membersOnly(workflow: Workflow, jobNode: unknown): boolean {
  const condition = stringValue(field(workflow.document, jobNode, 'if')) ?? '';
  if (!/author_association/.test(condition) || condition.includes('||') || /author_association[ \t)]*!=|!=[ \t]*[^&]*author_association/.test(condition)) return false;
  const allowed = [...condition.matchAll(/'([A-Z_]+)'|"([A-Z_]+)"/g)].map((match) => match[1] ?? match[2]);
  return allowed.length > 0 && allowed.every((value) => value === 'OWNER' || value === 'MEMBER' || value === 'COLLABORATOR');
}
