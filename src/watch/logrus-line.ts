/**
 * One line of a logrus log, as Argo CD's components write it: the text formatter
 * (`time="2026-01-02T03:04:05Z" level=info msg="Initiated automated sync to 'abc'" application=shop`,
 * values Go-quoted when they hold spaces or quotes) or the JSON formatter (`--logformat json`).
 * `kubectl logs --timestamps` and `--prefix` put a timestamp or `[pod/name/container]` first; both are
 * passed over. Undefined when the line is neither form.
 */
export function parseLogrusLine(line: string): Record<string, string> | undefined {
  let text = line.trim();
  if (text.startsWith('[')) {
    const end = text.indexOf('] ');
    if (end > 0 && !text.startsWith('[{')) text = text.slice(end + 2).trimStart();
  }
  const stamp = /^\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d) /.exec(text);
  if (stamp) text = text.slice(stamp[0].length);
  if (text.startsWith('{')) return parseJsonFields(text);
  return parseTextFields(text);
}

function parseJsonFields(text: string): Record<string, string> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const fields: Record<string, string> = {};
  for (const [key, field] of Object.entries(value)) {
    if (typeof field === 'string') fields[key] = field;
    else if (typeof field === 'number' || typeof field === 'boolean') fields[key] = String(field);
  }
  return typeof fields['msg'] === 'string' && typeof fields['level'] === 'string' ? fields : undefined;
}

const KEY = /[A-Za-z0-9_.\-/]/;

function parseTextFields(text: string): Record<string, string> | undefined {
  const fields: Record<string, string> = {};
  let at = 0;
  while (at < text.length) {
    while (text[at] === ' ') at += 1;
    if (at >= text.length) break;
    const keyStart = at;
    while (at < text.length && KEY.test(text[at]!)) at += 1;
    if (at === keyStart || text[at] !== '=') return undefined;
    const key = text.slice(keyStart, at);
    at += 1;
    if (text[at] === '"') {
      const quoted = readQuoted(text, at);
      if (!quoted) return undefined;
      fields[key] = quoted.value;
      at = quoted.end;
    } else {
      const valueStart = at;
      while (at < text.length && text[at] !== ' ') at += 1;
      fields[key] = text.slice(valueStart, at);
    }
  }
  return typeof fields['msg'] === 'string' && typeof fields['level'] === 'string' ? fields : undefined;
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', a: '\x07', b: '\b', f: '\f', v: '\v' };

/** A Go `%q` string starting at `start` (the opening quote): its value and the index after the closing quote. */
function readQuoted(text: string, start: number): { value: string; end: number } | undefined {
  let value = '';
  let at = start + 1;
  while (at < text.length) {
    const char = text[at]!;
    if (char === '"') return { value, end: at + 1 };
    if (char !== '\\') {
      value += char;
      at += 1;
      continue;
    }
    const next = text[at + 1] ?? '';
    if (next in ESCAPES) {
      value += ESCAPES[next];
      at += 2;
    } else if (next === 'x' || next === 'u' || next === 'U') {
      const length = next === 'x' ? 2 : next === 'u' ? 4 : 8;
      const code = Number.parseInt(text.slice(at + 2, at + 2 + length), 16);
      value += Number.isNaN(code) ? '' : String.fromCodePoint(code);
      at += 2 + length;
    } else {
      value += next;
      at += 2;
    }
  }
  return undefined;
}
