import { isMap, isNode, isScalar, type Node, type YAMLMap } from 'yaml';
import { MAX_NESTING } from '../../model/parse-limits.js';
import type { SourceFile } from '../../model/source-file.js';
import type { Span } from '../../model/span.js';
import type { Workspace } from '../../model/workspace.js';
import { ResolvedYaml } from '../../model/yaml-resolved.js';
import { parseAllDocumentsWithinNesting } from '../../model/yaml-quoted-indent.js';
import { perWorkspace } from './memo.js';
import { policyRule, type PolicyRule } from './rbac-model.js';
import { offByDefault } from './template-guards.js';
import { templatedFiles } from './template-lines.js';

export interface TemplateRole {
  readonly file: SourceFile;
  readonly kind: 'Role' | 'ClusterRole';
  /** the rules written literally, each with its place in the template */
  readonly rules: readonly PolicyRule[];
}

const ROLE_KIND = /^kind:[ \t]*["']?(ClusterRole|Role)["']?[ \t]*(?:#.*)?\r?$/m;
/** Go template actions (`{{ … }}`) and Jinja statements (`{% … %}`), which are not YAML */
const ACTION = /\{\{(?:[^}]|\}(?!\}))*\}\}|\{%(?:[^%]|%(?!\}))*%\}/g;
const MAX_TEMPLATE_BYTES = 256 * 1024;

/**
 * Roles that chart templates (and manifests in other template languages) write with literal rules.
 * Every action is blanked to spaces of its own length, so the rest parses as the YAML it renders to
 * and every node keeps its offset in the file: `{{- if … }}` lines become blank, `name: {{ include … }}`
 * an empty value, `{{- toYaml .Values.rules | nindent 2 }}` nothing. Both branches of an `if`/`else`
 * are read; a rule inside a guard on a value the chart leaves off (template-guards.ts) is dropped, and so
 * is a rule with a field computed from values.
 * A template that does not parse once blanked gives nothing.
 */
export function templateRoles(workspace: Workspace): TemplateRole[] {
  return perWorkspace(workspace, 'template-roles', () => templatedFiles(workspace).flatMap((file) => rolesIn(workspace, file)));
}

/** The span of a node of a template role, in the template file. */
export function templateSpan(file: SourceFile, node: Node): Span {
  const [start, end] = node.range ?? [0, 0];
  return file.span(start, end);
}

const RULE_FIELDS = ['apiGroups', 'resources', 'verbs', 'nonResourceURLs', 'resourceNames'];

/**
 * A rule with a field the template computes (`resources: {{ toYaml .Values.resources }}`,
 * `resourceNames: [{{ .Values.name | quote }}]`) is judged where the values are.
 */
function computed(rule: YAMLMap, text: string): boolean {
  return rule.items.some((pair) => {
    if (!isScalar(pair.key) || !RULE_FIELDS.includes(String(pair.key.value))) return false;
    const start = pair.key.range?.[1] ?? 0;
    const valueEnd = isNode(pair.value) ? pair.value.range?.[1] ?? start : start;
    const lineEnd = text.indexOf('\n', start);
    const end = Math.max(valueEnd, lineEnd === -1 ? text.length : lineEnd);
    const [sameLine = '', ...below] = text.slice(start, end).split('\n');
    return ANY_ACTION.test(sameLine) || below.some((line) => ANY_ACTION.test(line.replace(CONTROL_ACTION, '')));
  });
}

const ANY_ACTION = /\{\{|\{%/;
/** Actions that only choose which lines render (`{{- if … }}`, `{{- end }}`, comments): the lines they keep are literal. */
const CONTROL_ACTION = /\{\{-?\s*(?:\/\*.*?\*\/|(?:if|else|end|with|range)\b[^}]*)\s*-?\}\}|\{%-?\s*(?:if|elif|else|endif|for|endfor)\b[^%]*-?%\}/g;

function rolesIn(workspace: Workspace, file: SourceFile): TemplateRole[] {
  if (file.text.length > MAX_TEMPLATE_BYTES || !ROLE_KIND.test(file.text)) return [];
  const blanked = file.text.replace(ACTION, (action) => action.replace(/[^\r\n]/g, ' '));
  const documents = parseAllDocumentsWithinNesting(blanked, MAX_NESTING) ?? [];
  const roles: TemplateRole[] = [];
  for (const document of documents) {
    if (document.errors.length > 0 || !isMap(document.contents)) continue;
    const view = new ResolvedYaml(document);
    const kind = view.string(view.get(document.contents, 'kind'));
    if (kind !== 'Role' && kind !== 'ClusterRole') continue;
    const rules = view.items(view.get(document.contents, 'rules'))
      .flatMap((item) => (isMap(item) && !computed(item, file.text) ? [policyRule(item, view)] : []))
      .filter((rule) => !offByDefault(workspace, file, rule.node.range?.[0] ?? 0));
    roles.push({ file, kind, rules });
  }
  return roles;
}
