import pc from 'picocolors';

export interface TerminalMarkdownOptions {
  /** ANSI styles (a terminal); without, plain text for pipes and files */
  readonly color: boolean;
  /** columns to wrap prose at */
  readonly width: number;
}

type Colors = ReturnType<typeof pc.createColors>;

/**
 * Markdown as a terminal shows it: headings, bold and code styled (or plain when not a terminal),
 * prose wrapped to the width, lists indented, code blocks kept as written and indented, links as
 * `text <url>`. It covers what rule pages are written in: ATX headings, paragraphs, `-`/`*`/`1.`
 * lists, fenced code blocks, and inline code, bold, emphasis, links and autolinks.
 */
export function renderMarkdown(markdown: string, options: TerminalMarkdownOptions): string {
  const colors = pc.createColors(options.color);
  const width = Math.max(40, options.width);
  const out: string[] = [];
  const lines = markdown.replace(/\r\n/g, '\n').split('\n');
  let paragraph: string[] = [];
  const flush = (): void => {
    if (paragraph.length === 0) return;
    out.push(...wrap(inline(paragraph.join(' '), colors), width, '', ''), '');
    paragraph = [];
  };
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!;
    const fence = /^(\s*)(```|~~~)\s*([\w-]*)\s*$/.exec(line);
    if (fence) {
      flush();
      const close = fence[2]!;
      const code: string[] = [];
      for (index += 1; index < lines.length && !lines[index]!.trimStart().startsWith(close); index += 1) code.push(lines[index]!);
      const gutter = options.color ? `${colors.dim('│')} ` : '';
      out.push(...code.map((text) => `    ${gutter}${colors.cyan(text)}`.trimEnd()), '');
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      flush();
      const text = stripInline(heading[2]!);
      out.push(heading[1]!.length === 1 ? colors.bold(colors.underline(text)) : colors.bold(text));
      if (!options.color) out.push((heading[1]!.length === 1 ? '=' : '-').repeat(Math.min(text.length, width)));
      out.push('');
      continue;
    }
    const item = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (item) {
      flush();
      const depth = Math.floor(item[1]!.length / 2);
      const bullet = /\d/.test(item[2]!) ? item[2]! : '•';
      const indent = '  '.repeat(depth + 1);
      const hanging = `${indent}${' '.repeat(bullet.length + 1)}`;
      let text = item[3]!;
      // continuation lines of the item, indented under it
      while (index + 1 < lines.length && /^\s{2,}\S/.test(lines[index + 1]!) && !/^\s*([-*+]|\d+[.)])\s/.test(lines[index + 1]!)) {
        index += 1;
        text += ` ${lines[index]!.trim()}`;
      }
      out.push(...wrap(inline(text, colors), width, `${indent}${bullet} `, hanging));
      if (index + 1 >= lines.length || lines[index + 1]!.trim() === '') out.push('');
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    paragraph.push(line.trim());
  }
  flush();
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return `${out.join('\n')}\n`;
}

/** Inline Markdown styled: `code`, **bold**, *emphasis*, [text](url), <url>. Code spans are left as written. */
function inline(text: string, colors: Colors): string {
  return text.split(/(`+[^`]*?`+)/).map((part, index) => {
    if (index % 2 === 1) return colors.cyan(part.replace(/^`+ ?|`+$/g, '').replace(/ $/, ''));
    return part
      .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_, label: string, url: string) => `${label} <${colors.underline(url)}>`)
      .replace(/<((?:https?|mailto):[^>\s]+)>/g, (_, url: string) => `<${colors.underline(url)}>`)
      .replace(/\*\*([^*]+)\*\*|__([^_]+)__/g, (_, a?: string, b?: string) => colors.bold(a ?? b ?? ''))
      .replace(/(^|[\s(])\*([^*\s][^*]*?)\*(?=[\s).,;:!?]|$)|(^|[\s(])_([^_\s][^_]*?)_(?=[\s).,;:!?]|$)/g,
        (_, p1?: string, a?: string, p2?: string, b?: string) => `${p1 ?? p2 ?? ''}${colors.italic(a ?? b ?? '')}`);
  }).join('');
}

function stripInline(text: string): string {
  return text.replace(/`([^`]*)`/g, '$1').replace(/\*\*([^*]+)\*\*/g, '$1');
}

const ANSI = /\x1b\[[0-9;]*m/g;

/** Words filled to `width` visible columns, styles not counted; long words (URLs) get a line of their own. */
function wrap(text: string, width: number, first: string, rest: string): string[] {
  const lines: string[] = [];
  let line = first;
  let visible = first.length;
  let empty = true;
  for (const word of text.split(/ +/)) {
    if (word === '') continue;
    const length = word.replace(ANSI, '').length;
    if (!empty && visible + 1 + length > width) {
      lines.push(line);
      line = rest;
      visible = rest.length;
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    visible += empty ? length : length + 1;
    empty = false;
  }
  lines.push(line);
  return lines;
}
