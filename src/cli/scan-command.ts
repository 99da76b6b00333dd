import { Option, type Command } from 'commander';
import { shouldFail } from '../engine/run.js';
import { describeError } from '../errors.js';
import { SEVERITIES, type Severity } from '../model/severity.js';
import { FORMATS, REPORTERS } from '../report/index.js';
import { scan } from '../scan.js';
import { EXIT, type ExitCode } from './exit.js';
import type { CommandRegistrar } from './main.js';
import { writeOutput } from './write-output.js';

export const registerScanCommand: CommandRegistrar = (program: Command, setExit) => {
  program
    .command('scan')
    .description('scan a GitOps repository and report findings')
    .argument('[path]', 'repository to scan', '.')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices([...SEVERITIES, 'none']))
    .option('-c, --config <file>', 'configuration file (default: <path>/.rampart.yaml)')
    .option('-r, --rule <id...>', 'run only these rules')
    .option('--no-color', 'never colour the output')
    .option('-q, --quiet', 'print only the report, no progress or notes')
    .option('--debug', 'show stack traces for errors')
    .action(async (path: string, options: ScanFlags) => {
      setExit(await runScan(path, options));
    });
};

export interface ScanFlags {
  format?: string;
  output?: string;
  failOn?: Severity | 'none';
  config?: string;
  rule?: string[];
  color?: boolean;
  quiet?: boolean;
  debug?: boolean;
}

export async function runScan(root: string, flags: ScanFlags): Promise<ExitCode> {
  try {
    const { report } = await scan(root, {
      ...(flags.config ? { configPath: flags.config } : {}),
      ...(flags.failOn ? { failOn: flags.failOn } : {}),
      ...(flags.rule ? { only: flags.rule } : {}),
    });
    const format = flags.format ?? 'text';
    const reporter = REPORTERS[format];
    if (!reporter) throw new Error(`unknown format ${format}`);
    const color = format === 'text' && !flags.output && flags.color !== false && process.stdout.isTTY === true && !process.env['NO_COLOR'];
    await writeOutput(reporter(report, { color }), flags.output);
    if (flags.output && !flags.quiet) {
      process.stderr.write(`rampart: ${report.findings.length} findings written to ${flags.output}\n`);
    }
    if (!report.complete) {
      if (!flags.quiet && format !== 'text') {
        process.stderr.write(`rampart: scan incomplete: ${report.diagnostics.filter((d) => d.kind === 'incomplete').length} files could not be checked\n`);
      }
      return EXIT.error;
    }
    return shouldFail(report.findings, report.failOn) ? EXIT.findings : EXIT.ok;
  } catch (error) {
    process.stderr.write(`rampart: ${describeError(error, flags.debug === true)}\n`);
    return EXIT.error;
  }
}
