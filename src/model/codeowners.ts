import { Glob } from '../sources/ignore/glob.js';
import type { SourceFile } from './source-file.js';
import type { Span } from './span.js';

/** Where GitHub, GitLab and Bitbucket look for the file, in the order GitHub uses the first it finds. */
export const CODEOWNERS_PATHS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS', '.gitlab/CODEOWNERS', '.bitbucket/CODEOWNERS'] as const;

export interface CodeownersRule {
  readonly pattern: string;
  /** empty: the pattern takes every owner away from what it matches */
  readonly owners: readonly string[];
  readonly line: number;
  readonly span: Span;
  readonly matches: (path: string) => boolean;
}

/** GitLab groups rules in `[Section]`s, each with its own last match and default owners; GitHub has one. */
export interface CodeownersSection {
  readonly name: string;
  readonly defaults: readonly string[];
  readonly rules: readonly CodeownersRule[];
}

export interface Ownership {
  readonly owners: readonly string[];
  /** the rule that decided, in the first section that matched, if any did */
  readonly rule: CodeownersRule | undefined;
}

/** `@user`, `@org/team`, `@group/subgroup`, GitLab roles `@@maintainer`, or an e-mail address. */
const OWNER = /^(?:@@?[\w.-]+(?:\/[\w.-]+)*|[^@\s]+@[^@\s]+\.[^@\s]+)$/;
const SECTION = /^\^?\[([^\]]+)\](?:\[\d+\])?(.*)$/;

/**
 * Parses a CODEOWNERS file as the hosts read it: `pattern owner…` per line, `#` comments, GitLab
 * sections with default owners. A line with a malformed owner is skipped whole, as GitHub does.
 */
export function parseCodeowners(file: SourceFile): CodeownersSection[] {
  const sections: CodeownersSection[] = [];
  let current: { name: string; defaults: string[]; rules: CodeownersRule[] } = { name: '', defaults: [], rules: [] };
  sections.push(current);
  let offset = 0;
  file.text.split('\n').forEach((raw, index) => {
    const start = offset;
    offset += raw.length + 1;
    const line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) return;
    const section = SECTION.exec(line);
    if (section) {
      current = { name: section[1]!.trim(), defaults: tokens(section[2] ?? '').filter((owner) => OWNER.test(owner)), rules: [] };
      sections.push(current);
      return;
    }
    const [pattern, ...owners] = tokens(line);
    if (pattern === undefined || owners.some((owner) => !OWNER.test(owner))) return;
    const matches = patternMatcher(pattern);
    if (!matches) return;
    current.rules.push({ pattern, owners, line: index + 1, span: file.span(start, start + raw.replace(/\r$/, '').length), matches });
  });
  return sections.filter((candidate) => candidate.rules.length > 0 || candidate.name === '');
}

/** Who owns a path: in each section the last matching rule decides (its owners, or the section's defaults). */
export function ownershipOf(sections: readonly CodeownersSection[], path: string): Ownership {
  let decided: CodeownersRule | undefined;
  for (const section of sections) {
    const rule = lastMatch(section.rules, path);
    if (!rule) continue;
    const owners = rule.owners.length > 0 ? rule.owners : section.defaults;
    if (owners.length > 0) return { owners, rule };
    decided ??= rule;
  }
  return { owners: [], rule: decided };
}

function lastMatch(rules: readonly CodeownersRule[], path: string): CodeownersRule | undefined {
  for (let index = rules.length - 1; index >= 0; index -= 1) if (rules[index]!.matches(path)) return rules[index];
  return undefined;
}

/** Splits on whitespace that is not escaped; a token starting with `#` starts a comment. */
function tokens(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/(?:\\.|[^\s\\])+/g)) {
    if (match[0].startsWith('#')) break;
    found.push(match[0]);
  }
  return found;
}

/**
 * A CODEOWNERS pattern as GitHub documents it: gitignore syntax, except that a pattern whose last
 * part has a wildcard (`docs/*`, `*.yaml`) matches files, not the contents of directories, and
 * `!` negation and `[ ]` ranges do not exist. Returns undefined for what never matches (`!x`).
 * Matched by the gitignore automaton (`Glob`), in time linear in the path whatever the pattern: as
 * a regular expression, `*a*a*a…b` or a run of `**` segments backtracked exponentially over a path
 * that nearly matched, and one line of a pull request's CODEOWNERS held the scan for minutes.
 */
export function patternMatcher(pattern: string): ((path: string) => boolean) | undefined {
  if (pattern.startsWith('!')) return undefined;
  const directoryOnly = pattern.endsWith('/');
  const trimmed = pattern.replace(/^\/+/, '').replace(/\/+$/, '');
  if (trimmed === '') return pattern.startsWith('/') ? () => true : undefined;
  // a slash anywhere but at the end anchors the pattern to the repository root, as in gitignore
  const anchored = pattern.slice(0, -1).includes('/') || (pattern.startsWith('/') && !directoryOnly);
  const segments = trimmed.split('/');
  const last = segments[segments.length - 1]!;
  const body = `${anchored ? '' : '**/'}${segments.map((segment) => (segment === '**' ? '**' : globSegment(segment))).join('/')}`;
  const filesOnly = !directoryOnly && last !== '**' && /[*?]/.test(last);
  if (directoryOnly) return globMatcher(`${body}/**`);
  if (filesOnly || last === '**') return globMatcher(body);
  // a name matches itself and, when it is a directory, everything inside
  const itself = new Glob(body);
  const inside = new Glob(`${body}/**`);
  return (path) => itself.matches(path) || inside.matches(path);
}

function globMatcher(pattern: string): (path: string) => boolean {
  const glob = new Glob(pattern);
  return (path) => glob.matches(path);
}

/**
 * One segment in the `Glob` syntax: `*` and `?` as they are, every other character literal (CODEOWNERS
 * has no `[ ]` ranges; `\x` is `x`). A segment of stars alone that is not `**` is one `*`, within its segment.
 */
function globSegment(segment: string): string {
  if (/^\*+$/.test(segment)) return '*';
  let glob = '';
  for (let index = 0; index < segment.length; index += 1) {
    const char = segment[index]!;
    if (char === '\\' && index + 1 < segment.length) {
      index += 1;
      glob += `\\${segment[index]!}`;
    } else if (char === '*' || char === '?') {
      glob += char;
    } else {
      glob += `\\${char}`;
    }
  }
  return glob;
}
