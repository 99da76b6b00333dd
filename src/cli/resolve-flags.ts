import type { Command } from 'commander';
import type { RunOptions } from '../engine/run.js';
import type { ScanSettings } from '../engine/settings.js';
import { RampartError } from '../errors.js';
import { checkInsecureRegistry } from '../resolve/endpoint.js';
import { listParser } from './list-option.js';
import { secondsProblem } from './seconds-option.js';

/** The registry flags of `rampart scan`. */
export interface ResolveFlags {
  resolve?: boolean;
  insecureRegistry?: string[];
  registryTimeout?: string;
}

export function addScanResolveOptions(command: Command): Command {
  return command
    .option('--resolve', 'ask the registries about every image: adds image-digest-drift and image-not-found (network)')
    .option('--insecure-registry <host>', 'with --resolve: reach this registry (HOST or HOST:PORT) over plain HTTP (repeat, or HOST,HOST…)', listParser())
    .option('--registry-timeout <seconds>', 'with --resolve: give up on a registry request after this long', '10');
}

export interface ResolveScanOptions {
  readonly settings?: Pick<ScanSettings, 'resolve'>;
  readonly capabilities?: ReadonlySet<'resolve'>;
  /** releases the client's connections once the scan is done */
  close(): Promise<void>;
}

/** With `--resolve`: one registry client for the whole scan and the `resolve` capability. */
export async function resolveScanOptions(flags: ResolveFlags): Promise<ResolveScanOptions> {
  // a malformed value is refused with or without --resolve: it says the user meant something else
  const insecureRegistries = flags.insecureRegistry ?? [];
  const problem = insecureRegistries.map(checkInsecureRegistry).find((message) => message !== undefined) ?? secondsProblem('--registry-timeout', flags.registryTimeout ?? '10');
  if (problem) throw new RampartError('usage', problem);
  if (!flags.resolve) return { close: async () => undefined };
  const seconds = Number(flags.registryTimeout ?? '10');
  const { HttpRegistryClient } = await import('../resolve/registry-client.js');
  const client = new HttpRegistryClient({ insecureRegistries, timeoutMs: Math.round(seconds * 1000) });
  return {
    settings: { resolve: { enabled: true, insecureRegistries, client } },
    capabilities: new Set(['resolve'] as const),
    close: () => client.close(),
  };
}

/** Merges the settings and capabilities several flag groups contribute to one scan. */
export function mergeRunOptions(...parts: ReadonlyArray<{ settings?: ScanSettings; capabilities?: ReadonlySet<'resolve' | 'history' | 'verify' | 'forge' | 'deps'> }>): Pick<RunOptions, 'settings' | 'capabilities'> {
  const settings: ScanSettings = Object.assign({}, ...parts.map((part) => part.settings ?? {})) as ScanSettings;
  const capabilities = new Set(parts.flatMap((part) => [...(part.capabilities ?? [])]));
  return {
    ...(Object.keys(settings).length > 0 ? { settings } : {}),
    ...(capabilities.size > 0 ? { capabilities } : {}),
  };
}

