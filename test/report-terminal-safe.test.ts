import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { terminalSafe, terminalSafeLines } from '../src/report/terminal-safe.js';
import { rampart } from './cli-run.js';

const ESC = '\u001b';

describe('terminalSafe', () => {
  it('writes control characters, DEL, C1 controls and bidi overrides as escapes', () => {
    expect(terminalSafe(`a${ESC}[2Kb\rc\nd\u0007e\u007ff\u009bg\u202eh\u2066i`)).toBe('a\\x1b[2Kb\\rc\\nd\\x07e\\x7ff\\x9bg\\u202eh\\u2066i');
  });

  it('leaves tabs, printable text and other Unicode alone', () => {
    expect(terminalSafe('naïve\tfile — 日本 │ ✓')).toBe('naïve\tfile — 日本 │ ✓');
  });

  it('keeps line breaks where asked to', () => {
    expect(terminalSafeLines(`one${ESC}[1A\ntwo`)).toBe('one\\x1b[1A\ntwo');
  });
});

/** A repository cannot move the cursor, erase lines or recolour the log of whoever scans it. */
describe('text output of a hostile repository', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'rampart-escape-'));
    const pod = ['apiVersion: v1', 'kind: Pod', 'metadata: {name: p}', 'spec:', '  containers:', `    - {name: a, image: "nginx:1.25"} # ${ESC}[2K${ESC}[1A${ESC}[32mall clear${ESC}[0m`, ''].join('\n');
    await writeFile(path.join(root, `pod${ESC}[8m.yaml`), pod);
    await writeFile(path.join(root, 'broken.yaml'), `a: [1, 2\nb: ${ESC}[2J\n`);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('escapes what the repository wrote, in findings and in errors', async () => {
    const result = await rampart(['scan', root, '--no-color']);
    expect(result.stdout).toContain('image-not-pinned');
    expect(result.stdout).toContain('\\x1b[2K\\x1b[1A\\x1b[32mall clear');
    expect(result.stdout).toContain('pod\\x1b[8m.yaml');
    expect(result.stdout + result.stderr).not.toContain(ESC);
  });
});
