import { Option, type Command } from 'commander';
import { describeError, RampartError } from '../errors.js';
import { SEVERITIES, type Severity } from '../model/severity.js';
import { EXIT, type ExitCode } from './exit.js';
import { listParser } from './list-option.js';
import type { CommandRegistrar } from './main.js';

export interface ServeAdmissionFlags {
  cert: string;
  key: string;
  host: string;
  port: string;
  config?: string;
  failOn?: Severity | 'none';
  excludeNamespace: string[];
  namespace?: string[];
  debug?: boolean;
}

const DEFAULT_EXCLUDED = ['kube-system'];

export const registerServeCommand: CommandRegistrar = (program: Command, setExit) => {
  const serve = program.command('serve').description('run Rampart as a service');
  serve
    .command('admission')
    .description('a Kubernetes validating admission webhook (AdmissionReview v1 over HTTPS) judging each object with the rules of `scan`')
    .requiredOption('--cert <file>', 'PEM certificate chain to serve (reloaded when it changes)')
    .requiredOption('--key <file>', 'PEM private key of the certificate (reloaded when it changes)')
    .option('--host <address>', 'address to listen on', '0.0.0.0')
    .option('--port <port>', 'port to listen on', '8443')
    .option('-c, --config <file>', 'configuration file (default: ./.rampart.yaml)')
    .addOption(new Option('--fail-on <severity>', 'deny objects with findings at or above this severity; lower ones become warnings (default: the config\'s failOn, else high)').choices([...SEVERITIES, 'none']))
    .option('--exclude-namespace <name>', 'let objects in this namespace through unjudged (repeat, or NS,NS…)', listParser(), undefined)
    .option('--namespace <name>', 'judge only objects in these namespaces, and cluster-scoped ones (repeat, or NS,NS…)', listParser())
    .option('--debug', 'show stack traces for errors')
    .action(async (flags: ServeAdmissionFlags) => setExit(await runServeAdmission(flags)));
};

export async function runServeAdmission(flags: ServeAdmissionFlags): Promise<ExitCode> {
  try {
    const port = Number(flags.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RampartError('usage', `--port expects a port number, not "${flags.port}"`);
    const { loadConfig } = await import('../config/load.js');
    const { checkRuleIds } = await import('../scan.js');
    const { RULES } = await import('../rules/index.js');
    const { startAdmissionServer } = await import('../admission/server.js');
    const config = await loadConfig(process.cwd(), flags.config);
    checkRuleIds(config, RULES, undefined);
    const server = await startAdmissionServer({
      certFile: flags.cert,
      keyFile: flags.key,
      host: flags.host,
      port,
      config,
      rules: RULES,
      failOn: flags.failOn ?? config.failOn,
      excludeNamespaces: new Set(flags.excludeNamespace ?? DEFAULT_EXCLUDED),
      ...(flags.namespace ? { namespaces: new Set(flags.namespace) } : {}),
    }).catch((error: unknown) => {
      throw new RampartError('io-failed', `cannot start the admission webhook: ${(error as Error).message}`, { cause: error });
    });
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
    });
    await server.close();
    return EXIT.ok;
  } catch (error) {
    process.stderr.write(`rampart: ${describeError(error, flags.debug === true)}\n`);
    return EXIT.error;
  }
}
