import { Option, type Command } from 'commander';
import type { ScanPass } from '../engine/run.js';
import { RampartError } from '../errors.js';
import type { DeployedImagesPass } from '../image/deployed/analyze-deployed.js';
import { checkInsecureRegistry } from '../resolve/endpoint.js';
import type { RegistryClient } from '../resolve/types.js';
import { secondsProblem } from './seconds-option.js';

/** The `--analyze-images` flags of `rampart scan`. */
export interface AnalyzeImagesFlags {
  analyzeImages?: boolean;
  platform?: string;
  yaraRules?: string[];
  yaraEngine?: 'auto' | 'yara-x' | 'yara';
  db?: string;
  maxDbAge?: string;
  blocklist?: string;
  clamav?: boolean;
  clamdSocket?: string;
  clamavDb?: string;
  imageCache?: boolean;
  cacheDir?: string;
  insecureRegistry?: string[];
  registryTimeout?: string;
}

export function addScanAnalyzeImagesOptions(command: Command): Command {
  return command
    .option('--analyze-images', 'pull every image the repository deploys (a tag is resolved to its digest) and report its vulnerabilities, malware, tampering and secrets at the lines that name it (network)')
    .option('--platform <os/arch[/variant]>', 'with --analyze-images: the platform to read from multi-platform images', 'linux/amd64')
    .option('--yara-rules <dir>', 'with --analyze-images: also match the YARA rules under DIR (repeat for more)', (value: string, previous: string[] = []) => [...previous, value])
    .addOption(new Option('--yara-engine <engine>', 'with --analyze-images: YARA-X in process, or Debian\'s yara command').choices(['auto', 'yara-x', 'yara']).default('auto'))
    .option('--db <dir>', 'with --analyze-images: the vulnerability database (rampart db import; default: $XDG_CACHE_HOME/rampart/vulndb)')
    .option('--max-db-age <age>', 'with --analyze-images: the scan is incomplete (exit 2) when the vulnerability data is older than this (36h, 7d, 2w)')
    .option('--blocklist <file>', 'with --analyze-images: SHA-256 digests of known-bad files, one a line with an optional comment; a listed file in any layer is image-malware')
    .option('--clamav', 'with --analyze-images: also scan every layer file with ClamAV: clamd (--clamd-socket, or Debian\'s /run/clamav/clamd.ctl) or else clamscan')
    .option('--clamd-socket <socket>', 'with --clamav: the clamd socket, a Unix socket PATH or HOST:PORT')
    .option('--clamav-db <dir>', 'with --clamav: the signature database clamscan loads (default /var/lib/clamav)')
    .option('--no-image-cache', 'with --analyze-images: read every layer even when an earlier run cached what it holds');
}

export interface AnalyzeImagesOptions {
  readonly passes?: readonly ScanPass[];
  readonly pass?: DeployedImagesPass;
  close(): Promise<void>;
}

