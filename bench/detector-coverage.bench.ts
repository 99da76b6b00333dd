import { performance } from 'node:perf_hooks';
import { CORE_DETECTORS, COVERAGE_DETECTORS, DETECTORS } from '../src/secrets/catalogue.js';
import type { Detector } from '../src/secrets/detector.js';
import { redacted } from '../src/secrets/redact.js';
import { findSecrets } from '../src/secrets/scan-text.js';
import { labelledSet, PLACEMENTS, scanLabelledTree } from '../test/helpers/labelled-secrets.js';
import { corpusTextFiles } from './corpus-files.js';

/** CPU-bound, so the fastest of several rounds is the work; rounds alternate the two catalogues. */
function scanTime(files: ReadonlyArray<{ path: string; text: string }>, detectors: readonly Detector[]): number {
  const started = performance.now();
  for (const file of files) findSecrets(file.text, file.path, detectors);
  return performance.now() - started;
}

/**
 * The tree secrets scan of ../shared/corpus with the detectors Rampart had before it took in the
 * peers' coverage, and with the whole catalogue: the keyword pre-filter must keep the two close.
 * Lists every finding of an added detector (redacted): each must be a real credential format.
 */
export async function run(): Promise<void> {
  const files = corpusTextFiles();
  if (files.length === 0) {
    process.stdout.write('skipped: ../shared/corpus is not present\n');
    labelledScore();
    return;
  }
  const megabytes = files.reduce((sum, file) => sum + file.text.length, 0) / 1e6;
  // one untimed round each: compiling the patterns and warming the JIT is not the scan
  scanTime(files, CORE_DETECTORS);
  scanTime(files, DETECTORS);
  const rounds: Array<{ before: number; after: number }> = [];
  for (let round = 0; round < 9; round += 1) {
    // alternate which goes first: a collection or a neighbour's load then hurts both sides alike
    const first = round % 2 === 0 ? CORE_DETECTORS : DETECTORS;
    const second = first === DETECTORS ? CORE_DETECTORS : DETECTORS;
    const times = new Map([[first, scanTime(files, first)], [second, scanTime(files, second)]]);
    rounds.push({ before: times.get(CORE_DETECTORS)!, after: times.get(DETECTORS)! });
  }
  const best = (pick: (round: (typeof rounds)[number]) => number): number => Math.min(...rounds.map(pick));
  const ratios = rounds.map((round) => round.after / round.before).sort((a, b) => a - b);
  process.stdout.write(`tree secrets scan of the corpus (${files.length} files, ${megabytes.toFixed(1)} MB; best of ${rounds.length} alternating rounds after a warm-up, ratio = median of the rounds' ratios):\n`);
  process.stdout.write(`  ${CORE_DETECTORS.length} detectors (before the peers' coverage)  ${best((r) => r.before).toFixed(0)} ms  (baseline)\n`);
  process.stdout.write(`  ${DETECTORS.length} detectors (whole catalogue)           ${best((r) => r.after).toFixed(0)} ms  (${ratios[Math.floor(ratios.length / 2)]!.toFixed(2)}× the baseline)\n`);
  labelledScore();
  const added = new Set(COVERAGE_DETECTORS.map((detector) => detector.id));
  const findings = files.flatMap((file) => findSecrets(file.text, file.path).filter((match) => added.has(match.detector.id))
    .map((match) => `${file.path}:${file.text.slice(0, match.start).split('\n').length} ${match.detector.id} ${redacted(match.secret)}`));
  process.stdout.write(`findings of the ${added.size} added detectors on the corpus: ${findings.length}\n${findings.map((line) => `  ${line}\n`).join('')}`);
}

/** Recall and precision on the generated labelled set (test/secrets-recall.test.ts asserts the thresholds). */
function labelledScore(): void {
  const set = labelledSet();
  const result = scanLabelledTree(set);
  const formats = new Set(set.planted.map((plant) => plant.detector)).size;
  process.stdout.write(`labelled set: ${formats} single-line formats × ${PLACEMENTS.length} placements = ${set.planted.length} credentials, plus every false sample\n`);
  process.stdout.write(`  tree scan: recall ${result.recall.toFixed(3)}, precision ${result.precision.toFixed(3)}\n`);
  const missed = new Map<string, number>();
  for (const plant of result.missed) missed.set(plant.placement, (missed.get(plant.placement) ?? 0) + 1);
  for (const [placement, count] of missed) process.stdout.write(`  missed in ${placement}: ${count}\n`);
}
