import { InvalidArgumentError, Option, type Command } from 'commander';
import type { AdmissionServerOptions } from '../admission/server.js';
import type { JudgeSetup } from '../admission/setup.js';
import { describeError, RampartError } from '../errors.js';
import { SEVERITIES, type Severity } from '../model/severity.js';
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
  workers?: string;
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
    .option('--workers <n>', 'judge on this many threads (one per core the webhook may use); TLS, HTTP and metrics stay on the main thread', '1')
    .option('--debug', 'show stack traces for errors')
    .action(async (flags: ServeAdmissionFlags) => setExit(await runServeAdmission(flags)));
};

export async function runServeAdmission(flags: ServeAdmissionFlags): Promise<ExitCode> {
  const closers: Array<() => Promise<void>> = [];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  };
  try {
    const port = Number(flags.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RampartError('usage', `--port expects a port number, not "${flags.port}"`);
    const workers = Number(flags.workers ?? '1');
    if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new RampartError('usage', `--workers expects a number of threads from 1 to 64, not "${flags.workers}"`);
    const [{ startAdmissionServer }, { AdmissionMetrics }, { prepareJudge }] = await Promise.all([
      import('../admission/server.js'),
      import('../admission/metrics.js'),
      import('../admission/setup.js'),
    ]);
    const setup = judgeSetup(flags);
    const metrics = new AdmissionMetrics();
    const onCacheLookup = (cache: string, hit: boolean): void => metrics.cacheLookup(cache, hit);
    // Prepared here even with workers: a bad config or flag is reported once, before any thread starts.
    const prepared = await prepareJudge(setup, onCacheLookup);
    closers.push(prepared.close);
    let judgeWith: AdmissionServerOptions['judgeWith'];
    if (workers > 1) {
      const { JudgePool } = await import('../admission/judge-pool.js');
      const pool = await JudgePool.start(workers, setup, onCacheLookup);
      closers.push(() => pool.close());
      judgeWith = (request) => pool.judge(request);
    }
    const server = await startAdmissionServer({
      ...prepared.options,
      certFile: flags.tlsCert,
      keyFile: flags.tlsKey,
      host: flags.host,
      port,
      metrics,
      ...(judgeWith ? { judgeWith } : {}),
    }).catch((error: unknown) => {
      throw new RampartError('io-failed', `cannot start the admission webhook: ${(error as Error).message}`, { cause: error });
    });
    closers.push(() => server.close());
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
    });
    await closeAll();
    return EXIT.ok;
  } catch (error) {
    await closeAll();
    process.stderr.write(`rampart: ${describeError(error, flags.debug === true)}\n`);
    return EXIT.error;
  }
}

/** The flags as plain data, for this thread and for judging threads alike. */
function judgeSetup(flags: ServeAdmissionFlags): JudgeSetup {
  const verify = verifySettingsFrom(flags);
  return {
    cwd: process.cwd(),
    ...(flags.config ? { configFile: flags.config } : {}),
    ...(flags.failOn ? { failOn: flags.failOn } : {}),
    excludeNamespaces: flags.excludeNamespace ?? DEFAULT_EXCLUDED,
    ...(flags.namespace ? { namespaces: flags.namespace } : {}),
    ...(flags.warn ? { warn: flags.warn } : {}),
    ...(flags.audit ? { audit: flags.audit } : {}),
    ...(flags.objectSelector !== undefined ? { objectSelector: flags.objectSelector } : {}),
    ...(verify?.images ? {
      verify: {
        signers: verify,
        ...(flags.insecureRegistry ? { insecureRegistries: flags.insecureRegistry } : {}),
        ...(flags.tagCache !== undefined ? { tagCacheMs: flags.tagCache } : {}),
        ...(flags.verifiedCache !== undefined ? { verifiedCacheMs: flags.verifiedCache } : {}),
      },
    } : {}),
  };
}

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `30s`, `5m`, `24h`, `250ms` → milliseconds. */
function durationParser(value: string): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('expected a duration such as 30s, 5m or 24h.');
  return Number(match[1]) * UNITS[match[2]!]!;
}
