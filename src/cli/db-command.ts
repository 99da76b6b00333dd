import type { Command } from 'commander';
import { describeError } from '../errors.js';
import { terminalSafe, terminalSafeLines } from '../report/terminal-safe.js';
import { EXIT, type ExitCode } from './exit.js';
import type { CommandRegistrar } from './main.js';
import { writeOutput } from './write-output.js';

interface DbFlags {
  db?: string;
  format?: string;
  debug?: boolean;
}

export const registerDbCommand: CommandRegistrar = (program: Command, setExit) => {
  const db = program.command('db').description('the local vulnerability database (OSV data you import; Rampart ships none)');
  db.command('import')
    .description('import OSV advisories: per-ecosystem all.zip exports, directory trees of OSV JSON/YAML, or single files; an ecosystem imported again is replaced')
    .argument('<path...>', 'an OSV all.zip, a directory (read recursively), or a .json/.yaml record')
    .option('--db <dir>', 'the database directory (default: $XDG_CACHE_HOME/rampart/vulndb or ~/.cache/rampart/vulndb)')
    .option('--debug', 'show stack traces for errors')
    .action(async (paths: string[], flags: DbFlags) => setExit(await runDbImport(paths, flags)));
  db.command('status')
    .description('per ecosystem: records, newest modified, import time and source; exit 2 when nothing was imported')
    .option('--db <dir>', 'the database directory (default: $XDG_CACHE_HOME/rampart/vulndb or ~/.cache/rampart/vulndb)')
    .option('-f, --format <format>', 'text or json', 'text')
    .option('--debug', 'show stack traces for errors')
    .action(async (flags: DbFlags) => setExit(await runDbStatus(flags)));
};

function ageInDays(timestamp: string, now = Date.now()): string {
  const at = Date.parse(timestamp);
  if (Number.isNaN(at)) return 'unknown age';
  const days = Math.floor((now - at) / 86_400_000);
  return days <= 0 ? 'today' : `${days} ${days === 1 ? 'day' : 'days'} ago`;
}

function releasesText(ecosystem: string, releases: readonly string[]): string {
  if (releases.length === 1 && releases[0] === ecosystem) return '';
  return releases.length > 4 ? `, ${releases.length} releases` : `, releases ${releases.join(', ')}`;
}

export async function runDbImport(paths: readonly string[], flags: DbFlags): Promise<ExitCode> {
  const started = performance.now();
  try {
    const { importDatabase, defaultDatabaseDirectory } = await import('../vuln/store.js');
    const directory = flags.db ?? defaultDatabaseDirectory();
    const result = await importDatabase(paths, directory, (problem) => process.stderr.write(`rampart: skipped ${terminalSafe(problem)}\n`));
    const entries = Object.entries(result.ecosystems).sort(([a], [b]) => a.localeCompare(b));
    if (entries.length === 0) {
      process.stderr.write(`rampart: no OSV records found in ${paths.map(terminalSafe).join(', ')} (${result.documents} documents read)\n`);
      return EXIT.error;
    }
    const lines = entries.map(([ecosystem, status]) =>
      `${ecosystem}: ${status.records} records${status.withdrawn ? ` (${status.withdrawn} withdrawn)` : ''}, newest modified ${status.newestModified}${releasesText(ecosystem, status.releases)}`);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const problems = result.problems.length ? `; ${result.problems.length} ${result.problems.length === 1 ? 'document was' : 'documents were'} skipped (named above)` : '';
    await writeOutput(`${lines.map(terminalSafe).join('\n')}\nimported ${result.documents} documents into ${terminalSafe(directory)} in ${seconds} s${problems}\n`, undefined);
    return EXIT.ok;
  } catch (error) {
    const { SourceError, DatabaseError } = await import('../vuln/store.js');
    const known = error instanceof SourceError || error instanceof DatabaseError;
    process.stderr.write(`rampart: ${known && !flags.debug ? terminalSafe((error as Error).message) : describeError(error, flags.debug === true)}\n`);
    return EXIT.error;
  }
}

export async function runDbStatus(flags: DbFlags): Promise<ExitCode> {
  try {
    const { VulnerabilityDatabase, defaultDatabaseDirectory } = await import('../vuln/store.js');
    const directory = flags.db ?? defaultDatabaseDirectory();
    const database = await VulnerabilityDatabase.open(directory);
    if (!database) {
      process.stderr.write(`rampart: no vulnerability database in ${terminalSafe(directory)}; import OSV data with rampart db import PATH…\n`);
      return EXIT.error;
    }
    if (flags.format === 'json') {
      await writeOutput(`${JSON.stringify({ directory, ecosystems: database.ecosystems }, null, 2)}\n`, undefined);
      return EXIT.ok;
    }
    const lines = Object.entries(database.ecosystems).sort(([a], [b]) => a.localeCompare(b)).map(([ecosystem, status]) => [
      `${ecosystem}: ${status.records} records${status.withdrawn ? ` (${status.withdrawn} withdrawn)` : ''}`,
      `  newest modified ${status.newestModified} (${ageInDays(status.newestModified)}), imported ${status.importedAt} (${ageInDays(status.importedAt)})`,
      ...(status.releases.length > 1 || status.releases[0] !== ecosystem ? [`  releases: ${status.releases.join(', ')}`] : []),
      `  from ${status.sources.join(', ')}`,
    ].join('\n'));
    await writeOutput(`${terminalSafeLines(`vulnerability database ${directory}\n${lines.join('\n')}`)}\n`, undefined);
    return EXIT.ok;
  } catch (error) {
    process.stderr.write(`rampart: ${describeError(error, flags.debug === true)}\n`);
    return EXIT.error;
  }
}