/** With `--analyze-images`: the YARA engine, database, blocklist and registry client, ready before the tree is read. */
export async function analyzeImagesOptions(flags: AnalyzeImagesFlags, shared?: RegistryClient): Promise<AnalyzeImagesOptions> {
  if (!flags.analyzeImages) {
    const stray = flags.clamav ? '--clamav' : flags.blocklist ? '--blocklist' : flags.maxDbAge ? '--max-db-age' : flags.yaraRules ? '--yara-rules' : flags.db ? '--db' : undefined;
    if (stray) throw new RampartError('usage', `${stray} needs --analyze-images`);
    return { close: async () => undefined };
  }
  const { insecureRegistries, seconds, maxDbAge } = await imageReadingFlags(flags);
  const known = await knownErrors();
  try {
    const { loadBlocklist } = await import('../image/blocklist.js');
    const blocklist = flags.blocklist ? await loadBlocklist(flags.blocklist) : undefined;
    if ((flags.clamdSocket || flags.clamavDb) && !flags.clamav) throw new RampartError('usage', `${flags.clamdSocket ? '--clamd-socket' : '--clamav-db'} is for --clamav, which was not given`);
    const clamav = flags.clamav ? { ...(flags.clamdSocket ? { socket: flags.clamdSocket } : {}), ...(flags.clamavDb ? { database: flags.clamavDb } : {}) } : undefined;
    if (clamav) {
      // not installed, no signatures or a silent clamd: said before the tree is read
      const { createClamAv } = await import('../image/malware/clamav-engine.js');
      await (await createClamAv(clamav)).close();
    }
    const { VulnerabilityDatabase } = await import('../vuln/store.js');
    const database = await VulnerabilityDatabase.open(flags.db);
    const { createYaraEngine } = await import('../image/malware/create-engine.js');
    const engine = await createYaraEngine({ ...(flags.yaraRules ? { ruleLocations: flags.yaraRules } : {}), ...(flags.yaraEngine ? { engine: flags.yaraEngine } : {}) });
    const { HttpRegistryClient } = await import('../resolve/registry-client.js');
    // the --resolve client is reused when it is the HTTP one (its answers are memoised for the scan)
    const client = shared instanceof HttpRegistryClient ? shared : new HttpRegistryClient({ insecureRegistries, timeoutMs: Math.round(seconds * 1000) });
    const { DeployedImagesPass } = await import('../image/deployed/analyze-deployed.js');
    const pass = new DeployedImagesPass({
      client,
      engine,
      ...(flags.platform ? { platform: flags.platform } : {}),
      ...(flags.imageCache === false ? { cacheDirectory: false as const } : flags.cacheDir ? { cacheDirectory: flags.cacheDir } : {}),
      ...(database ? { database } : {}),
      ...(maxDbAge !== undefined ? { maxDbAge: { ms: maxDbAge, text: flags.maxDbAge! } } : {}),
      ...(blocklist ? { blocklist } : {}),
      ...(clamav ? { clamav } : {}),
    });
    return {
      passes: [pass],
      pass,
      close: async () => {
        await engine.close();
        await database?.close();
        if (client !== shared) await client.close();
      },
    };
  } catch (error) {
    if (known.some((type) => error instanceof type)) throw new RampartError('usage', (error as Error).message);
    throw error;
  }
}

/** The registry, platform and database-age flags `rampart image` and `scan --analyze-images` share, checked. */
export async function imageReadingFlags(flags: { insecureRegistry?: string[]; registryTimeout?: string; platform?: string; maxDbAge?: string }): Promise<{ insecureRegistries: string[]; seconds: number; maxDbAge?: number }> {
  const insecureRegistries = flags.insecureRegistry ?? [];
  const problem = insecureRegistries.map(checkInsecureRegistry).find((message) => message !== undefined);
  if (problem) throw new RampartError('usage', problem);
  const timeoutProblem = secondsProblem('--registry-timeout', flags.registryTimeout ?? '30');
  if (timeoutProblem) throw new RampartError('usage', timeoutProblem);
  const seconds = Number(flags.registryTimeout ?? '30');
  if (flags.platform && !/^[a-z0-9_-]+\/[a-z0-9_-]+(\/[a-z0-9_-]+)?$/i.test(flags.platform)) {
    throw new RampartError('usage', `--platform expects os/arch or os/arch/variant (linux/amd64, linux/arm64/v8), not "${flags.platform}"`);
  }
  const { parseMaxAge } = await import('../vuln/image-vulnerabilities.js');
  const maxDbAge = flags.maxDbAge === undefined ? undefined : parseMaxAge(flags.maxDbAge);
  if (flags.maxDbAge !== undefined && maxDbAge === undefined) throw new RampartError('usage', `--max-db-age expects hours, days or weeks (36h, 7d, 2w), not "${flags.maxDbAge}"`);
  return { insecureRegistries, seconds, ...(maxDbAge !== undefined ? { maxDbAge } : {}) };
}

async function knownErrors(): Promise<ReadonlyArray<abstract new (...args: never[]) => Error>> {
  const { ImageInputError } = await import('../image/blob-source.js');
  const { YaraRuleError } = await import('../image/malware/yara-engine.js');
  const { DatabaseError } = await import('../vuln/store.js');
  return [ImageInputError, YaraRuleError, DatabaseError];
}
