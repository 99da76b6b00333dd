import { performance } from 'node:perf_hooks';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_CONFIG } from '../src/config/schema.js';
import { runRules } from '../src/engine/run.js';
import { SourceFile } from '../src/model/source-file.js';
import { Workspace } from '../src/model/workspace.js';
import { RULES } from '../src/rules/index.js';
import { corpusTextFiles } from './corpus-files.js';

/**
 * One measurement of bench/scale.bench.ts in a process of its own (so peak RSS is its own):
 * `floor N` parses the YAML of N copies of the corpus with `yaml`, one file at a time;
 * `scan N` runs every rule over the same files in memory, as a scan does (`RAMPART_SCALE_PER_RULE=1`:
 * rule by rule over a model built first, to time each). Prints one JSON line.
 */
const [mode, factorText] = process.argv.slice(2);
const factor = Number(factorText);
const texts = corpusTextFiles();
const files: SourceFile[] = [];
for (let copy = 0; copy < factor; copy += 1) for (const file of texts) files.push(new SourceFile(`copy-${copy}/${file.path}`, file.text));

const started = performance.now();
const cpuStarted = process.cpuUsage();
const ruleMs: Record<string, number> = {};
if (mode === 'floor') {
  for (const file of files) if (/\.ya?ml$/i.test(file.path)) parseAllDocuments(file.text);
} else if (process.env['RAMPART_SCALE_PER_RULE'] === '1') {
  // per-rule times: the model is built first and kept for every rule, as no scan does
  const workspace = new Workspace('', files);
  const modelStarted = performance.now();
  workspace.kubeObjects();
  workspace.images();
  ruleMs['(model: parse and extract)'] = performance.now() - modelStarted;
  for (const rule of RULES) {
    const ruleStarted = performance.now();
    // over the model built above, not batch by batch (which would parse the tree again for each rule)
    await runRules(workspace, DEFAULT_CONFIG, [rule], { batchBytes: Number.POSITIVE_INFINITY });
    ruleMs[rule.id] = performance.now() - ruleStarted;
  }
} else {
  await runRules(new Workspace('', files), DEFAULT_CONFIG, RULES);
}
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuStarted);
const cpuMs = (cpu.user + cpu.system) / 1000;
const slowest = Object.entries(ruleMs).sort((a, b) => b[1] - a[1]).slice(0, 6).map(([id, time]) => `${id} ${time.toFixed(0)}`);
process.stdout.write(`${JSON.stringify({ ms, cpuMs, rssMb: process.resourceUsage().maxRSS / 1024, slowest, kustomizeExec: ruleMs['kustomize-exec-function'] })}\n`);
