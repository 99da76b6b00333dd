import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './terminal-markdown.js';

const page = [
  '# rule-id',
  '',
  '**Layer:** artifacts · **Default severity:** high',
  '',
  'A tag is a movable pointer: use `repo:tag@sha256:<digest>`, see [the docs](https://example.com/pin) or',
  '<https://example.com/x>.',
  '',
  '## Fires on',
  '',
  '```yaml',
  'image: nginx:1.27   # kept as written',
  '```',
  '',
  '- first item that is long enough to wrap when the terminal is narrow, as it is in this test here',
  '- second',
  '',
].join('\n');

describe('renderMarkdown', () => {
  it('plain: no markup and no escape codes; headings underlined, code indented, links with their address, prose wrapped', () => {
    const text = renderMarkdown(page, { color: false, width: 60 });
    expect(text).toBe([
      'rule-id',
      '=======',
      '',
      'Layer: artifacts · Default severity: high',
      '',
      'A tag is a movable pointer: use repo:tag@sha256:<digest>,',
      'see the docs <https://example.com/pin> or',
      '<https://example.com/x>.',
      '',
      'Fires on',
      '--------',
      '',
      '    image: nginx:1.27   # kept as written',
      '',
      '  • first item that is long enough to wrap when the terminal',
      '    is narrow, as it is in this test here',
      '  • second',
      '',
    ].join('\n'));
  });

  it('terminal: bold headings and emphasis, coloured code, and the same words', () => {
    const text = renderMarkdown(page, { color: true, width: 60 });
    expect(text).toContain('\x1b[1m\x1b[4mrule-id');
    expect(text).toContain('\x1b[1mLayer:\x1b[22m');
    expect(text).toMatch(/\x1b\[36mrepo:tag@sha256:<digest>\x1b\[39m/);
    expect(text).not.toMatch(/\*\*|```|^#/m);
    expect(text.replace(/\x1b\[[0-9;]*m/g, '').replace(/│ /g, '')).toBe(renderMarkdown(page, { color: false, width: 60 }).replace(/^[=-]+\n/gm, ''));
  });
});
