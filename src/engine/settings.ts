/**
 * What a scan was asked to do beyond reading the tree. Each capability's owner adds its fields;
 * rules read them through `context.settings`. Nothing here may hold a live secret.
 */
export interface ScanSettings {
  /** git history scanning (`--history`, `--since`, `--range`, `--staged`) */
  readonly history?: {
    readonly enabled: boolean;
    readonly since?: string;
    readonly range?: string;
    readonly staged?: boolean;
  };
  /** registry resolution (`--resolve`) */
  readonly resolve?: {
    readonly enabled: boolean;
    readonly insecureRegistries?: readonly string[];
  };
  /** signature verification (`--verify`, `--allowed-signers`, …) */
  readonly verify?: Readonly<Record<string, unknown>>;
}
