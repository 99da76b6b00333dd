import { isAttackerControlledContext } from '../../model/actions-contexts.js';

/** A write to one of the Actions command files on the same line: `>> "$GITHUB_ENV"`, `tee -a $GITHUB_PATH`. */
export const COMMAND_FILE_WRITE = />>?\s*"?\$\{?GITHUB_(ENV|PATH|OUTPUT)\b|\btee\s+(-a\s+)?"?\$\{?GITHUB_(ENV|PATH|OUTPUT)\b/;

/**
 * The lines of a `run:` script whose output goes to a command file, and which one: lines that
 * redirect themselves, the lines of a `{ …; } >> "$GITHUB_ENV"` group, and the body of a heredoc
 * written there (`cat <<EOF >> "$GITHUB_ENV"`) unless its delimiter is quoted (no expansion).
 */
export function commandFileLines(lines: readonly string[]): Map<number, string> {
  const written = new Map<number, string>();
  const fileOf = (text: string): string | undefined => {
    const match = COMMAND_FILE_WRITE.exec(text);
    return match ? match[1] ?? match[3] ?? 'ENV' : undefined;
  };
  const groups: number[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const code = withoutComment(lines[index] ?? '');
    const direct = fileOf(code);
    const heredoc = /<<-?\s*(["']?)([A-Za-z_][A-Za-z0-9_]*)\1/.exec(code);
    if (heredoc) {
      // lines keep the YAML block's indentation, which the script itself does not have: compare trimmed
      const end = lines.findIndex((line, at) => at > index && line.trim() === heredoc[2]);
      const last = end === -1 ? lines.length : end;
      if (direct && heredoc[1] === '') for (let body = index + 1; body < last; body += 1) written.set(body, direct);
      if (direct) written.set(index, direct);
      index = last;
      continue;
    }
    if (direct) written.set(index, direct);
    // `{` opening a group on its own line (or `{ cmd`), `}` closing it with the redirection
    if (/^\s*\{(\s|$)/.test(code) && !/\}\s*(>|$)/.test(code.replace(/^\s*\{/, ''))) groups.push(index);
    const close = /^\s*\}\s*(.*)$/.exec(code);
    if (close) {
      const open = groups.pop();
      const file = fileOf(close[1] ?? '');
      if (open !== undefined && file) for (let inner = open; inner < index; inner += 1) written.set(inner, file);
    }
  }
  return written;
}

/** A line without its shell comment (a `#` after whitespace, outside quotes as far as a line can tell). */
function withoutComment(line: string): string {
  let quote: string | undefined;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index];
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === '#' && (index === 0 || /\s/.test(line[index - 1] ?? ''))) {
      return line.slice(0, index);
    }
  }
  return line;
}

const ASSIGNMENT = /^\s*(?:export\s+|local\s+|readonly\s+|declare\s+(?:-\w+\s+)*)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;
/**
 * Removes newlines, keeps a safe alphabet or keeps only the first line (`head -n1`, `sed -n 1p`):
 * what comes out cannot add lines to a command file.
 */
const SANITISER = /\btr\s+(-d\s+["']?\\n|-dc\s)|\bjq\s+.*@sh|\bprintf\s+%q|\bhead\s+-(?:n\s*)?1(?![0-9])|\bsed\s+-n\s+["']?1p/;
const EXPRESSION = /\$\{\{\s*(github\.[A-Za-z0-9_.*-]+)\s*\}\}/g;

/**
 * Shell variables a script assigns from outsider text, line by line: from a tainted variable
 * (`T="$TITLE"`, `T=$(echo "$TITLE" | sed …)`) or an outsider `${{ }}` expression; a later clean
 * assignment, or one through a sanitiser (`tr -dc`, `tr -d '\n'`), clears it. Returns, per line,
 * the tainted variables in force before that line runs.
 */
export function taintThroughScript(lines: readonly string[], initial: ReadonlyMap<string, string>): Array<ReadonlyMap<string, string>> {
  let current = new Map(initial);
  const states: Array<ReadonlyMap<string, string>> = [];
  for (const line of lines) {
    states.push(current);
    const assignment = ASSIGNMENT.exec(withoutComment(line));
    if (!assignment) continue;
    const [, name = '', value = ''] = assignment;
    const next = new Map(current);
    const source = SANITISER.test(value) ? undefined : taintOf(value, current);
    if (source === undefined) next.delete(name);
    else next.set(name, source);
    current = next;
  }
  return states;
}

function taintOf(value: string, tainted: ReadonlyMap<string, string>): string | undefined {
  for (const reference of value.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
    const source = tainted.get(reference[1] ?? '');
    if (source !== undefined) return source;
  }
  for (const expression of value.matchAll(EXPRESSION)) {
    if (isAttackerControlledContext(expression[1] ?? '')) return expression[1];
  }
  return undefined;
}
