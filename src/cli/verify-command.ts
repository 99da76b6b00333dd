import { terminalSafeLines } from '../report/terminal-safe.js';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { describeError, RampartError } from '../errors.js';
import { parseImageReference } from '../model/image-ref.js';
import { checkInsecureRegistry } from '../resolve/endpoint.js';
import { HttpRegistryClient } from '../resolve/registry-client.js';
import { ATTESTATION_TYPES } from '../verify/image/attestation-types.js';
import type { ImageVerdict } from '../verify/image/image-verifier.js';
import { EXIT, type ExitCode } from './exit.js';
import type { CommandRegistrar } from './main.js';
import type { VerifyFlags } from './verify-flags.js';
import { listParser } from './list-option.js';

interface CommonFlags {
  format?: 'text' | 'json';
  debug?: boolean;
}

interface ImageFlags extends CommonFlags, VerifyFlags {
  attestationType?: string;
  insecureRegistry?: string[];
}

const formatOption = (): Option => new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text');

export const registerVerifyCommand: CommandRegistrar = (program: Command, setExit) => {
  const verify = program.command('verify').description('verify signatures of images (cosign) and Helm charts (provenance)');
  verify
    .command('image')
    .description('verify the cosign signatures (or attestations) of an image: exit 0 verified, 1 not verified, 2 error')
    .argument('<ref>', 'image reference; a tag is resolved to its digest first')
    .option('--key <file>', 'cosign public key (PEM: ECDSA P-256, Ed25519, RSA); repeat for more', listParser(undefined, false))
    .option('--certificate-identity <identity>', 'keyless: the exact signer identity')
    .option('--certificate-identity-regexp <regexp>', 'keyless: a regular expression for the signer identity')
    .option('--certificate-oidc-issuer <url>', 'keyless: the exact OIDC issuer')
    .option('--certificate-oidc-issuer-regexp <regexp>', 'keyless: a regular expression for the OIDC issuer')
    .option('--trusted-root <file>', 'Sigstore trusted_root.json (Fulcio, CT logs, Rekor); none is built in')
    .option('--insecure-ignore-tlog', 'accept key-based signatures without a transparency log entry')
    .option('--attestation-type <type>', 'verify attestations of a predicate type: slsaprovenance, slsaprovenance1, spdx, cyclonedx, … or a URI')
    .option('--insecure-registry <host>', 'reach this registry (HOST or HOST:PORT) over plain HTTP (repeat, or HOST,HOST…)', listParser())
    .addOption(formatOption())
    .option('--debug', 'show stack traces for errors')
    .action(async (ref: string, flags: ImageFlags) => setExit(await verifyImageCommand(ref, flags)));
  verify
    .command('chart')
    .description('verify a Helm chart archive against its .prov file: exit 0 verified, 1 not verified, 2 error')
    .argument('<chart>', 'chart archive (CHART-VERSION.tgz); its provenance is CHART-VERSION.tgz.prov beside it')
    .requiredOption('--keyring <file>', 'exported OpenPGP public keys of the trusted chart signers')
    .option('--provenance <file>', 'provenance file (default: <chart>.prov)')
    .addOption(formatOption())
    .option('--debug', 'show stack traces for errors')
    .action(async (chart: string, flags: CommonFlags & { keyring: string; provenance?: string }) => setExit(await verifyChartCommand(chart, flags)));
};

function print(flags: CommonFlags, json: Record<string, unknown>, text: string): void {
  process.stdout.write(flags.format === 'json' ? `${JSON.stringify(json, null, 2)}\n` : `${terminalSafeLines(text)}\n`);
}

