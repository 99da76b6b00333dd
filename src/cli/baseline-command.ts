import { terminalSafe } from '../report/terminal-safe.js';
import path from 'node:path';
import type { Command } from 'commander';
import { BASELINE_FILE, createBaseline, serializeBaseline } from '../engine/baseline.js';
import { describeError } from '../errors.js';
import { uncheckedSummary } from '../model/diagnostic.js';
import { scan } from '../scan.js';
import { EXIT, type ExitCode } from './exit.js';
import type { CommandRegistrar } from './main.js';
import { writeOutput } from './write-output.js';

export const registerBaselineCommand: CommandRegistrar = (program: Command, setExit) => {
  program
    .command('baseline')
    .description(`record today's findings in ${BASELINE_FILE} so that \`scan --baseline\` reports only new ones`)
    .argument('[path]', 'repository to scan', '.')
    .option('-o, --output <file>', `where to write the baseline (default: <path>/${BASELINE_FILE})`)
    .option('-c, --config <file>', 'configuration file (default: <path>/.rampart.yaml)')
    .option('-q, --quiet', 'print nothing but errors')
    .option('--debug', 'show stack traces for errors')
    .action(async (root: string, options: BaselineFlags) => {
      setExit(await runBaseline(root, options));
    });
};

export interface BaselineFlags {
  output?: string;
  config?: string;
  quiet?: boolean;
  debug?: boolean;
}

/** Scans like `rampart scan` and writes the fingerprints (never snippets or secrets) of every finding. */
export async function runBaseline(root: string, flags: BaselineFlags): Promise<ExitCode> {
  try {
    const { report } = await scan(root, flags.config ? { configPath: flags.config } : {});
    const baseline = createBaseline(report.findings);
    const target = flags.output ?? path.join(root, BASELINE_FILE);
    await writeOutput(serializeBaseline(baseline), target);
    const unchecked = report.diagnostics.filter((diagnostic) => diagnostic.kind === 'incomplete');
    for (const diagnostic of unchecked) {
      process.stderr.write(`rampart: ${terminalSafe(`${diagnostic.path}${diagnostic.line ? `:${diagnostic.line}:${diagnostic.column ?? 1}` : ''}: ${diagnostic.message}`)}\n`);
    }
    if (!flags.quiet) {
      process.stderr.write(`rampart: wrote ${baseline.entries.length} baseline entr${baseline.entries.length === 1 ? 'y' : 'ies'} to ${target}\n`);
    }
    if (unchecked.length > 0) {
      process.stderr.write(`rampart: scan incomplete: ${uncheckedSummary(unchecked)}, so their findings are not in the baseline\n`);
      return EXIT.error;
    }
    return EXIT.ok;
  } catch (error) {
    process.stderr.write(`rampart: ${describeError(error, flags.debug === true)}\n`);
    return EXIT.error;
  }
}
