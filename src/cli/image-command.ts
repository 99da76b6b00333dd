import { Option, type Command } from 'commander';
import { shouldFail } from '../engine/should-fail.js';
import { describeError, RampartError } from '../errors.js';
import { ImageInputError } from '../image/blob-source.js';
import type { ImageAnalysisOptions } from '../image/malware/analyze-image.js';
import { YaraRuleError } from '../image/malware/yara-engine.js';
import type { AnalysisResult } from '../image/result-cache.js';
import { SEVERITIES, type Severity } from '../model/severity.js';
import { DEFAULT_CONFIG } from '../config/schema.js';
import { FORMATS, loadReporter } from '../report/formats.js';
import type { ScanReport } from '../report/report.js';
import { terminalSafe } from '../report/terminal-safe.js';
import { ResolveError } from '../resolve/errors.js';
import imageVulnerability from '../rules/artifacts/image-vulnerability.js';
import { VERSION } from '../version.js';
import { imageReadingFlags } from './analyze-images-flags.js';
import { EXIT, type ExitCode } from './exit.js';
import { listParser } from './list-option.js';
import type { CommandRegistrar } from './main.js';
import { writeOutput } from './write-output.js';

interface ImageFlags {
  platform?: string;
  allPlatforms?: boolean;
  format?: string;
  output?: string;
  failOn?: Severity | 'none';
  insecureRegistry?: string[];
  registryTimeout?: string;
  color?: boolean;
  cache?: boolean;
  quiet?: boolean;
  debug?: boolean;
  yaraRules?: string[];
  yaraEngine?: 'auto' | 'yara-x' | 'yara';
  clamav?: boolean;
  clamdSocket?: string;
  clamavDb?: string;
  db?: string;
  maxDbAge?: string;
  blocklist?: string;
  config?: string;
}

export const registerImageCommand: CommandRegistrar = (program: Command, setExit) => {
  program
    .command('image')
    .description('read an image (registry reference, OCI layout directory or docker save tarball): integrity, contents, findings')
    .argument('<image>', 'REF (registry/repository[:tag][@digest]), an OCI layout DIR, or a docker save / docker-archive TAR; PATH:TAG picks a tag')
    .option('--platform <os/arch[/variant]>', 'the platform to read from a multi-platform image', 'linux/amd64')
    .option('--all-platforms', 'read every platform of a multi-platform image')
    .addOption(new Option('-f, --format <format>', 'output format; cyclonedx (1.6 JSON) and spdx (2.3 JSON) write an SBOM').choices([...FORMATS, 'cyclonedx', 'spdx']).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices([...SEVERITIES, 'none']).default('high'))
    .option('--insecure-registry <host>', 'reach this registry (HOST or HOST:PORT) over plain HTTP (repeat, or HOST,HOST…)', listParser())
    .option('--registry-timeout <seconds>', 'give up on a registry request (headers, or a pause in a download) after this long', '30')
    .option('--no-cache', 'read every layer even when an earlier run cached what it holds ($XDG_CACHE_HOME/rampart or ~/.cache/rampart)')
    .option('--yara-rules <dir>', 'also match the YARA rules (.yar/.yara files) under DIR against every layer\'s executables, scripts and libraries (repeat for more)', (value: string, previous: string[] = []) => [...previous, value])
    .addOption(new Option('--yara-engine <engine>', 'YARA-X in process, or Debian\'s yara command (auto: YARA-X, else yara)').choices(['auto', 'yara-x', 'yara']).default('auto'))
    .option('--clamav', 'also scan every layer file with ClamAV: clamd (--clamd-socket, or Debian\'s /run/clamav/clamd.ctl) or else clamscan')
    .option('--clamd-socket <socket>', 'the clamd socket to use with --clamav: a Unix socket PATH or HOST:PORT')
    .option('--clamav-db <dir>', 'the signature database clamscan loads with --clamav (default /var/lib/clamav)')
    .option('--db <dir>', 'the vulnerability database to match packages against (rampart db import; default: $XDG_CACHE_HOME/rampart/vulndb)')
    .option('--max-db-age <age>', 'fail (exit 2) when the vulnerability data the image was checked against is older than this (36h, 7d, 2w)')
    .option('--blocklist <file>', 'SHA-256 digests of known-bad files, one a line with an optional comment: a listed file in any layer is image-malware')
    .option('-c, --config <file>', 'configuration file whose images policy (images.minSeverity, images.ignore) applies (default: ./.rampart.yaml)')
    .option('--no-color', 'never colour the output')
    .option('-q, --quiet', 'print only the report')
    .option('--debug', 'show stack traces for errors')
    .action(async (image: string, flags: ImageFlags) => setExit(await runImage(image, flags)));
};

