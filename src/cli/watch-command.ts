import { Option, type Command } from 'commander';
import { shouldFail } from '../engine/run.js';
import { describeError, RampartError } from '../errors.js';
import { atLeast, SEVERITIES, type Severity } from '../model/severity.js';
import type { ListenSettings, WatchOptions } from '../watch/run.js';
import type { ResolvedConfig } from '../config/schema.js';
import type { VerifySettings } from '../engine/settings.js';
import { checksCommitSignatures } from '../verify/commit-scan.js';
import { withConfigCommitPolicy } from '../verify/commit-policy.js';
import { FORMATS, REPORTERS } from '../report/index.js';
import { EXIT, type ExitCode } from './exit.js';
import { listParser } from './list-option.js';
import type { CommandRegistrar } from './main.js';
import { writeOutput } from './write-output.js';

export interface WatchFlags {
  auditLog?: string[];
  argocdController?: string[];
  fluxController?: string[];
  argocdTracking?: 'annotation' | 'label';
  secretNamespace?: string[];
  follow?: boolean;
  listen?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsClientCa?: string;
  fluxHmacKey?: string;
  argocdApps?: string[];
  argocdLog?: string[];
  events?: string[];
  repo?: string;
  protectedBranch?: string;
  allowedSigners?: string;
  gpgKeyring?: string;
  format?: string;
  output?: string;
  failOn?: Severity | 'none';
  config?: string;
  color?: boolean;
  group?: boolean;
  quiet?: boolean;
  debug?: boolean;
}

export const registerWatchCommand: CommandRegistrar = (program: Command, setExit) => {
  program
    .command('watch')
    .description('judge what the cluster recorded (audit logs or its webhook backend, Argo CD logs and Applications, Flux and Kubernetes events) against what Git asked for: changes GitOps controllers did not make, unverified revisions, images Git does not declare')
    .option('--audit-log <file>', 'a Kubernetes audit log: audit.k8s.io/v1 Event JSON lines, `-` for standard input (repeat)', listParser(undefined, false))
    .option('--argocd-apps <file>', 'Argo CD Applications as `kubectl get applications -A -o json` prints them: their sync history, operation state, images and resources (repeat)', listParser(undefined, false))
    .option('--argocd-log <file>', 'Argo CD application controller or API server logs (logrus text or JSON lines, `-` for standard input): the syncs they record, with their revisions (repeat)', listParser(undefined, false))
    .option('--events <file>', 'Kubernetes Events (`kubectl get events -A -o json`, core/v1 or events.k8s.io/v1) or Flux events (notification-controller payloads, JSON lines): Flux reconciliations and Argo CD syncs with their revisions (repeat)', listParser(undefined, false))
    .option('--repo <path>', 'the local clone the deployments should match: revisions are checked for signatures and the protected branch, images against the manifests at the synced revision')
    .option('--protected-branch <name>', 'the branch every deployed revision must be on (refs/heads/<name>, else origin/<name>; default watch.protectedBranch of .rampart.yaml, else main)')
    .option('--allowed-signers <file>', 'trusted commit signers: OpenSSH allowed_signers (default: verify.commits of .rampart.yaml)')
    .option('--gpg-keyring <file>', 'trusted commit signers: exported OpenPGP public keys')
    .option('--argocd-controller <user>', 'the identity Argo CD applies with (repeat; default system:serviceaccount:argocd:argocd-application-controller)', listParser())
    .option('--flux-controller <user>', 'the identities Flux applies with (repeat; default the flux-system kustomize-controller and helm-controller service accounts)', listParser())
    .addOption(new Option('--argocd-tracking <method>', 'how Argo CD marks what it applies: annotation (tracking-id, the default since 3.0), or label (app.kubernetes.io/instance, also counted)').choices(['annotation', 'label']))
    .option('--secret-namespace <ns>', 'a namespace whose Secrets the controllers may read, besides their own and those their Kustomizations, HelmReleases and Applications live in (repeat, or NS,NS…)', listParser())
    .option('--listen <addr>', 'serve HTTPS at HOST:PORT (or :PORT) for the API server\'s audit webhook backend (POST /audit, audit.k8s.io/v1 EventList) and Flux notification-controller (POST /flux, a Flux event), and stream findings as with --follow, until stopped')
    .option('--tls-cert <file>', 'the certificate --listen serves (PEM; reloaded when it changes)')
    .option('--tls-key <file>', 'the key of --tls-cert (PEM)')
    .option('--tls-client-ca <file>', 'with --listen, accept only clients with a certificate this CA signed (the API server\'s client certificate)')
    .option('--flux-hmac-key <file>', 'with --listen, accept POST /flux only when signed with this key (the token of a Flux generic-hmac Provider\'s Secret)')
    .option('--follow', 'stream: follow files as they grow (and standard input), print each finding as a JSON line as it is found; with --fail-on, exit 1 at the first finding at or above it')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices([...SEVERITIES, 'none']))
    .option('-c, --config <file>', 'configuration file (default: ./.rampart.yaml)')
    .option('--no-color', 'never colour the output')
    .option('--no-group', 'list every finding in text, Markdown and HTML')
    .option('-q, --quiet', 'print only the report')
    .option('--debug', 'show stack traces for errors')
    .action(async (flags: WatchFlags) => setExit(await runWatchCommand(flags)));
};

