import { InvalidArgumentError, Option, type Command } from 'commander';
import type { ResolvedConfig } from '../config/schema.js';
import type { ScanSettings } from '../engine/settings.js';
import { describeError, RampartError } from '../errors.js';
import { SEVERITIES, type Severity } from '../model/severity.js';
import type { Rule } from '../rules/rule.js';
import { EXIT, type ExitCode } from './exit.js';
import { listParser } from './list-option.js';
import type { CommandRegistrar } from './main.js';
import { verifySettingsFrom, type VerifyFlags } from './verify-flags.js';

export interface ServeAdmissionFlags extends Pick<VerifyFlags, 'verify' | 'key' | 'certificateIdentity' | 'certificateIdentityRegexp' | 'certificateOidcIssuer' | 'certificateOidcIssuerRegexp' | 'trustedRoot' | 'insecureIgnoreTlog'> {
  tlsCert: string;
  key?: string[];
  tlsKey: string;
  host: string;
  port: string;
  config?: string;
  failOn?: Severity | 'none';
  excludeNamespace: string[];
  namespace?: string[];
  objectSelector?: string;
  warn?: string[];
  audit?: string[];
  insecureRegistry?: string[];
  tagCache?: number;
  verifiedCache?: number;
  debug?: boolean;
}

const DEFAULT_EXCLUDED = ['kube-system'];

export const registerServeCommand: CommandRegistrar = (program: Command, setExit) => {
  const serve = program.command('serve').description('run Rampart as a service');
  serve
    .command('admission')
    .description('a Kubernetes validating admission webhook (AdmissionReview v1 over HTTPS) judging each object with the rules of `scan`')
    .addOption(new Option('--tls-cert <file>', 'PEM certificate chain to serve (reloaded when it changes)').makeOptionMandatory())
    .addOption(new Option('--tls-key <file>', 'PEM private key of the certificate (reloaded when it changes)').makeOptionMandatory())
    .option('--host <address>', 'address to listen on', '0.0.0.0')
    .option('--port <port>', 'port to listen on', '8443')
    .option('-c, --config <file>', 'configuration file (default: ./.rampart.yaml)')
    .addOption(new Option('--fail-on <severity>', 'deny objects with findings at or above this severity; lower ones become warnings (default: the config\'s failOn, else high)').choices([...SEVERITIES, 'none']))
    .option('--exclude-namespace <name>', 'let objects in this namespace through unjudged (repeat, or NS,NS…)', listParser(), undefined)
    .option('--namespace <name>', 'judge only objects in these namespaces, and cluster-scoped ones (repeat, or NS,NS…)', listParser())
    .option('--object-selector <selector>', 'judge only objects whose labels match, kubectl syntax: app=web,env in (prod),!rampart.dev/skip (default: admission.objectSelector of the config)')
    .option('--warn <rule>', 'findings of this rule never deny: they come back as warnings (repeat, or ID,ID…; adds to admission.warn)', listParser())
    .option('--audit <rule>', 'findings of this rule neither deny nor warn: audit annotations and metrics only (repeat, or ID,ID…; adds to admission.audit)', listParser())
    .option('--verify', 'verify the signatures of every image an object runs (needs --key, identity flags or a verify.images config section); fails closed when a registry does not answer')
    .option('--key <file>', 'cosign public key (PEM) trusted for image signatures (repeat for more)', listParser(undefined, false))
    .option('--certificate-identity <identity>', 'keyless: the exact signer identity (e-mail or URI)')
    .option('--certificate-identity-regexp <regexp>', 'keyless: a regular expression the signer identity must match')
    .option('--certificate-oidc-issuer <url>', 'keyless: the exact OIDC issuer')
    .option('--certificate-oidc-issuer-regexp <regexp>', 'keyless: a regular expression the OIDC issuer must match')
    .option('--trusted-root <file>', 'Sigstore trusted_root.json for keyless signatures and transparency log entries')
    .option('--insecure-ignore-tlog', 'accept key-based image signatures without a transparency log entry')
    .option('--insecure-registry <host>', 'reach this registry (HOST or HOST:PORT) over plain HTTP (repeat, or HOST,HOST…)', listParser())
    .option('--tag-cache <duration>', 'how long a tag → digest answer is reused, e.g. 30s, 5m (default 5m)', durationParser)
    .option('--verified-cache <duration>', 'how long a verified digest is reused under the same policy, e.g. 1h, 24h (default 24h)', durationParser)
    .option('--debug', 'show stack traces for errors')
    .action(async (flags: ServeAdmissionFlags) => setExit(await runServeAdmission(flags)));
};

