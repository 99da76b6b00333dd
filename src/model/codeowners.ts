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
  const body = segments.map((segment, index) => {
    if (segment === '**') return index === segments.length - 1 ? '.*' : '(?:[^/]+/)*';
    return `${segmentSource(segment)}${index === segments.length - 1 ? '' : '/'}`;
  }).join('');
  const filesOnly = !directoryOnly && last !== '**' && /[*?]/.test(last);
  const suffix = directoryOnly ? '/' : filesOnly || last === '**' ? '$' : '(?:$|/)';
  const expression = new RegExp(`^${anchored ? '' : '(?:[^/]+/)*'}${body}${suffix}`);
  return (path) => expression.test(path);
}

function segmentSource(segment: string): string {
  let source = '';
  for (let index = 0; index < segment.length; index += 1) {
    const char = segment[index]!;
    if (char === '\\' && index + 1 < segment.length) {
      index += 1;
      source += escape(segment[index]!);
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else {
      source += escape(char);
    }
  }
  return source;
}

const escape = (char: string): string => char.replace(/[.+^${}()|[\]\\/*?]/g, '\\$&');