export async function runWatchCommand(flags: WatchFlags): Promise<ExitCode> {
  try {
    if (!flags.auditLog?.length && !flags.argocdApps?.length && !flags.argocdLog?.length && !flags.events?.length && !flags.listen) throw new RampartError('usage', 'nothing to watch: give --audit-log FILE (or - for standard input), --argocd-apps FILE, --argocd-log FILE, --events FILE or --listen ADDR');
    const listen = flags.listen ? await listenSettings(flags) : undefined;
    const { loadConfig } = await import('../config/load.js');
    const { runWatch } = await import('../watch/run.js');
    const config = await loadConfig(process.cwd(), flags.config);
    const argocdControllers = flags.argocdController ?? config.watch?.controllers?.argocd;
    const fluxControllers = flags.fluxController ?? config.watch?.controllers?.flux;
    const secretNamespaces = flags.secretNamespace ?? config.watch?.secretNamespaces;
    const options = {
      config,
      auditLogs: flags.auditLog ?? [],
      ...(flags.argocdApps ? { argocdApps: flags.argocdApps } : {}),
      ...(flags.argocdLog ? { argocdLogs: flags.argocdLog } : {}),
      ...(flags.events ? { events: flags.events } : {}),
      ...(flags.repo ? { repo: flags.repo, protectedBranch: flags.protectedBranch ?? config.watch?.protectedBranch ?? 'main' } : {}),
      ...commitSigners(flags, config),
      controllers: {
        ...(argocdControllers ? { argocd: argocdControllers } : {}),
        ...(fluxControllers ? { 'flux-kustomize': fluxControllers, 'flux-helm': fluxControllers } : {}),
      },
      argocdLabelTracking: (flags.argocdTracking ?? config.watch?.argocdTracking) === 'label',
      ...(secretNamespaces ? { secretNamespaces } : {}),
      ...(flags.failOn ? { failOn: flags.failOn } : {}),
      ...(listen ? { listen } : {}),
    };
    if (flags.follow || listen) return await follow(options, flags.failOn ?? 'none');
    const report = await runWatch(options);
    const format = flags.format ?? 'text';
    const reporter = REPORTERS[format];
    if (!reporter) throw new RampartError('usage', `unknown format ${format}`);
    const color = format === 'text' && !flags.output && flags.color !== false && process.stdout.isTTY === true && !process.env['NO_COLOR'];
    await writeOutput(reporter(report, { color, group: flags.group !== false }), flags.output);
    if (flags.output && !flags.quiet) process.stderr.write(`rampart: ${report.findings.length} findings written to ${flags.output}\n`);
    return shouldFail(report.findings, report.failOn) ? EXIT.findings : EXIT.ok;
  } catch (error) {
    process.stderr.write(`rampart: ${describeError(error, flags.debug === true)}\n`);
    return EXIT.error;
  }
}

