import { Command, CommanderError } from 'commander';
import { describeError } from '../errors.js';
import { VERSION } from '../version.js';
import { EXIT, type ExitCode } from './exit.js';
import { guardStdout, unhandledStdoutFailure } from './write-output.js';

/** Each command registers itself and reports its exit code through `setExit`. */
export type CommandRegistrar = (program: Command, setExit: (code: ExitCode) => void) => void;

/**
 * Each command's module by the names it registers, in help order, loaded on demand: a run of one
 * command loads that command's code only (a scan does not load pin, verify or the image reader).
 */
const COMMANDS: ReadonlyArray<{ readonly names: readonly string[]; readonly load: () => Promise<CommandRegistrar> }> = [
  { names: ['scan'], load: async () => (await import('./scan-command.js')).registerScanCommand },
  { names: ['rules', 'explain'], load: async () => (await import('./rules-commands.js')).registerRulesCommands },
  { names: ['baseline'], load: async () => (await import('./baseline-command.js')).registerBaselineCommand },
  { names: ['pin'], load: async () => (await import('./pin-command.js')).registerPinCommand },
  { names: ['verify'], load: async () => (await import('./verify-command.js')).registerVerifyCommand },
  { names: ['image'], load: async () => (await import('./image-command.js')).registerImageCommand },
  { names: ['serve'], load: async () => (await import('./serve-command.js')).registerServeCommand },
  { names: ['forge'], load: async () => (await import('./forge-command.js')).registerForgeCommand },
  { names: ['watch'], load: async () => (await import('./watch-command.js')).registerWatchCommand },
  { names: ['deps'], load: async () => (await import('./deps-command.js')).registerDepsCommand },
  { names: ['db'], load: async () => (await import('./db-command.js')).registerDbCommand },
];

/** The commands a run needs: the one it names, or all of them (help, version, a mistyped name). */
function commandsFor(argv: readonly string[]): typeof COMMANDS {
  const named = COMMANDS.filter((command) => command.names.includes(argv[0] ?? ''));
  return named.length > 0 ? named : COMMANDS;
}

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
  for (const register of await Promise.all(commandsFor(argv).map((command) => command.load()))) register(program, setExit);
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