async function analyzeWithBlocklist(input: string, list: string, options: ImageAnalysisOptions): Promise<AnalysisResult> {
  const { loadBlocklist, blocklistVisitors } = await import('../image/blocklist.js');
  const blocklist = blocklistVisitors(await loadBlocklist(list), {});
  const { analyzeImage } = await import('../image/malware/analyze-image.js');
  const analyzed = await analyzeImage(input, { ...blocklist.options, ...options });
  const listed = blocklist.findings(analyzed.display, analyzed.images);
  return {
    ...analyzed,
    findings: [...analyzed.findings, ...listed.findings],
    diagnostics: [...analyzed.diagnostics, ...(listed.skipped > 0 ? [{ path: analyzed.display, kind: 'skipped' as const, message: `${listed.skipped} files over 256 MiB were not hashed for the blocklist` }] : [])],
  };
}

export async function runImage(input: string, flags: ImageFlags): Promise<ExitCode> {
  // Date.now, not performance.now: the global `performance` loads perf_hooks (~1.5 ms), and milliseconds are all a report shows
  const started = Date.now();
  try {
    const { insecureRegistries, seconds, maxDbAge } = await imageReadingFlags(flags);
    const { findImageVulnerabilities, checkDatabaseAge } = await import('../vuln/image-vulnerabilities.js');
    if ((flags.clamdSocket || flags.clamavDb) && !flags.clamav) throw new RampartError('usage', `${flags.clamdSocket ? '--clamd-socket' : '--clamav-db'} is for --clamav, which was not given`);
    const { loadConfig } = await import('../config/load.js');
    const config = await loadConfig(process.cwd(), flags.config);
    const { VulnerabilityDatabase } = await import('../vuln/store.js');
    const database = await VulnerabilityDatabase.open(flags.db);
    const options = {
      ...(flags.yaraRules ? { yaraRules: flags.yaraRules } : {}),
      ...(flags.yaraEngine ? { yaraEngine: flags.yaraEngine } : {}),
      ...(flags.clamav ? { clamav: { ...(flags.clamdSocket ? { socket: flags.clamdSocket } : {}), ...(flags.clamavDb ? { database: flags.clamavDb } : {}) } } : {}),
      ...(flags.platform ? { platform: flags.platform } : {}),
      allPlatforms: flags.allPlatforms === true,
      insecureRegistries,
      registryTimeoutMs: Math.round(seconds * 1000),
      ...(flags.cache === false ? { cacheDirectory: false as const } : {}),
    };
    // blocklist findings need each image's files: that run is always analysed, never answered by the result cache
    const inspection = flags.blocklist ? await analyzeWithBlocklist(input, flags.blocklist, options) : await import('../image/result-cache.js').then(({ analyzeImageOnce }) => analyzeImageOnce(input, options));
    const vulnerabilities = await findImageVulnerabilities(inspection.display, inspection.images, database);
    await database?.close();
    if (maxDbAge !== undefined) checkDatabaseAge(database, [...new Set(vulnerabilities.results.flatMap(({ result }) => result.ecosystemsUsed))], maxDbAge, flags.maxDbAge!);
    const format = flags.format ?? 'text';
    const failOn = flags.failOn ?? 'high';
    const { ImagePolicy, policyNote } = await import('../image/deployed/policy.js');
    const policy = new ImagePolicy(config.images, config.source ?? '.rampart.yaml');
    const outcome = policy.apply([...inspection.findings, ...vulnerabilities.findings], inspection.images[0]?.reference?.name ?? inspection.display);
    const report: ScanReport = {
      toolVersion: VERSION,
      root: inspection.display,
      findings: outcome.kept,
      diagnostics: [...policy.expiredNotes(), ...inspection.diagnostics, ...vulnerabilities.diagnostics, ...policyNote(outcome, config.source ?? '.rampart.yaml')],
      complete: inspection.complete,
      suppressed: 0,
      rules: [...inspection.rules, imageVulnerability],
      failOn,
      docsBaseUrl: DEFAULT_CONFIG.docsBaseUrl,
      stats: {
        files: inspection.images.reduce((sum, image) => sum + image.layers.reduce((count, layer) => count + layer.entries, 0), 0),
        bytes: inspection.images.reduce((sum, image) => sum + image.layers.reduce((count, layer) => count + layer.size, 0), 0),
        durationMs: Date.now() - started,
        skippedBinary: 0,
        skippedLarge: 0,
      },
    };
    const { imageOutput } = await import('../image/output.js');
    const color = format === 'text' && !flags.output && flags.color !== false && process.stdout.isTTY === true && !process.env['NO_COLOR'];
    // only the asked format's writer is loaded (cyclonedx and spdx are written by imageOutput itself)
    const reporter = await loadReporter(format);
    await writeOutput(imageOutput(format, report, inspection, { color, vulnerabilities }, reporter ? { [format]: reporter } : {}), flags.output);
    if (!inspection.complete) return EXIT.error;
    return shouldFail(report.findings, failOn) ? EXIT.findings : EXIT.ok;
  } catch (error) {
    const { StaleDatabaseError } = await import('../vuln/image-vulnerabilities.js');
    const { DatabaseError } = await import('../vuln/store.js');
    const known = error instanceof ImageInputError || error instanceof ResolveError || error instanceof YaraRuleError || error instanceof StaleDatabaseError || error instanceof DatabaseError;
    process.stderr.write(`rampart: ${known && !flags.debug ? terminalSafe(error.message) : describeError(error, flags.debug === true)}\n`);
    return EXIT.error;
  }
}