/** Streams findings as JSON lines until the inputs end, a signal comes, or a finding reaches `failOn`. */
async function follow(options: WatchOptions, failOn: Severity | 'none'): Promise<ExitCode> {
  const { followWatch } = await import('../watch/run.js');
  const stop = new AbortController();
  let failed = false;
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let findings = 0;
  try {
    const watcher = await followWatch({
      ...options,
      onFinding: (finding) => {
        findings += 1;
        const { span: _span, fix: _fix, ...shown } = finding;
        process.stdout.write(`${JSON.stringify(shown)}\n`);
        if (failOn !== 'none' && atLeast(finding.severity, failOn)) {
          failed = true;
          stop.abort();
        }
      },
      log: logLine,
      onBad: (origin, message) => logLine({ level: 'warn', msg: 'not a record, skipped', path: origin.path, line: origin.line, error: message }),
    }, stop.signal);
    for (const diagnostic of watcher.diagnostics().filter((entry) => entry.kind === 'note')) logLine({ level: 'info', msg: diagnostic.message });
    logLine({ level: 'info', msg: 'watch ended', ...watcher.counts, findings });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return failed ? EXIT.findings : EXIT.ok;
}

async function listenSettings(flags: WatchFlags): Promise<ListenSettings> {
  const { parseListenAddress } = await import('../watch/listener.js');
  if (!flags.tlsCert || !flags.tlsKey) throw new RampartError('usage', '--listen serves HTTPS: give --tls-cert FILE and --tls-key FILE');
  const { existsSync } = await import('node:fs');
  for (const [flag, file] of [['--tls-cert', flags.tlsCert], ['--tls-key', flags.tlsKey], ['--tls-client-ca', flags.tlsClientCa]] as const) {
    if (file && !existsSync(file)) throw new RampartError('path-not-found', `${flag} ${file}: no such file`);
  }
  let fluxHmacKey: Buffer | undefined;
  if (flags.fluxHmacKey) {
    const { readFileSync } = await import('node:fs');
    const key = (() => {
      try {
        return readFileSync(flags.fluxHmacKey, 'utf8').replace(/\r?\n$/, '');
      } catch (error) {
        throw new RampartError('path-not-found', `--flux-hmac-key ${flags.fluxHmacKey}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`, { cause: error });
      }
    })();
    if (key === '') throw new RampartError('usage', `--flux-hmac-key ${flags.fluxHmacKey}: the file is empty`);
    fluxHmacKey = Buffer.from(key, 'utf8');
  }
  return { ...parseListenAddress(flags.listen ?? ''), certFile: flags.tlsCert, keyFile: flags.tlsKey, ...(flags.tlsClientCa ? { clientCaFile: flags.tlsClientCa } : {}), ...(fluxHmacKey ? { fluxHmacKey } : {}) };
}

function logLine(entry: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
}

/** Commit signers from the flags over `.rampart.yaml`'s `verify.commits`, as `scan` takes them; none when neither names any. */
function commitSigners(flags: WatchFlags, config: ResolvedConfig): { verify?: VerifySettings } {
  const fromFlags: VerifySettings = {
    ...(flags.allowedSigners ? { allowedSigners: flags.allowedSigners } : {}),
    ...(flags.gpgKeyring ? { gpgKeyring: flags.gpgKeyring } : {}),
  };
  const verify = withConfigCommitPolicy(Object.keys(fromFlags).length > 0 ? fromFlags : undefined, config.verify, config.source, config.namedFilesWithin);
  return verify && checksCommitSignatures(verify) ? { verify } : {};
}
