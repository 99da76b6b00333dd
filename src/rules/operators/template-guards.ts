import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { isValuesFile } from '../../model/file-kinds.js';
import type { SourceFile } from '../../model/source-file.js';
import type { Workspace } from '../../model/workspace.js';
import { getPath } from '../../model/yaml.js';
import { perWorkspace } from './memo.js';

/**
 * Charts write opt-in settings literally inside a guard on a value that is off by default:
 *
 *     {{- if .Values.webhook.hostNetwork }}
 *     hostNetwork: true
 *     {{- end }}
 *
 * Such a line renders only for whoever turns the value on, and the chart's own values files say
 * whether anyone does. A line is off by default when an `if`, `else if` or `with` around it tests
 * `.Values.…` paths (alone or joined by `and`/`or`) that every values file of the chart leaves
 * unset, false, 0, empty or null. Any other condition (`not`, `eq`, a variable, an `else`) is not
 * judged, and the line counts as rendered.
 */
export function offByDefault(workspace: Workspace, file: SourceFile, offset: number): boolean {
  const values = chartValuesOf(workspace, file);
  if (values.length === 0) return false;
  return enclosingConditions(file.text, offset).some((condition) => conditionOff(condition, values));
}

const ACTION = /\{\{-?[ \t]*(if|else[ \t]+if|else[ \t]+with|else|with|range|define|block|end)\b((?:[^}]|\}(?!\}))*?)-?[ \t]*\}\}/g;

/** The conditions of the `if`/`with` branches open at `offset`; null for a branch not judged. */
function enclosingConditions(text: string, offset: number): Array<string | null> {
  const open: Array<string | null> = [];
  ACTION.lastIndex = 0;
  for (let match = ACTION.exec(text); match && match.index < offset; match = ACTION.exec(text)) {
    const keyword = (match[1] ?? '').replace(/[ \t]+/, ' ');
    const argument = (match[2] ?? '').trim();
    if (keyword === 'end') open.pop();
    else if (keyword === 'else') open[open.length - 1] = null;
    else if (keyword === 'else if' || keyword === 'else with') open[open.length - 1] = argument;
    else open.push(keyword === 'if' || keyword === 'with' ? argument : null);
  }
  return open;
}

const VALUES_PATH = /^\$?\.Values((?:\.[A-Za-z_][\w-]*)+)$/;

function conditionOff(condition: string | null, values: readonly Node[]): boolean {
  if (condition === null) return false;
  const words = condition.replace(/^\((.*)\)$/, '$1').trim().split(/[ \t]+/);
  const [operator, ...operands] = words;
  if ((operator === 'and' || operator === 'or') && operands.length > 0) {
    const off = operands.map((operand) => valuePathOff(operand, values));
    return operator === 'and' ? off.some(Boolean) : off.every(Boolean);
  }
  return words.length === 1 && valuePathOff(words[0] ?? '', values);
}

function valuePathOff(operand: string, values: readonly Node[]): boolean {
  const path = VALUES_PATH.exec(operand)?.[1];
  if (!path) return false;
  const keys = path.slice(1).split('.');
  return values.every((root) => isFalsy(getPath(root, ...keys)));
}

/** Go templates' truth: false, 0, "", null and empty maps and lists are false; an unset value too. */
function isFalsy(node: Node | undefined): boolean {
  if (node === undefined || node === null) return true;
  if (isMap(node) || isSeq(node)) return node.items.length === 0;
  if (!isScalar(node)) return false;
  const { value } = node;
  return value === null || value === false || value === 0 || value === '';
}

/** The roots of the values files beside the Chart.yaml a template belongs to (not ci/ test values). */
function chartValuesOf(workspace: Workspace, file: SourceFile): Node[] {
  const byChart = perWorkspace(workspace, 'chart-values-by-directory', () => {
    const roots = new Map<string, Node[]>();
    for (const chart of workspace.helmCharts()) roots.set(chart.directory, []);
    for (const document of workspace.yamlDocuments()) {
      const list = roots.get(document.file.directory);
      if (list && document.index === 0 && document.root && isValuesFile(document.file.baseName)) list.push(document.root);
    }
    return roots;
  });
  const marker = file.path.lastIndexOf('/templates/');
  const directory = marker === -1 ? (file.path.startsWith('templates/') ? '' : undefined) : file.path.slice(0, marker);
  return directory === undefined ? [] : byChart.get(directory) ?? [];
}