export async function runServeAdmission(flags: ServeAdmissionFlags): Promise<ExitCode> {
  let closeClient = async (): Promise<void> => undefined;
  try {
    const port = Number(flags.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RampartError('usage', `--port expects a port number, not "${flags.port}"`);
    const { loadConfig } = await import('../config/load.js');
    const { checkRuleIds } = await import('../scan.js');
    const { RULES } = await import('../rules/index.js');
    const { startAdmissionServer } = await import('../admission/server.js');
    const { AdmissionMetrics } = await import('../admission/metrics.js');
    const config = await loadConfig(process.cwd(), flags.config);
    checkRuleIds(config, RULES, undefined);
    const modes = ruleModes(config, flags, RULES);
    const objectSelector = await selectorFrom(flags.objectSelector ?? config.admission?.objectSelector, flags.objectSelector !== undefined ? '--object-selector' : `${config.source ?? 'config'}: admission.objectSelector`);
    const metrics = new AdmissionMetrics();
    const verifying = await verifySession(flags, config, metrics);
    closeClient = verifying.close;
    const server = await startAdmissionServer({
      certFile: flags.tlsCert,
      keyFile: flags.tlsKey,
      host: flags.host,
      port,
      config,
      rules: RULES,
      failOn: flags.failOn ?? config.failOn,
      excludeNamespaces: new Set(flags.excludeNamespace ?? DEFAULT_EXCLUDED),
      ...(flags.namespace ? { namespaces: new Set(flags.namespace) } : {}),
      ...(modes.size > 0 ? { modes } : {}),
      ...(objectSelector ? { objectSelector } : {}),
      ...(verifying.settings ? { settings: verifying.settings } : {}),
      metrics,
    }).catch((error: unknown) => {
      throw new RampartError('io-failed', `cannot start the admission webhook: ${(error as Error).message}`, { cause: error });
    });
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
    });
    await server.close();
    await closeClient();
    return EXIT.ok;
  } catch (error) {
    await closeClient();
    process.stderr.write(`rampart: ${describeError(error, flags.debug === true)}\n`);
    return EXIT.error;
  }
}

/** `admission.warn` / `admission.audit` of the config, then the flags; audit wins over warn for a rule named in both. */
function ruleModes(config: ResolvedConfig, flags: ServeAdmissionFlags, rules: readonly Rule[]): Map<string, 'warn' | 'audit'> {
  const known = new Set(rules.map((rule) => rule.id));
  const modes = new Map<string, 'warn' | 'audit'>();
  const add = (ids: readonly string[] | undefined, mode: 'warn' | 'audit', where: string): void => {
    const unknown = (ids ?? []).filter((id) => !known.has(id));
    if (unknown.length > 0) throw new RampartError(where.startsWith('--') ? 'usage' : 'config-invalid', `${where}: unknown rule id${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (see \`rampart rules\`)`);
    for (const id of ids ?? []) if (modes.get(id) !== 'audit') modes.set(id, mode);
  };
  const source = config.source ?? 'config';
  add(config.admission?.warn, 'warn', `${source}: admission.warn`);
  add(flags.warn, 'warn', '--warn');
  add(config.admission?.audit, 'audit', `${source}: admission.audit`);
  add(flags.audit, 'audit', '--audit');
  return modes;
}

async function selectorFrom(text: string | undefined, where: string): Promise<ReturnType<typeof import('../admission/label-selector.js').parseLabelSelector> | undefined> {
  if (text === undefined) return undefined;
  const { parseLabelSelector, SelectorError } = await import('../admission/label-selector.js');
  try {
    return parseLabelSelector(text);
  } catch (error) {
    if (error instanceof SelectorError) throw new RampartError(where.startsWith('--') ? 'usage' : 'config-invalid', `${where}: ${error.message}`);
    throw error;
  }
}

/** `--verify`: policies loaded once, a registry client kept open, and caches in front of both. */
async function verifySession(flags: ServeAdmissionFlags, config: ResolvedConfig, metrics: import('../admission/metrics.js').AdmissionMetrics): Promise<{ settings?: ScanSettings; close(): Promise<void> }> {
  const verify = verifySettingsFrom(flags);
  if (!verify?.images) return { close: async () => undefined };
  const [{ HttpRegistryClient }, { loadImagePolicies }, { CachedImageChecks, DEFAULT_LIFETIMES }] = await Promise.all([
    import('../resolve/registry-client.js'),
    import('../verify/image/scan-policies.js'),
    import('../admission/image-checks.js'),
  ]);
  const policies = await loadImagePolicies(verify, config.verify).catch((error: unknown) => {
    throw new RampartError('usage', error instanceof Error ? error.message : String(error));
  });
  const client = new HttpRegistryClient({ insecureRegistries: flags.insecureRegistry ?? [], memoize: false });
  const lifetimes = {
    ...DEFAULT_LIFETIMES,
    ...(flags.tagCache !== undefined ? { tag: flags.tagCache } : {}),
    ...(flags.verifiedCache !== undefined ? { verified: flags.verifiedCache } : {}),
  };
  const session = new CachedImageChecks(client, policies, lifetimes, (cache, hit) => metrics.cacheLookup(cache, hit));
  return { settings: { verify: { ...verify, session } }, close: async () => client.close() };
}

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `30s`, `5m`, `24h`, `250ms` → milliseconds. */
function durationParser(value: string): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('expected a duration such as 30s, 5m or 24h.');
  return Number(match[1]) * UNITS[match[2]!]!;
}
