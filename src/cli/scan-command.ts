import { terminalSafe } from '../report/terminal-safe.js';
import { Option, type Command } from 'commander';
import { loadBaseline, withBaseline } from '../engine/baseline.js';
import { shouldFail } from '../engine/run.js';
import { describeError, RampartError } from '../errors.js';
import { uncheckedSummary } from '../model/diagnostic.js';
import { LAYERS, SEVERITIES, type Layer, type Severity } from '../model/severity.js';
import { FORMATS, loadReporter } from '../report/formats.js';
import { RULE_INDEX } from '../rules/rule-index.js';
import { scan } from '../scan.js';
import { EXIT, type ExitCode } from './exit.js';
import { listParser } from './list-option.js';
import { addScanForgeOptions, scanForgeOptions, type ScanForgeFlags } from './forge-flags.js';
import { addScanDepsOptions, depsScanOptions, type ScanDepsFlags } from './deps-flags.js';
import { addScanAnalyzeImagesOptions, analyzeImagesOptions, type AnalyzeImagesFlags } from './analyze-images-flags.js';
import { addScanHistoryOptions, historyScanOptions, type HistoryFlags } from './history-flags.js';
import type { CommandRegistrar } from './main.js';
import { addScanResolveOptions, mergeRunOptions, resolveScanOptions, type ResolveFlags } from './resolve-flags.js';
import { addScanVerifyOptions, verifyScanOptions, type VerifyFlags } from './verify-flags.js';
import { writeOutput } from './write-output.js';
import { policyAtBase, type PolicyAtBase } from './policy-at-base.js';
import type { RunOptions } from '../engine/run.js';
import type { ReviewedChange } from '../engine/settings.js';
import type { ScanReport } from '../report/report.js';

export const registerScanCommand: CommandRegistrar = (program: Command, setExit) => {
  const command = program
    .command('scan')
    .description('scan a GitOps repository and report findings')
    .argument('[path]', 'repository to scan', '.')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices([...SEVERITIES, 'none']))
    .option('-c, --config <file>', 'configuration file (default: <path>/.rampart.yaml)')
    .option('-r, --rule <id>', 'run only these rules (repeat, or ID,ID…)', listParser())
    .option('-l, --layer <layer>', `run only the rules of these layers: ${LAYERS.join(', ')} (repeat, or LAYER,LAYER…; with -r: the rules in both)`, listParser(LAYERS))
    .option('--baseline <file>', 'report only findings that are not in this baseline (see `rampart baseline`)')
    .option('--no-color', 'never colour the output')
    .option('--no-group', 'list every finding in text, Markdown and HTML, even when a rule fires 10 or more times under one folder')
    .option('-q, --quiet', 'print only the report, no progress or notes')
    .option('--debug', 'show stack traces for errors');
  addScanAnalyzeImagesOptions(addScanDepsOptions(addScanForgeOptions(addScanHistoryOptions(addScanVerifyOptions(addScanResolveOptions(command))))))
    .action(async (path: string, options: ScanFlags) => {
      setExit(await runScan(path, options));
    });
};

export interface ScanFlags extends VerifyFlags, ResolveFlags, HistoryFlags, ScanForgeFlags, ScanDepsFlags, AnalyzeImagesFlags {
  format?: string;
  output?: string;
  failOn?: Severity | 'none';
  config?: string;
  rule?: string[];
  layer?: Layer[];
  baseline?: string;
  color?: boolean;
  group?: boolean;
  quiet?: boolean;
  debug?: boolean;
}

