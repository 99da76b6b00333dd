import { Command, CommanderError, Option } from 'commander';
import { describeError, RampartError } from '../errors.js';
import { SEVERITIES } from '../model/severity.js';
import { FORMATS } from '../report/index.js';
import { VERSION } from '../version.js';
import { EXIT, type ExitCode } from './exit.js';
import { registerRulesCommands } from './rules-commands.js';
import { runScan } from './scan-command.js';

/** Runs the CLI and returns its exit code; never throws and never prints a stack trace without --debug. */
export async function main(argv: readonly string[]): Promise<ExitCode> {
  const debug = argv.includes('--debug');
  let exitCode: ExitCode = EXIT.ok;
  const program = new Command()
    .name('rampart')
    .description('Guard a GitOps pipeline end to end: images, secrets, operators, dependencies, signatures.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

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
    .action(async (path: string, options: Record<string, unknown>) => {
      exitCode = await runScan(path, options);
    });

  registerRulesCommands(program, (code) => {
    exitCode = code;
  });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.error;
    }
    process.stderr.write(`rampart: ${describeError(error, debug)}\n`);
    return EXIT.error;
  }
  return exitCode;
}

export { RampartError };
