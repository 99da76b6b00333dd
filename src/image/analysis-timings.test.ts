import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { timedVisitors, withoutBenchVisitors } from './analysis-timings.js';

// tsx by its absolute address: a child started in an empty temporary directory cannot resolve the bare name
const tsx = import.meta.resolve('tsx');
const module = path.join(path.dirname(fileURLToPath(import.meta.url)), 'analysis-timings.ts');
const directory = mkdtempSync(path.join(tmpdir(), 'rampart-timings-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('image analysis timings (RAMPART_IMAGE_TIMINGS)', () => {
  it('leaves the visitors as they are when off', () => {
    const visitors = [{ wanted: () => 0, visit: () => undefined }];
    expect(timedVisitors(visitors)).toBe(visitors);
  });

  it('writes each visitor\'s time by its class (with RAMPART_IMAGE_TIMINGS_VISITORS=1), and the main thread\'s CPU time, when the process exits', () => {
    const file = path.join(directory, 'timings.json');
    const script = `
      const { timedVisitors, addTime } = await import(${JSON.stringify(module)});
      class Busy { wanted() { return 1; } visit() { let x = 0; for (let i = 0; i < 3e7; i += 1) x += i; return x; } }
      const [busy] = timedVisitors([new Busy()]);
      busy.wanted({}); busy.visit({}, Buffer.alloc(1), false);
      addTime('part', 5); addTime('part', 7);
      process.exit(0);`;
    const result = spawnSync(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, RAMPART_IMAGE_TIMINGS: file, RAMPART_IMAGE_TIMINGS_VISITORS: '1' } });
    expect(result.stderr).toBe('');
    const timings = JSON.parse(readFileSync(file, 'utf8')) as { parts: Record<string, number>; mainThreadCpuMs: number };
    expect(timings.parts['part']).toBe(12);
    expect(timings.parts['visitor Busy']).toBeGreaterThan(0);
    expect(timings.mainThreadCpuMs).toBeGreaterThan(timings.parts['visitor Busy']!);
  });

  it('leaves every visitor in unless RAMPART_BENCH_WITHOUT names some, and then says on stderr that the run is incomplete', () => {
    const visitors = [{ wanted: () => 0, visit: () => undefined }];
    expect(withoutBenchVisitors(visitors)).toBe(visitors);
    const script = `
      const { withoutBenchVisitors } = await import(${JSON.stringify(module)});
      class Busy { wanted() { return 1; } visit() {} }
      class Kept { wanted() { return 1; } visit() {} }
      const left = withoutBenchVisitors([new Busy(), new Kept()]);
      withoutBenchVisitors([new Busy()]);
      process.stdout.write(left.map((visitor) => visitor.constructor.name).join(','));`;
    const result = spawnSync(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, RAMPART_BENCH_WITHOUT: 'Busy,Other' } });
    expect(result.stdout).toBe('Kept');
    expect(result.stderr.match(/RAMPART_BENCH_WITHOUT leaves out Busy, Other: a benchmark run, its findings are incomplete/g)).toHaveLength(1);
  });

  it.each(['1', 'stderr'])('writes the JSON to stderr, and no file, for RAMPART_IMAGE_TIMINGS=%s', (value) => {
    const cwd = mkdtempSync(path.join(directory, 'cwd-'));
    const script = `const { addTime } = await import(${JSON.stringify(module)}); addTime('part', 3); process.exit(0);`;
    const result = spawnSync(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], { cwd, encoding: 'utf8', env: { ...process.env, RAMPART_IMAGE_TIMINGS: value } });
    expect(readdirSync(cwd)).toEqual([]);
    const line = /^rampart image timings: (.*)$/m.exec(result.stderr);
    expect(line).not.toBeNull();
    expect((JSON.parse(line![1]!) as { parts: Record<string, number> }).parts['part']).toBe(3);
  });
});
