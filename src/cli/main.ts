import { Command, CommanderError } from 'commander';
import { describeError } from '../errors.js';
import { VERSION } from '../version.js';
import { EXIT, type ExitCode } from './exit.js';
import { registerBaselineCommand } from './baseline-command.js';
import { registerForgeCommand } from './forge-command.js';
import { registerImageCommand } from './image-command.js';
import { registerPinCommand } from './pin-command.js';
import { registerRulesCommands } from './rules-commands.js';
import { registerScanCommand } from './scan-command.js';
import { registerServeCommand } from './serve-command.js';
import { registerVerifyCommand } from './verify-command.js';
import { guardStdout, unhandledStdoutFailure } from './write-output.js';

/** Each command registers itself and reports its exit code through `setExit`. */
export type CommandRegistrar = (program: Command, setExit: (code: ExitCode) => void) => void;

const COMMANDS: readonly CommandRegistrar[] = [
  registerScanCommand,
  registerRulesCommands,
  registerBaselineCommand,
  registerPinCommand,
  registerVerifyCommand,
  registerImageCommand,
  registerServeCommand,
  registerForgeCommand,
];

/** Runs the CLI and returns its exit code; never throws and never prints a stack trace without --debug. */
export async function main(argv: readonly string[]): Promise<ExitCode> {
  const debug = argv.includes('--debug');
  let exitCode: ExitCode = EXIT.ok;
  const setExit = (code: ExitCode): void => {
    exitCode = code;
  };
  const program = new Command()
    .name('rampart')
    .description('Guard a GitOps pipeline end to end: images, secrets, operators, dependencies, signatures.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  for (const register of COMMANDS) register(program, setExit);
  guardStdout();

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.error;
    }
    process.stderr.write(`rampart: ${describeError(error, debug)}\n`);
    return EXIT.error;
  }
  const lateFailure = await unhandledStdoutFailure();
  if (lateFailure) {
    process.stderr.write(`rampart: ${lateFailure}\n`);
    return EXIT.error;
  }
  return exitCode;
}
