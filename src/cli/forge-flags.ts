import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import type { ScanSettings } from '../engine/settings.js';
import { RampartError } from '../errors.js';
import type { ForgeKind } from '../forge/target.js';
import { readGitRemotes } from '../sources/git-remotes.js';
import { listParser } from './list-option.js';

/** The forge flags shared by `rampart forge` and `rampart scan --forge`. */
export interface ForgeFlags {
  forgeType?: ForgeKind;
  apiUrl?: string;
  caFile?: string;
  forgeTimeout?: string;
  rateLimitWait?: string;
}

export function addForgeConnectionOptions(command: Command, prefix: string): Command {
  return command
    .addOption(new Option('--forge-type <type>', `${prefix}which forge a self-hosted host runs (github.com and gitlab.com are known)`).choices(['github', 'gitlab']))
    .option('--api-url <url>', `${prefix}the REST API base (default https://api.github.com, https://HOST/api/v3 for GHES, https://HOST/api/v4 for GitLab)`)
    .option('--ca-file <file>', `${prefix}PEM certificates to trust for the forge's HTTPS, besides the system's (a GHES or GitLab with an internal CA)`)
    .option('--forge-timeout <seconds>', `${prefix}give up on a forge request after this long`, '20')
    .option('--rate-limit-wait <seconds>', `${prefix}wait at most this long for a rate limit to reset before leaving a setting unchecked`, '60');
}

export interface ForgeRunOptions {
  readonly settings: Pick<ScanSettings, 'forge'>;
  readonly capabilities: ReadonlySet<'forge'>;
  close(): Promise<void>;
}

/** The forge client and target for a repository URL; the token from the environment or the gh config. */
export async function forgeRunOptions(url: string, flags: ForgeFlags, branches: readonly string[] | undefined): Promise<ForgeRunOptions> {
  const [{ ForgeHttp }, { parseForgeTarget }, { findToken }] = await Promise.all([import('../forge/http.js'), import('../forge/target.js'), import('../forge/token.js')]);
  const target = parseForgeTarget(url, { ...(flags.forgeType ? { kind: flags.forgeType } : {}), ...(flags.apiUrl ? { apiUrl: flags.apiUrl } : {}) });
  const timeout = seconds(flags.forgeTimeout ?? '20', '--forge-timeout');
  const wait = seconds(flags.rateLimitWait ?? '60', '--rate-limit-wait');
  const token = await findToken(target);
  let dispatcher: import('undici').Dispatcher | undefined;
  if (flags.caFile) {
    const ca = await readFile(flags.caFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new RampartError('usage', `--ca-file ${flags.caFile}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
    });
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new RampartError('usage', `--ca-file ${flags.caFile}: no PEM certificate in it`);
    const { EnvHttpProxyAgent } = await import('undici');
    dispatcher = new EnvHttpProxyAgent({ connect: { ca } });
  }
  const http = new ForgeHttp({ kind: target.kind, ...(token ? { token: token.value } : {}), ...(dispatcher ? { dispatcher } : {}), timeoutMs: timeout * 1000, maxRateLimitWaitMs: wait * 1000 });
  return {
    settings: { forge: { target, http, ...(token ? { token } : {}), ...(branches?.length ? { branches } : {}) } },
    capabilities: new Set(['forge'] as const),
    close: async () => {
      await http.close();
      await dispatcher?.close();
    },
  };
}

function seconds(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new RampartError('usage', `${flag} expects a number of seconds, not "${text}"`);
  return value;
}

/** `rampart scan --forge`: the flags and, without a URL, the scanned checkout's own remote. */
export interface ScanForgeFlags extends ForgeFlags {
  forge?: string | boolean;
  forgeBranch?: string[];
}

export function addScanForgeOptions(command: Command): Command {
  command
    .option('--forge [repo-url]', 'also check the repository\'s GitHub or GitLab settings: branch protection, deploy keys, Actions… (network; default: the checkout\'s remote)')
    .option('--forge-branch <branch>', 'with --forge: check these branches instead of the ones the manifests deploy from (repeat, or A,B…)', listParser());
  return addForgeConnectionOptions(command, 'with --forge: ');
}

export async function scanForgeOptions(root: string, flags: ScanForgeFlags): Promise<Partial<ForgeRunOptions> & { close(): Promise<void> }> {
  if (flags.forge === undefined || flags.forge === false) return { close: async () => undefined };
  const url = typeof flags.forge === 'string' ? flags.forge : await checkoutRemote(root);
  return forgeRunOptions(url, flags, flags.forgeBranch);
}

async function checkoutRemote(root: string): Promise<string> {
  const remotes = await readGitRemotes(root);
  const forges = remotes.filter((remote) => /github|gitlab/i.test(remote.split('/')[0] ?? ''));
  const candidates = forges.length > 0 ? forges : remotes;
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) throw new RampartError('usage', `--forge: ${root} has no git remote to ask about; name the repository: --forge https://HOST/OWNER/NAME`);
  throw new RampartError('usage', `--forge: ${root} has several remotes (${candidates.join(', ')}); name one: --forge https://HOST/OWNER/NAME`);
}
