import type { SourceFile } from '../model/source-file.js';

export interface Suppression {
  readonly line: number;
  /** rule ids, or '*' for every rule */
  readonly ruleIds: readonly string[];
  readonly reason: string | undefined;
  /** offsets of the directive in the file */
  readonly start: number;
  readonly end: number;
}

/** Prose formats mention directives in examples; they are never suppressions. */
const PROSE = /\.(md|markdown|mdx|rst|adoc|txt|html?)$/i;
/**
 * A comment starts a line or follows a blank, as YAML, shell, HCL and Dockerfiles write one: a `#`
 * or `//` glued to other text is part of a value (`https://rampart-ignore.example`, `pass#rampart-ignore`).
 */
const DIRECTIVE = /(?<=^|[ \t])(?:#|\/\/)[ \t]*rampart-ignore\b([^\r\n]*)/gm;

/**
 * `# rampart-ignore <rule-id>[,<rule-id>…] -- <reason>` (or `//` in HCL) suppresses those rules
 * on its own line and on the line below it. Without ids it suppresses every rule there.
 */
export function findSuppressions(file: SourceFile): Suppression[] {
  if (!file.text.includes('rampart-ignore') || PROSE.test(file.path)) return [];
  const found: Suppression[] = [];
  for (const match of file.text.matchAll(DIRECTIVE)) {
    const start = match.index ?? 0;
    const rest = match[1] ?? '';
    const separator = rest.search(/(^|\s)--(\s|$)/);
    const idsPart = (separator === -1 ? rest : rest.slice(0, separator)).replace(/#.*$/, '');
    const reason = separator === -1 ? undefined : rest.slice(separator).replace(/^\s*--/, '').trim();
    const ids = idsPart.split(/[\s,]+/).filter(Boolean);
    found.push({
      line: file.position(start).line,
      ruleIds: ids.length > 0 ? ids : ['*'],
      reason: reason ? reason : undefined,
      start,
      end: start + match[0].trimEnd().length,
    });
  }
  return found;
}

export function suppresses(suppression: Suppression, ruleId: string, line: number): boolean {
  if (line !== suppression.line && line !== suppression.line + 1) return false;
  return suppression.ruleIds.includes('*') || suppression.ruleIds.includes(ruleId);
}
