import { SourceFile } from '../model/source-file.js';
import type { Workspace } from '../model/workspace.js';

/** Where literal copies of a dependency's chart templates live in its scan (outside any chart directory, so they are read as YAML). */
export const LITERAL_PREFIX = '.rampart-literal/';

/** Rules that read objects and have no line-by-line template reading of their own (rbac-cluster-admin-binding has one). */
export const LITERAL_RULES = /^rbac-(?:wildcard|escalation|secrets-read|anonymous-subject)$/;

/**
 * A chart's templates with every `{{ … }}` action blanked to spaces of the same length (newlines
 * kept), so what is written literally (a ClusterRole's `"*"` verbs) parses as YAML at the same
 * lines and columns, and nothing built from values is guessed at. Nothing is rendered or run.
 */
export function literalTemplateCopies(tree: Workspace): SourceFile[] {
  return [...tree.filesOfKind('helm-template'), ...tree.templatedManifests()]
    .filter((file) => /\.ya?ml$/i.test(file.path))
    .map((file) => new SourceFile(`${LITERAL_PREFIX}${file.path}`, blankActions(file.text)));
}

function blankActions(text: string): string {
  return text.replace(/\{\{[\s\S]*?\}\}/g, (action) => action.replace(/[^\n]/g, ' '));
}
