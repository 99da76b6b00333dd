import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends the run with one plain line, `tests: N passed, N failed, N skipped`, that CI logs can be read by,
 * preceded by one line for each suite skipped because the data it needs is absent (tests titled `skipped: …`).
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    const notes: string[] = [];
    for (const module of testModules) {
      let failedHere = 0;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failedHere += 1;
        else skipped += 1;
        if (state === 'skipped' && test.name.startsWith('skipped: ')) notes.push(`${test.name} (${module.relativeModuleId})`);
      }
      // a file that failed outside its tests (import error, failing hook) counts as one failure
      failed += module.state() === 'failed' && failedHere === 0 ? 1 : failedHere;
    }
    const noteLines = notes.map((note) => `${note}\n`).join('');
    process.stdout.write(`\n${noteLines}tests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
