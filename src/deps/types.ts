import type { Span } from '../model/span.js';
import type { ValuesLayer } from './values-layers.js';
import type { GitVerifyMode } from './git-signatures.js';

/**
 * Where a remote dependency comes from and what revision was asked for. `asked` is the text
 * the repository wrote (`1.2.3`, `^1.2`, `v1.0`, `main`, `latest`).
 */
export type DependencySource =
  /** a chart in a Helm HTTP repository (`index.yaml` + archives) */
  | { readonly type: 'helm'; readonly repository: string; readonly chart: string; readonly asked: string }
  /** a chart in an OCI registry: `oci://host/path` + chart name, tag `asked` */
  | { readonly type: 'helm-oci'; readonly repository: string; readonly chart: string; readonly asked: string }
  /** a git repository at a branch, tag or commit; `subPath` is the directory used; `verify`: Flux's required signatures */
  | { readonly type: 'git'; readonly url: string; readonly asked: string; readonly subPath?: string; readonly verify?: GitVerifyMode }
  /** one file over HTTP(S) */
  | { readonly type: 'file'; readonly url: string; readonly asked: string }
  /** an OCI artifact of manifests (Flux OCIRepository) */
  | { readonly type: 'oci'; readonly url: string; readonly asked: string }
  /** a Terraform registry module `namespace/name/provider` on `host`, `asked` a version constraint; `subPath` after `//` */
  | { readonly type: 'terraform'; readonly host: string; readonly module: string; readonly asked: string; readonly subPath?: string };

/** One place in the repository (or in a fetched dependency) that pulls a dependency. */
export interface DependencyReference {
  readonly source: DependencySource;
  /** the repository span that pulls it in (for a nested dependency: the top-level reference's span) */
  readonly at: Span;
  /** the line of `at`, 1-based */
  readonly line: number;
  /** what pulls it in: `HelmRelease/apps/podinfo`, `Chart.yaml dependency redis`, `kustomization.yaml resources` */
  readonly via: string;
  /** `HelmRelease/apps/podinfo → chart podinfo 6.5.0`: the chain from the repository to here */
  readonly chain: readonly string[];
  /** values given to a chart, in the order they apply (HelmRelease `valuesFrom` and `values`, Argo `valueFiles`, `valuesObject`, `parameters`, Kustomize `valuesInline`, a parent chart's values) */
  readonly values?: readonly ValuesLayer[];
  /** what about those values could not be read (a valuesFrom Secret made elsewhere, an encrypted one): told, not guessed */
  readonly notes?: readonly string[];
  /** a chart's dependency: the key its parent's values give it values under (alias, else name) */
  readonly subchart?: string;
}

/** What a dependency resolved to: the content identity that a lock records. */
export interface ResolvedContent {
  /** the exact version chosen (a range resolved against the index), or the ref */
  readonly version?: string;
  /** git commit SHA */
  readonly commit?: string;
  /** OCI manifest digest */
  readonly digest?: string;
  /** sha256 of the archive or file bytes (`sha256:<hex>`) */
  readonly sha256?: string;
  /** the `.prov` signer, when the provenance was verified */
  readonly signer?: string;
  /** the cosign signer of an OCI chart, when a policy applied (`unsigned` when it had no signature) */
  readonly cosignSigner?: string;
  /** who signed a git dependency's tag and commit, when signers were given (`unsigned` when neither is signed) */
  readonly gitSigner?: string;
}

export interface FetchedDependency {
  readonly key: string;
  readonly source: DependencySource;
  readonly content: ResolvedContent;
  /** the extracted tree in the cache (the chart's root, the git sub-directory, the file's directory) */
  readonly directory: string;
  /** `chart podinfo 6.5.0`, `git https://… v1.0 (base)`: one link of a chain */
  readonly label: string;
  /** served from the cache without downloading content */
  readonly cached: boolean;
}

/** A stable identity of source + asked revision: lock entries are keyed by it. */
export function dependencyKey(source: DependencySource): string {
  switch (source.type) {
    case 'helm':
    case 'helm-oci':
      return `${source.type} ${trimSlash(source.repository)} ${source.chart} ${source.asked}`;
    case 'git':
      return `git ${source.url}${source.subPath ? `//${source.subPath}` : ''} ${source.asked}`;
    case 'file':
    case 'oci':
      return `${source.type} ${source.url} ${source.asked}`;
    case 'terraform':
      return `terraform ${terraformAddress(source)} ${source.asked}`;
  }
}

/** `host/namespace/name/provider[//sub]`, as a module block would write it with its host. */
export function terraformAddress(source: { readonly host: string; readonly module: string; readonly subPath?: string }): string {
  return `${source.host}/${source.module}${source.subPath ? `//${source.subPath}` : ''}`;
}

export function dependencyLabel(source: DependencySource): string {
  switch (source.type) {
    case 'helm':
    case 'helm-oci':
      return `chart ${source.chart} ${source.asked}`;
    case 'git':
      return `git ${source.url}${source.subPath ? `//${source.subPath}` : ''} ${source.asked}`;
    case 'file':
      return `file ${source.url}`;
    case 'oci':
      return `oci ${source.url}:${source.asked}`;
    case 'terraform':
      return `module ${terraformAddress(source)} ${source.asked}`;
  }
}

export function trimSlash(url: string): string {
  return url.trim().replace(/\/+$/, '');
}
