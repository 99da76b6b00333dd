import { terminalSafe } from '../report/terminal-safe.js';
import type { Command } from 'commander';
import { describeError } from '../errors.js';
import { runPin, unifiedDiff, type PinRunResult } from '../pin/run-pin.js';
import { checkInsecureRegistry } from '../resolve/endpoint.js';
import { GitRefResolver } from '../resolve/git-refs.js';
import { HttpRegistryClient } from '../resolve/registry-client.js';
import { EXIT, type ExitCode } from './exit.js';
import type { CommandRegistrar } from './main.js';
import { createProgress } from './progress.js';
import { listParser } from './list-option.js';
import { writeOutput } from './write-output.js';
import { secondsProblem } from './seconds-option.js';

export interface PinFlags {
  dryRun?: boolean;
  insecureRegistry?: string[];
  timeout?: string;
  images?: boolean;
  gitRefs?: boolean;
  config?: string;
  quiet?: boolean;
  debug?: boolean;
}

export const registerPinCommand: CommandRegistrar = (program: Command, setExit) => {
  program
    .command('pin')
    .description('pin image tags to digests and git refs (Actions, Kustomize remotes, Terraform modules) to commit SHAs')
    .argument('[path]', 'repository to rewrite', '.')
    .option('--dry-run', 'print a unified diff instead of writing; exit 1 if anything would change')
    .option('--insecure-registry <host>', 'reach this registry (HOST or HOST:PORT) over plain HTTP (repeat, or HOST,HOST…)', listParser())
    .option('--timeout <seconds>', 'give up on a registry request after this long', '10')
    .option('--no-images', 'leave image references alone')
    .option('--no-git-refs', 'leave Actions, Kustomize remotes and Terraform modules alone')
    .option('-c, --config <file>', 'configuration file (default: <path>/.rampart.yaml)')
    .option('-q, --quiet', 'print only the diff and failures')
    .option('--debug', 'show stack traces for errors')
    .action(async (path: string, flags: PinFlags) => {
      setExit(await runPinCommand(path, flags));
    });
};

export async function runPinCommand(root: string, flags: PinFlags): Promise<ExitCode> {
  const insecure = flags.insecureRegistry ?? [];
  const badHost = insecure.map(checkInsecureRegistry).find((problem) => problem !== undefined);
  const seconds = Number(flags.timeout ?? '10');
  const problem = badHost ?? secondsProblem('--timeout', flags.timeout ?? '10');
  if (problem) {
    process.stderr.write(`rampart: ${problem}\n`);
    return EXIT.error;
  }
  const registry = new HttpRegistryClient({ insecureRegistries: insecure, timeoutMs: Math.round(seconds * 1000) });
  const progress = createProgress({ label: 'resolving', quiet: flags.quiet === true });
  try {
    const result = await runPin(root, {
      registry,
      git: new GitRefResolver(),
      dryRun: flags.dryRun === true,
      images: flags.images !== false,
      gitRefs: flags.gitRefs !== false,
      ...(flags.config ? { configPath: flags.config } : {}),
      onResolved: (_done, total) => {
        progress.setTotal(total);
        progress.tick();
      },
    });
    progress.done();
    const { plan, changes, fileErrors } = result;
    if (flags.dryRun && changes.length > 0) await writeOutput(unifiedDiff(changes), undefined);
    for (const failure of plan.failures) {
      process.stderr.write(`rampart: not pinned: ${terminalSafe(`${failure.path}:${failure.line} ${failure.subject}: ${failure.reason}`)}\n`);
    }
    if (!flags.quiet) {
      for (const skip of plan.skipped) process.stderr.write(`rampart: left as is: ${terminalSafe(`${skip.path}:${skip.line} ${skip.subject}: ${skip.reason}`)}\n`);
      for (const stale of result.staleRemoved) process.stderr.write(`rampart: removed a temporary file an interrupted run left: ${terminalSafe(stale)}\n`);
    }
    for (const problem of fileErrors) process.stderr.write(`rampart: not written: ${terminalSafe(problem)}\n`);
    if (!flags.quiet) process.stderr.write(`rampart: ${summary(result, flags.dryRun === true, registry.requestCount)}\n`);
    if (plan.failures.length > 0 || fileErrors.length > 0) return EXIT.error;
    return flags.dryRun && changes.length > 0 ? EXIT.findings : EXIT.ok;
  } catch (error) {
    progress.done();
    process.stderr.write(`rampart: ${describeError(error, flags.debug === true)}\n`);
    return EXIT.error;
  } finally {
    await registry.close();
  }
}

/** What changed, counting only files actually written (or that would be, on a dry run). */
function summary(result: PinRunResult, dryRun: boolean, requests: number): string {
  const { plan, fileErrors } = result;
  const fileCount = dryRun ? result.changes.length : result.written.length;
  const files = fileCount === 1 ? '1 file' : `${fileCount} files`;
  const references = result.pinnedCount === 1 ? '1 reference' : `${result.pinnedCount} references`;
  const notes = [
    plan.failures.length > 0 ? `${plan.failures.length} could not be resolved` : '',
    fileErrors.length > 0 ? `${fileErrors.length} ${fileErrors.length === 1 ? 'file' : 'files'} not written` : '',
    plan.skipped.length > 0 ? `${plan.skipped.length} left as is` : '',
  ].filter(Boolean);
  return `${dryRun ? 'would pin' : 'pinned'} ${references} in ${files} (${plan.resolutions} unique, ${requests} registry requests)${notes.map((note) => `; ${note}`).join('')}`;
}
