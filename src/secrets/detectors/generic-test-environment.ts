import type { MatchContext } from '../detector.js';

/**
 * Test-run environments: a value in a block that sets a framework's environment variable to `test`
 * (a CI workflow's `env:` with `NODE_ENV: test`, a compose service's `environment:` with
 * `- RAILS_ENV=test`, a `.env` file with `APP_ENV=testing`) is a key made for the test suite, not a
 * live credential. Only the test-run names count: a deployment's `ENVIRONMENT: staging` is live.
 */
const NAMES = String.raw`(?:NODE|RAILS|RACK|MIX|APP)_ENV|ENVIRONMENT`;
const TEST_VALUE = String.raw`["']?(?:test|testing)["']?(?=[\s,;}]|$)`;
/** `NODE_ENV: test`, `NODE_ENV=test`, `"NODE_ENV": "test"`, `- RAILS_ENV=test` */
const ASSIGNED = String.raw`(?<![A-Za-z0-9_])["']?(?:${NAMES})["']?[ \t]*[:=][ \t]*${TEST_VALUE}`;
/** `- name: NODE_ENV` then `value: test` (Kubernetes `env:`), `{"name": "NODE_ENV", "value": "test"}` (ECS) */
const NAME_VALUE = String.raw`\bname["']?[ \t]*[:=][ \t]*["']?(?:${NAMES})["']?[ \t]*(?:,[ \t]*)?(?:\r?\n[ \t]*(?:-[ \t]*)?)?["']?value["']?[ \t]*[:=][ \t]*${TEST_VALUE}`;
const TEST_SETTING = new RegExp(`${ASSIGNED}|${NAME_VALUE}`, 'm');
const MENTION = new RegExp(String.raw`(?<![A-Za-z0-9_])(?:${NAMES})(?![A-Za-z0-9_])`);
const COMMENT_LINE = /^[ \t]*#.*$/gm;
/** how far from the value a block is read, each way */
const REACH = 16_384;

/** Whether the value at `context.index` sits in a block that sets a test-run environment. */
export function isInTestEnvironment(context: MatchContext): boolean {
  const { text, index } = context;
  if (text === undefined || index === undefined) return false;
  const low = Math.max(0, index - REACH);
  const high = Math.min(text.length, index + REACH);
  if (!MENTION.test(text.slice(low, high))) return false;
  const [start, end] = blockAround(text, index, low, high);
  return TEST_SETTING.test(text.slice(start, end).replace(COMMENT_LINE, ''));
}

/**
 * The block the line at `index` belongs to: its siblings and their children, up to the parent line
 * (the nearest line above indented less) and down to the next line indented less; at the top level,
 * the YAML document (`---`) or the file.
 */
function blockAround(text: string, index: number, low: number, high: number): [number, number] {
  const lineStart = text.lastIndexOf('\n', index - 1) + 1;
  const lineEnd = endOfLine(text, index);
  const indent = contentIndent(text.slice(lineStart, lineEnd));
  let start = lineStart;
  for (let at = lineStart; at > low; ) {
    const from = text.lastIndexOf('\n', at - 2) + 1;
    const line = text.slice(from, at - 1);
    if (isBoundary(line, indent)) break;
    start = from;
    at = from;
  }
  let end = lineEnd;
  for (let at = lineEnd + 1; at < high; ) {
    const to = endOfLine(text, at);
    if (isBoundary(text.slice(at, to), indent)) break;
    end = to;
    at = to + 1;
  }
  return [start, end];
}

function endOfLine(text: string, from: number): number {
  const next = text.indexOf('\n', from);
  return next === -1 ? text.length : next;
}

/** A line that closes a block of lines indented `indent`: less indented, or a YAML document marker. */
function isBoundary(line: string, indent: number): boolean {
  if (/^---\s*$/.test(line)) return true;
  if (/^[ \t]*(?:#.*)?$/.test(line)) return false;
  return contentIndent(line) < indent;
}

/** Where a line's content starts: past its indentation and any list markers (`  - name:` is at 4). */
function contentIndent(line: string): number {
  return /^[ \t]*(?:-[ \t]+)*/.exec(line)![0].length;
}
