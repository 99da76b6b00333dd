import { describe, expect, it } from 'vitest';
import { createProgress, progressMode, type ProgressStream } from '../src/cli/progress.js';

function recorder(isTTY: boolean): ProgressStream & { text: () => string } {
  const chunks: string[] = [];
  return { isTTY, columns: 100, write: (chunk: string) => chunks.push(chunk), text: () => chunks.join('') };
}

function clock(): { now: () => number; advance: (ms: number) => void } {
  let time = 0;
  return { now: () => time, advance: (ms) => { time += ms; } };
}

describe('progressMode', () => {
  it('draws a bar only on an interactive terminal outside CI', () => {
    expect(progressMode(recorder(true), false, {})).toBe('bar');
    expect(progressMode(recorder(true), false, { CI: 'true' })).toBe('plain');
    expect(progressMode(recorder(true), false, { CI: 'false' })).toBe('bar');
    expect(progressMode(recorder(true), false, { TERM: 'dumb' })).toBe('plain');
    expect(progressMode(recorder(false), false, {})).toBe('plain');
    expect(progressMode(recorder(true), true, {})).toBe('silent');
  });
});

describe('createProgress', () => {
  it('redraws a bar in place on a TTY and clears it when done', () => {
    const stream = recorder(true);
    const time = clock();
    const progress = createProgress({ label: 'history', total: 4, stream, env: {}, now: time.now, redrawEveryMs: 0 });
    progress.tick();
    progress.tick();
    expect(stream.text()).toContain('\r\x1b[2Khistory [');
    expect(stream.text()).toContain(' 50% 2/4');
    expect(stream.text()).not.toContain('\n');
    progress.log('resolved nginx:1.27');
    expect(stream.text()).toContain('\r\x1b[2Kresolved nginx:1.27\n');
    progress.tick(2);
    expect(stream.text()).toContain('100% 4/4');
    progress.done();
    expect(stream.text().endsWith('\r\x1b[2K')).toBe(true);
  });

  it('throttles redraws but always draws the final state', () => {
    const stream = recorder(true);
    const time = clock();
    const progress = createProgress({ label: 'x', total: 100, stream, env: {}, now: time.now, redrawEveryMs: 1000 });
    for (let index = 0; index < 100; index += 1) progress.tick();
    const draws = stream.text().split('\r\x1b[2K').filter((part) => part !== '');
    expect(draws.length).toBe(2);
    expect(draws.at(-1)).toContain('100/100');
  });

  it('shows a counter when the total is unknown, and adopts a total set later', () => {
    const stream = recorder(true);
    const progress = createProgress({ label: 'commits', stream, env: {}, redrawEveryMs: 0 });
    progress.tick(3);
    expect(stream.text()).toContain('commits 3');
    progress.setTotal(6);
    expect(stream.text()).toContain('50% 3/6');
  });

  it('writes only plain lines without control characters on CI', () => {
    const stream = recorder(true);
    const time = clock();
    const progress = createProgress({ label: 'registry', total: 10, stream, env: { CI: 'true' }, now: time.now, logEveryMs: 5000 });
    progress.tick();
    progress.log('resolving ghcr.io/acme/api');
    time.advance(6000);
    progress.tick();
    progress.tick();
    progress.done();
    const text = stream.text();
    expect(text).not.toMatch(/[\r\x1b]/);
    expect(text).toBe('resolving ghcr.io/acme/api\nregistry: 2/10\nregistry: 3/10 done\n');
  });

  it('prints nothing at all when quiet', () => {
    const stream = recorder(true);
    const progress = createProgress({ label: 'x', total: 2, stream, env: {}, quiet: true });
    progress.tick();
    progress.log('a line');
    progress.done();
    expect(stream.text()).toBe('');
  });

  it('ignores calls after done', () => {
    const stream = recorder(true);
    const progress = createProgress({ label: 'x', total: 2, stream, env: {}, redrawEveryMs: 0 });
    progress.done();
    const before = stream.text();
    progress.tick();
    progress.done();
    expect(stream.text()).toBe(before);
  });
});
