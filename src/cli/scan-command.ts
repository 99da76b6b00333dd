import { shouldFail } from '../engine/run.js';
import { describeError } from '../errors.js';
import type { Severity } from '../model/severity.js';
import { REPORTERS } from '../report/index.js';
import { scan } from '../scan.js';
import { EXIT, type ExitCode } from './exit.js';
import { writeOutput } from './write-output.js';

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
