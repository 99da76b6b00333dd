import { ImageInputError } from './blob-source.js';

/** The parts of an image config (image-spec config.md) that Rampart reads. */
export interface ImageConfig {
  readonly os?: string;
  readonly architecture?: string;
  readonly variant?: string;
  readonly diffIds: readonly string[];
  readonly env: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  /** history steps; `emptyLayer` steps made no layer */
  readonly history: ReadonlyArray<{ readonly createdBy: string; readonly emptyLayer: boolean }>;
}

export function parseImageConfig(document: Record<string, unknown>, what: string): ImageConfig {
  const rootfs = document['rootfs'] as { diff_ids?: unknown } | undefined;
  if (!rootfs || !Array.isArray(rootfs.diff_ids)) throw new ImageInputError(`${what} has no rootfs.diff_ids`);
  const config = (document['config'] ?? {}) as { Env?: unknown; Labels?: unknown };
  const labels: Record<string, string> = {};
  if (config.Labels && typeof config.Labels === 'object') {
    for (const [key, value] of Object.entries(config.Labels as Record<string, unknown>)) labels[key] = String(value);
  }
  const history = Array.isArray(document['history']) ? (document['history'] as Array<Record<string, unknown>>) : [];
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const os = text(document['os']);
  const architecture = text(document['architecture']);
  const variant = text(document['variant']);
  return {
    ...(os ? { os } : {}),
    ...(architecture ? { architecture } : {}),
    ...(variant ? { variant } : {}),
    diffIds: rootfs.diff_ids.map(String),
    env: Array.isArray(config.Env) ? config.Env.map(String) : [],
    labels,
    history: history.map((step) => ({ createdBy: String(step?.['created_by'] ?? ''), emptyLayer: step?.['empty_layer'] === true })),
  };
}

