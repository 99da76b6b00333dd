import { performance } from 'node:perf_hooks';
import { Option, type Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { DEFAULT_CONFIG } from '../config/schema.js';
import { loadBaseline, withBaseline } from '../engine/baseline.js';
import { runRules, shouldFail } from '../engine/run.js';
import { describeError } from '../errors.js';
import { parseForgeTarget } from '../forge/target.js';
import { uncheckedSummary } from '../model/diagnostic.js';
import { Workspace } from '../model/workspace.js';
import { SEVERITIES, type Severity } from '../model/severity.js';
import { FORMATS, REPORTERS, type ScanReport } from '../report/index.js';
import { terminalSafe } from '../report/terminal-safe.js';
import { RULES } from '../rules/index.js';
import { checkRuleIds, scan } from '../scan.js';
import { readGitRemotes } from '../sources/git-remotes.js';
import { VERSION } from '../version.js';
import { EXIT, type ExitCode } from './exit.js';
import { addForgeConnectionOptions, forgeRunOptions, type ForgeFlags } from './forge-flags.js';
import { listParser } from './list-option.js';
import type { CommandRegistrar } from './main.js';
import { writeOutput } from './write-output.js';

interface ForgeCommandFlags extends ForgeFlags {
  path?: string;
  branch?: string[];
  format?: string;
  output?: string;
  failOn?: Severity | 'none';
  config?: string;
  rule?: string[];
  baseline?: string;
  color?: boolean;
  quiet?: boolean;
  debug?: boolean;
}

export const registerForgeCommand: CommandRegistrar = (program: Command, setExit) => {
  const command = program
    .command('forge')
    .description('check a GitHub or GitLab repository\'s settings: branch protection and rulesets, deploy keys, access, Actions, secret scanning, webhooks (network)')
    .argument('<repo-url>', 'the repository: https://github.com/OWNER/NAME, git@gitlab.com:GROUP/PROJECT.git, https://ghe.example.com/OWNER/NAME …')
    .option('-p, --path <dir>', 'a checkout whose Argo CD Applications and Flux GitRepositories name the branches to check (default: the current directory when its remote is this repository)')
    .option('-b, --branch <branch>', 'check these branches (repeat, or A,B…) instead of the deployed ones or the default branch', listParser())
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices([...SEVERITIES, 'none']))
    .option('-c, --config <file>', 'configuration file (default: <path>/.rampart.yaml)')
    .option('-r, --rule <id>', 'run only these rules (repeat, or ID,ID…)', listParser())
    .option('--baseline <file>', 'report only findings that are not in this baseline')
    .option('--no-color', 'never colour the output')
    .option('-q, --quiet', 'print only the report')
    .option('--debug', 'show stack traces for errors');
  addForgeConnectionOptions(command, '').action(async (url: string, flags: ForgeCommandFlags) => {
    setExit(await runForge(url, flags));
  });
};

const FORGE_RULE_IDS = RULES.filter((rule) => rule.requires === 'forge').map((rule) => rule.id);

async function runForge(url: string, flags: ForgeCommandFlags): Promise<ExitCode> {
  let close = async (): Promise<void> => undefined;
  try {
    const forge = await forgeRunOptions(url, flags, flags.branch);
    close = forge.close;
    const only = flags.rule ?? FORGE_RULE_IDS;
    const root = flags.path ?? (await checkoutOf(url, flags) ? '.' : undefined);
    const scanned = root !== undefined
      ? (await scan(root, { ...(flags.config ? { configPath: flags.config } : {}), ...(flags.failOn ? { failOn: flags.failOn } : {}), only, settings: forge.settings, capabilities: forge.capabilities })).report
      : await remoteOnly(url, flags, only, forge);
    const report = flags.baseline ? withBaseline(scanned, await loadBaseline(flags.baseline), flags.baseline) : scanned;
    const format = flags.format ?? 'text';
    const reporter = REPORTERS[format]!;
    const color = format === 'text' && !flags.output && flags.color !== false && process.stdout.isTTY === true && !process.env['NO_COLOR'];
    await writeOutput(reporter(report, { color }), flags.output);
    if (!report.complete) {
      if (!flags.quiet && format !== 'text') {
        const unchecked = report.diagnostics.filter((d) => d.kind === 'incomplete');
        for (const d of unchecked) process.stderr.write(`rampart: ${terminalSafe(d.message)}\n`);
        process.stderr.write(`rampart: check incomplete: ${uncheckedSummary(unchecked)}\n`);
      }
      return EXIT.error;
    }
    return shouldFail(report.findings, report.failOn) ? EXIT.findings : EXIT.ok;
  } catch (error) {
    process.stderr.write(`rampart: ${describeError(error, flags.debug === true)}\n`);
    return EXIT.error;
  } finally {
    await close();
  }
}

/** The current directory counts as the repository's checkout when one of its remotes is the repository. */
async function checkoutOf(url: string, flags: ForgeFlags): Promise<boolean> {
  const target = parseForgeTarget(url, { ...(flags.forgeType ? { kind: flags.forgeType } : {}) });
  const remotes = await readGitRemotes('.');
  return remotes.includes(`${target.host}/${target.path}`.toLowerCase());
}

/** No checkout: no manifests name branches, so the default branch (or `--branch`) is checked. */
async function remoteOnly(url: string, flags: ForgeCommandFlags, only: readonly string[], forge: Awaited<ReturnType<typeof forgeRunOptions>>): Promise<ScanReport> {
  const started = performance.now();
  const config = flags.config ? await loadConfig('.', flags.config) : DEFAULT_CONFIG;
  checkRuleIds(config, RULES, only);
  const result = await runRules(Workspace.fromTexts({}), config, RULES, { only, settings: forge.settings, capabilities: forge.capabilities });
  return {
    toolVersion: VERSION,
    root: url,
    findings: result.findings,
    diagnostics: result.diagnostics,
    complete: result.complete,
    suppressed: result.suppressed,
    rules: result.rulesRun,
    failOn: flags.failOn ?? config.failOn,
    docsBaseUrl: config.docsBaseUrl,
    stats: { files: 0, bytes: 0, durationMs: performance.now() - started, skippedBinary: 0, skippedLarge: 0 },
  };
}