async function verifyImageCommand(ref: string, flags: ImageFlags): Promise<ExitCode> {
  try {
    const parsed = parseImageReference(ref);
    if (!parsed.ok) throw new RampartError('usage', `invalid image reference ${ref}: ${parsed.reason}`);
    const insecureRegistries = flags.insecureRegistry ?? [];
    const problem = insecureRegistries.map(checkInsecureRegistry).find((message) => message !== undefined);
    if (problem) throw new RampartError('usage', problem);
    const attestationType = flags.attestationType ? ATTESTATION_TYPES[flags.attestationType] ?? flags.attestationType : undefined;
    if (attestationType && !/^[a-z][a-z0-9+.-]*:/i.test(attestationType)) {
      throw new RampartError('usage', `--attestation-type: expected ${Object.keys(ATTESTATION_TYPES).join(', ')} or a URI, not "${flags.attestationType ?? ''}"`);
    }
    // The verification libraries load only when this command runs, not with every `rampart` invocation.
    const [{ loadImagePolicy }, { ImageVerifier }] = await Promise.all([import('../verify/image/image-policy.js'), import('../verify/image/image-verifier.js')]);
    const policy = await loadImagePolicy({
      ...(flags.key ? { keys: flags.key } : {}),
      ...pick(flags, ['certificateIdentity', 'certificateIdentityRegexp', 'certificateOidcIssuer', 'certificateOidcIssuerRegexp', 'trustedRoot']),
      insecureIgnoreTlog: flags.insecureIgnoreTlog === true,
      ...(attestationType ? { attestationType } : {}),
    }).catch((error: unknown) => { throw new RampartError('usage', error instanceof Error ? error.message : String(error)); });
    const client = new HttpRegistryClient({ insecureRegistries });
    let verdict: ImageVerdict;
    try {
      verdict = await new ImageVerifier(client).verify(parsed.reference, policy);
    } finally {
      await client.close();
    }
    const what = attestationType ? `attestation (${attestationType})` : 'signature';
    const json = { image: parsed.reference.canonical, digest: verdict.digest, verified: verdict.status === 'verified', ...verdictFields(verdict) };
    const text = verdict.status === 'verified'
      ? `verified: ${parsed.reference.name}@${verdict.digest} ${what} by ${verdict.signer}`
      : verdict.status === 'unsigned'
        ? `not verified: ${parsed.reference.name}@${verdict.digest} has no ${what}`
        : `not verified: ${parsed.reference.name}@${verdict.digest}: ${verdict.reason}: ${verdict.detail}`;
    print(flags, json, text);
    return verdict.status === 'verified' ? EXIT.ok : EXIT.findings;
  } catch (error) {
    process.stderr.write(`rampart: ${describeError(error, flags.debug === true)}\n`);
    return EXIT.error;
  }
}

function verdictFields(verdict: ImageVerdict): Record<string, unknown> {
  const checks = verdict.checks.map((check) => ({ source: check.source, ok: check.outcome.ok, ...(check.outcome.ok ? { signer: check.outcome.signer } : { reason: check.outcome.reason, detail: check.outcome.detail }) }));
  if (verdict.status === 'verified') return { signer: verdict.signer, checks };
  if (verdict.status === 'unsigned') return { reason: 'no-signature', checks };
  return { reason: verdict.reason, detail: verdict.detail, checks };
}

function pick<T extends object, K extends keyof T>(object: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const picked: Partial<Pick<T, K>> = {};
  for (const key of keys) if (object[key] !== undefined) picked[key] = object[key];
  return picked;
}

async function readInput(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new RampartError('path-not-found', `cannot read ${what} ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

async function verifyChartCommand(chart: string, flags: CommonFlags & { keyring: string; provenance?: string }): Promise<ExitCode> {
  try {
    const [{ verifyChartProvenance }, { loadKeyring }] = await Promise.all([import('../verify/helm-provenance.js'), import('../verify/trust-files.js')]);
    const provenancePath = flags.provenance ?? `${chart}.prov`;
    const archive = await readInput(chart, 'chart archive');
    const provenance = (await readInput(provenancePath, 'provenance file')).toString('utf8');
    const keyring = await loadKeyring(flags.keyring);
    const verdict = await verifyChartProvenance(archive, path.basename(chart), provenance, keyring)
      .catch((error: unknown) => { throw new RampartError('usage', `${provenancePath}: ${error instanceof Error ? error.message : String(error)}`); });
    if (verdict.verified) {
      print(flags, { archive: chart, ...verdict }, `verified: ${verdict.chart} ${verdict.version} (${verdict.digest}) signed by ${verdict.signer} [${verdict.keyId}]`);
      return EXIT.ok;
    }
    print(flags, { archive: chart, ...verdict }, `not verified: ${chart}: ${verdict.reason}: ${verdict.detail}`);
    return EXIT.findings;
  } catch (error) {
    process.stderr.write(`rampart: ${describeError(error, flags.debug === true)}\n`);
    return EXIT.error;
  }
}