export async function runScan(root: string, given: ScanFlags): Promise<ExitCode> {
  let atBase: PolicyAtBase<ScanFlags> | undefined;
  try {
    // a pull request is judged by its base's policy: config, baseline and trust files as the base has them
    atBase = given.since !== undefined || given.range !== undefined ? await policyAtBase(root, given) : undefined;
    const flags = atBase?.flags ?? given;
    const baseline = flags.baseline ? await loadBaseline(flags.baseline) : undefined;
    const only = selectedRules(flags);
    const { maxFileSize, ...history } = withReview(await historyScanOptions(root, flags, flags.config, only), atBase?.review);
    const resolving = await resolveScanOptions(flags);
    const verifying = await verifyScanOptions(flags);
    const dependencies = await depsScanOptions(flags);
    const forge = await scanForgeOptions(root, flags);
    const images = await analyzeImagesOptions(flags, resolving.settings?.resolve?.client);
    const { report: scanned } = await scan(root, {
      ...(flags.config ? { configPath: flags.config } : {}),
      ...(atBase?.configWithin ? { configWithin: atBase.configWithin } : {}),
      ...(flags.failOn ? { failOn: flags.failOn } : {}),
      ...(only ? { only } : {}),
      ...(maxFileSize !== undefined ? { maxFileSize } : {}),
      ...mergeRunOptions(verifying, resolving, history, forge, dependencies),
      ...(images.passes ? { passes: images.passes } : {}),
    }).finally(() => Promise.all([images.close(), resolving.close(), verifying.close(), forge.close(), dependencies.close()]));
    const withImages = images.pass ? { ...scanned, images: images.pass.images } : scanned;
    const reviewed = atBase ? withPolicyNote(withImages, atBase.review) : withImages;
    const report = baseline && given.baseline ? withBaseline(reviewed, baseline, given.baseline) : reviewed;
    const format = flags.format ?? 'text';
    const reporter = await loadReporter(format);
    if (!reporter) throw new Error(`unknown format ${format}`);
    const color = format === 'text' && !flags.output && flags.color !== false && process.stdout.isTTY === true && !process.env['NO_COLOR'];
    await writeOutput(reporter(report, { color, group: flags.group !== false }), flags.output);
    if (flags.output && !flags.quiet) {
      process.stderr.write(`rampart: ${report.findings.length} findings written to ${flags.output}\n`);
    }
    if (!report.complete) {
      if (!flags.quiet && format !== 'text') {
        const unchecked = report.diagnostics.filter((d) => d.kind === 'incomplete');
        for (const d of unchecked) process.stderr.write(`rampart: ${terminalSafe(`${d.path}${d.line ? `:${d.line}:${d.column ?? 1}` : ''}: ${d.message}`)}\n`);
        process.stderr.write(`rampart: scan incomplete: ${uncheckedSummary(unchecked)}\n`);
      }
      return EXIT.error;
    }
    return shouldFail(report.findings, report.failOn) ? EXIT.findings : EXIT.ok;
  } catch (error) {
    process.stderr.write(`rampart: ${describeError(error, given.debug === true)}\n`);
    return EXIT.error;
  } finally {
    atBase?.dispose();
  }
}

function withReview<T extends Pick<RunOptions, 'settings'>>(options: T, review: ReviewedChange | undefined): T {
  const history = options.settings?.history;
  if (!review || !history) return options;
  return { ...options, settings: { ...options.settings, history: { ...history, review } } };
}

/** A change scan says which revision's policy it applied. */
function withPolicyNote(report: ScanReport, review: ReviewedChange): ScanReport {
  const note = { path: '.', message: `change scan: config, baseline and trust files in the repository were read as ${review.baseName} (${review.base.slice(0, 12)}) has them`, kind: 'note' as const };
  return { ...report, diagnostics: [...report.diagnostics, note] };
}

/** `-r` and `--layer` narrow the rules together; undefined runs them all. */
function selectedRules(flags: ScanFlags): string[] | undefined {
  if (!flags.layer) return flags.rule;
  const layers = new Set<string>(flags.layer);
  const inLayers = RULE_INDEX.filter((rule) => layers.has(rule.layer)).map((rule) => rule.id);
  if (!flags.rule) return inLayers;
  const selected = flags.rule.filter((id) => inLayers.includes(id) || !RULE_INDEX.some((rule) => rule.id === id));
  if (selected.length === 0) throw new RampartError('usage', `none of the rules given with -r is in the layers ${flags.layer.join(', ')}`);
  return selected;
}
