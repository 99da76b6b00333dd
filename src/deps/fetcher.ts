import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseImageReference, type ImageReference } from '../model/image-ref.js';
import { GitRefResolver, displayUrl as gitDisplayUrl } from '../resolve/git-refs.js';
import type { RegistryClient } from '../resolve/types.js';
import { ArchiveError, DEFAULT_LIMITS, extractArchive, type ArchiveLimits } from './archive.js';
import type { DependencyCache } from './cache.js';
import { chooseVersion, parseChartIndex, type ChartIndex } from './helm-index.js';
import { HelmRepositories } from './helm-repositories.js';
import { FetchError, httpGet, type HttpOptions } from './http.js';
import { verifyChartProvenance } from '../verify/helm-provenance.js';
import type { OpenPgpKeyring } from '../verify/openpgp-verify.js';
import { TerraformRegistryClient, unfetchedModuleSource } from './terraform-registry.js';
import { ImageVerifier } from '../verify/image/image-verifier.js';
import type { ImagePolicies } from '../verify/image/scan-policies.js';
import type { SignatureVerifier } from '../verify/commit-verifier.js';
import { gitSigner } from './git-signatures.js';
import { ShallowGitFetch } from './git-fetch.js';
import { parseTerraformSource } from '../model/terraform-source.js';
import { cloneUrlOf } from '../pin/git-targets.js';
import { dependencyKey, dependencyLabel, type DependencySource, type FetchedDependency, type ResolvedContent } from './types.js';

const INDEX_BYTES = 64 * 1024 * 1024;
const HELM_PROVENANCE_LAYER = 'application/vnd.cncf.helm.chart.provenance.v1.prov';
const PROVENANCE_BYTES = 1024 * 1024;
const HELM_CHART_LAYER = /^application\/(?:vnd\.cncf\.helm\.chart\.content\.v1\.tar\+gzip|tar\+gzip)$/;

export interface FetcherOptions {
  readonly cache: DependencyCache;
  readonly registry: RegistryClient;
  readonly git?: GitRefResolver;
  readonly http?: HttpOptions;
  readonly helmRepositories?: HelmRepositories;
  readonly limits?: ArchiveLimits;
  /** `--keyring`: Helm `.prov` provenance is verified with these keys and the signer recorded */
  readonly chartKeyring?: OpenPgpKeyring;
  /** hosts asked over plain HTTP (`--insecure-registry`): Terraform registries on loopback or a mirror */
  readonly plainHttpHosts?: readonly string[];
  /** git commands (fetch, archive) give up after this long */
  readonly gitTimeoutMs?: number;
  /** `--key` / `--certificate-identity`: cosign signatures of OCI charts verified with these policies and the signer recorded */
  readonly chartSignatures?: ImagePolicies;
  /** `--allowed-signers` / `--gpg-keyring`: the tag and commit signatures of git dependencies checked and the signer recorded */
  readonly gitSignatures?: SignatureVerifier;
}

/** Recorded when a cosign policy applies to an OCI chart that carries no signature, so a stripped signature shows in the lock. */
export const UNSIGNED = 'unsigned';

/**
 * Fetches one dependency into the content-addressed cache and says what it is. Every source is
 * resolved again on each run (a tag or chart version can be republished); content already in the
 * cache under the digest, sha256 or commit it resolved to is not downloaded again. Each key is
 * fetched once per fetcher.
 */
export class DependencyFetcher {
  private readonly pending = new Map<string, Promise<FetchedDependency>>();
  private readonly indexes = new Map<string, Promise<ChartIndex>>();
  private readonly git: GitRefResolver;
  private readonly http: HttpOptions;
  private readonly repositories: HelmRepositories;
  private readonly terraform: TerraformRegistryClient;
  private readonly signatures: ImageVerifier;
  private readonly gitFetch: ShallowGitFetch;
  downloads = 0;

  constructor(private readonly options: FetcherOptions) {
    this.git = options.git ?? new GitRefResolver({ timeoutMs: options.gitTimeoutMs ?? 60_000 });
    this.http = options.http ?? { timeoutMs: 30_000, retries: 2 };
    this.repositories = options.helmRepositories ?? new HelmRepositories();
    this.terraform = new TerraformRegistryClient(this.http, options.plainHttpHosts ?? []);
    this.signatures = new ImageVerifier(options.registry);
    this.gitFetch = new ShallowGitFetch(options.gitTimeoutMs ?? 120_000, this.limits());
  }

  fetch(source: DependencySource): Promise<FetchedDependency> {
    const key = dependencyKey(source);
    // the same repository and ref may be asked for with and without Flux's signature requirement
    const once = source.type === 'git' && source.verify ? `${key}\0${source.verify}` : key;
    let pending = this.pending.get(once);
    if (!pending) {
      pending = this.fetchOnce(key, source);
      this.pending.set(once, pending);
    }
    return pending;
  }

  private async fetchOnce(key: string, source: DependencySource): Promise<FetchedDependency> {
    switch (source.type) {
      case 'helm':
        return this.fetchHelm(key, source);
      case 'helm-oci':
        return this.fetchOciChart(key, source);
      case 'oci':
        return this.fetchOciArtifact(key, source);
      case 'git':
        return this.fetchGit(key, source);
      case 'file':
        return this.fetchFile(key, source);
      case 'terraform':
        return this.fetchTerraformModule(key, source);
    }
  }

  /** A registry module: the version the constraint picks, then what `X-Terraform-Get` names (git, or an archive over HTTPS). */
  private async fetchTerraformModule(key: string, source: Extract<DependencySource, { type: 'terraform' }>): Promise<FetchedDependency> {
    const { version, address } = await this.terraform.resolve(source.host, source.module, source.asked);
    const label = `module ${source.host}/${source.module} ${version}`;
    const inner = moduleSubPath(address, source.subPath);
    const parsed = parseTerraformSource(address);
    if (parsed?.kind === 'git') {
      const git = await this.fetchGit(key, { type: 'git', url: cloneUrlOf(address, parsed.remote), asked: parsed.remote.ref ?? 'HEAD', ...(inner.subPath ? { subPath: inner.subPath } : {}) });
      return { ...git, source, content: { version, ...git.content }, label };
    }
    if (parsed?.kind !== 'archive' || !/^https?:\/\//i.test(inner.url)) {
      throw new Error(`${label}: the registry points at ${unfetchedModuleSource(address)}`);
    }
    const bytes = await httpGet(inner.url, this.http, this.limits().fileBytes);
    this.downloads += 1;
    const hex = sha256Hex(bytes);
    if (!(await this.cachedBlob(hex))) await this.options.cache.writeBlob(hex, bytes);
    let directory = await this.options.cache.writeTree(`sha256-${hex}`, (target) => extractArchive(bytes, target, `${label} (${gitDisplayUrl(inner.url)})`, this.limits()).then(() => undefined));
    if (inner.subPath) directory = await this.subDirectory(directory, inner.subPath, `${label} has no ${inner.subPath}`);
    return this.result(key, source, { version, sha256: `sha256:${hex}` }, directory, false, label);
  }

  private async subDirectory(root: string, subPath: string, missing: string): Promise<string> {
    const directory = path.join(root, ...subPath.split('/').filter((part) => part !== '' && part !== '.' && part !== '..'));
    const found = await stat(directory).then((info) => info.isDirectory() || info.isFile(), () => false);
    if (!found) throw new Error(missing);
    return directory;
  }

  private index(repository: string): Promise<ChartIndex> {
    let pending = this.indexes.get(repository);
    if (!pending) {
      const url = `${repository}/index.yaml`;
      pending = httpGet(url, this.http, INDEX_BYTES, this.repositories.authFor(url)).then((bytes) => parseChartIndex(bytes.toString('utf8'), `${gitDisplayUrl(url)}`));
      this.indexes.set(repository, pending);
    }
    return pending;
  }

  private async fetchHelm(key: string, source: Extract<DependencySource, { type: 'helm' }>): Promise<FetchedDependency> {
    const index = await this.index(source.repository);
    const versions = index.get(source.chart);
    if (!versions) throw new Error(`${gitDisplayUrl(source.repository)} has no chart "${source.chart}"`);
    const entry = chooseVersion(versions, source.asked);
    if (!entry) throw new Error(`${gitDisplayUrl(source.repository)}: chart ${source.chart} has no version matching "${source.asked}"`);
    const first = entry.urls[0];
    if (!first) throw new Error(`${gitDisplayUrl(source.repository)}: chart ${source.chart} ${entry.version} lists no download URL`);
    const url = new URL(first, `${source.repository}/`).toString();
    let bytes = entry.digest ? await this.cachedBlob(entry.digest) : undefined;
    const cached = bytes !== undefined;
    if (!bytes) {
      bytes = await httpGet(url, this.http, this.limits().fileBytes, this.repositories.authFor(url));
      this.downloads += 1;
    }
    const hex = sha256Hex(bytes);
    if (entry.digest && entry.digest !== hex) {
      throw new Error(`${gitDisplayUrl(url)}: the archive hashes to sha256:${hex} but the repository index says sha256:${entry.digest}`);
    }
    if (!cached) await this.options.cache.writeBlob(hex, bytes);
    const what = `chart ${source.chart} ${entry.version} (${gitDisplayUrl(url)})`;
    const signer = await this.provenanceSigner(bytes, fileNameOf(url), what, () => httpGet(`${url}.prov`, this.http, PROVENANCE_BYTES, this.repositories.authFor(url)).catch((error: unknown) => {
      if (error instanceof FetchError && error.status === 404) return undefined; // the chart is not signed
      throw error;
    }));
    const directory = await this.chartTree(hex, bytes, what);
    return this.result(key, source, { version: entry.version, sha256: `sha256:${hex}`, ...(signer ? { signer } : {}) }, directory, cached, `chart ${source.chart} ${entry.version}`);
  }

  /**
   * With `--keyring`: the chart's provenance verified as `helm verify` does; the signer, or
   * undefined when the chart has no provenance. A provenance that does not verify is an error.
   */
  private async provenanceSigner(archive: Buffer, archiveName: string, what: string, read: () => Promise<Buffer | undefined>): Promise<string | undefined> {
    const keyring = this.options.chartKeyring;
    if (!keyring) return undefined;
    const provenance = await read();
    if (!provenance) return undefined;
    let verdict;
    try {
      verdict = await verifyChartProvenance(archive, archiveName, provenance.toString('utf8'), keyring);
    } catch (error) {
      throw new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!verdict.verified) throw new Error(`${what}: the provenance (.prov) does not verify: ${verdict.detail}`);
    return `${verdict.signer} (${verdict.keyId})`;
  }

  private async fetchOciChart(key: string, source: Extract<DependencySource, { type: 'helm-oci' }>): Promise<FetchedDependency> {
    const reference = ociReference(`${source.repository}/${source.chart}`, source.asked === '*' || source.asked === '' ? 'latest' : source.asked);
    const { digest, layer, provenance } = await this.ociLayer(reference, (mediaType) => HELM_CHART_LAYER.test(mediaType), 'a Helm chart layer');
    const { bytes, cached } = await this.ociBlob(reference, layer);
    const hex = layer.slice('sha256:'.length);
    const what = `chart ${reference.canonical}`;
    const signer = await this.provenanceSigner(bytes, `${source.chart}-${source.asked}.tgz`, what, async () => (provenance ? (await this.ociBlob(reference, provenance)).bytes : undefined));
    const cosignSigner = await this.cosignSigner(reference, digest, what);
    const directory = await this.chartTree(hex, bytes, what);
    return this.result(key, source, { version: source.asked, digest, sha256: layer, ...(signer ? { signer } : {}), ...(cosignSigner ? { cosignSigner } : {}) }, directory, cached, `chart ${source.chart} ${source.asked}`);
  }

  /**
   * With a cosign policy for the chart's repository: the signer of the chart manifest's signature,
   * verified as `rampart verify` verifies an image; `unsigned` when it has none. A signature that does
   * not verify is an error.
   */
  private async cosignSigner(reference: ImageReference, digest: string, what: string): Promise<string | undefined> {
    const policy = this.options.chartSignatures?.policyFor(reference.name);
    if (!policy) return undefined;
    let verdict;
    try {
      verdict = await this.signatures.verify({ ...reference, digest }, policy);
    } catch (error) {
      throw new Error(`${what}: the cosign signature could not be checked: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (verdict.status === 'verified') {
      // a key is named by its fingerprint, not by the path it was given at, so the lock reads the same everywhere
      const key = policy.keys.find(({ name }) => verdict.signer === `key ${name}`);
      return key ? `key sha256:${createHash('sha256').update(key.key.export({ type: 'spki', format: 'der' })).digest('hex')}` : verdict.signer;
    }
    if (verdict.status === 'unsigned') return UNSIGNED;
    throw new Error(`${what}: the cosign signature does not verify (${verdict.reason}): ${verdict.detail}`);
  }

  private async fetchOciArtifact(key: string, source: Extract<DependencySource, { type: 'oci' }>): Promise<FetchedDependency> {
    const reference = ociReference(source.url, source.asked);
    const { digest, layer } = await this.ociLayer(reference, (mediaType) => /tar\+gzip$|tar$/.test(mediaType), 'a tar layer');
    const { bytes, cached } = await this.ociBlob(reference, layer);
    const hex = layer.slice('sha256:'.length);
    const directory = await this.options.cache.writeTree(`sha256-${hex}`, (target) => extractArchive(bytes, target, `OCI artifact ${reference.canonical}`, this.limits()).then(() => undefined));
    return this.result(key, source, { digest, sha256: layer }, directory, cached, dependencyLabel(source));
  }

  private async ociLayer(reference: ImageReference, accepts: (mediaType: string) => boolean, what: string): Promise<{ digest: string; layer: string; provenance?: string }> {
    const manifest = await this.options.registry.getManifest(reference);
    let layers: Array<{ mediaType?: unknown; digest?: unknown }> = [];
    try {
      const parsed = JSON.parse(manifest.body.toString('utf8')) as { layers?: unknown };
      if (Array.isArray(parsed.layers)) layers = parsed.layers as typeof layers;
    } catch {
      // checked by the client already; an index lands here with no layers
    }
    const layer = layers.find((item) => typeof item.mediaType === 'string' && accepts(item.mediaType) && typeof item.digest === 'string');
    if (!layer || typeof layer.digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(layer.digest)) {
      throw new Error(`${reference.canonical}: the manifest has no ${what}`);
    }
    const provenance = layers.find((item) => item.mediaType === HELM_PROVENANCE_LAYER && typeof item.digest === 'string' && /^sha256:[0-9a-f]{64}$/.test(item.digest))?.digest;
    return { digest: manifest.digest, layer: layer.digest, ...(typeof provenance === 'string' ? { provenance } : {}) };
  }

  private async ociBlob(reference: ImageReference, digest: string): Promise<{ bytes: Buffer; cached: boolean }> {
    const hex = digest.slice('sha256:'.length);
    const cachedBytes = await this.cachedBlob(hex);
    if (cachedBytes) return { bytes: cachedBytes, cached: true };
    const bytes = await this.options.registry.getBlob(reference, digest); // checked against the digest by the client
    this.downloads += 1;
    await this.options.cache.writeBlob(hex, bytes);
    return { bytes, cached: false };
  }

  private async fetchGit(key: string, source: Extract<DependencySource, { type: 'git' }>): Promise<FetchedDependency> {
    const commit = await this.git.resolve(source.url, source.asked);
    const id = `git-${commit}`;
    const cached = await this.options.cache.hasTree(id);
    if (!cached) {
      await this.options.cache.writeTree(id, (target) => this.gitFetch.checkout(source.url, source.asked, commit, target));
      this.downloads += 1;
    }
    let directory = this.options.cache.treePath(id);
    if (source.subPath) directory = await this.subDirectory(directory, source.subPath, `${gitDisplayUrl(source.url)} at ${source.asked} (${commit.slice(0, 12)}) has no ${source.subPath}`);
    const signer = await this.gitSigner(source, commit);
    return this.result(key, source, { commit, ...(signer ? { gitSigner: signer } : {}) }, directory, cached, dependencyLabel(source));
  }

  /** With commit signers given: who signed the tag and commit (their raw objects are kept in the cache beside the tree). */
  private async gitSigner(source: Extract<DependencySource, { type: 'git' }>, commit: string): Promise<string | undefined> {
    const verifier = this.options.gitSignatures;
    if (!verifier) return undefined;
    const what = `${gitDisplayUrl(source.url)} at ${source.asked}`;
    const id = `gitobj-${commit}-${createHash('sha256').update(`${source.url}\0${source.asked}`).digest('hex').slice(0, 16)}`;
    const directory = await this.options.cache.writeTree(id, (target) => this.gitFetch.signedObjects(source.url, source.asked, commit, target, what));
    const [commitObject, tagObject] = await Promise.all([readFile(path.join(directory, 'commit')), readFile(path.join(directory, 'tag')).catch(() => undefined)]);
    try {
      return await gitSigner({ commit: commitObject, ...(tagObject ? { tag: tagObject } : {}) }, verifier, source.verify);
    } catch (error) {
      throw new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async fetchFile(key: string, source: Extract<DependencySource, { type: 'file' }>): Promise<FetchedDependency> {
    const bytes = await httpGet(source.url, this.http, this.limits().fileBytes, this.repositories.authFor(source.url));
    this.downloads += 1;
    const hex = sha256Hex(bytes);
    const cachedBlob = await this.cachedBlob(hex);
    if (!cachedBlob) await this.options.cache.writeBlob(hex, bytes);
    const name = fileNameOf(source.url);
    const directory = await this.options.cache.writeTree(`file-${hex}-${name}`, (target) => writeFile(path.join(target, name), bytes, { flag: 'wx' }));
    return this.result(key, source, { sha256: `sha256:${hex}` }, directory, false, dependencyLabel(source));
  }

  private async chartTree(hex: string, bytes: Buffer, what: string): Promise<string> {
    const tree = await this.options.cache.writeTree(`sha256-${hex}`, (target) => extractArchive(bytes, target, what, this.limits()).then(() => undefined));
    // a packaged chart holds one top directory, named after the chart
    const entries = await readdir(tree, { withFileTypes: true });
    const top = entries.filter((entry) => entry.isDirectory());
    if (top.length === 1 && top[0] && entries.length === 1) return path.join(tree, top[0].name);
    const withChart = [];
    for (const entry of top) if (await stat(path.join(tree, entry.name, 'Chart.yaml')).then(() => true, () => false)) withChart.push(entry.name);
    if (withChart.length === 1 && withChart[0]) return path.join(tree, withChart[0]);
    throw new ArchiveError(`${what}: not a packaged Helm chart (expected one top directory with a Chart.yaml)`);
  }

  private async cachedBlob(hex: string): Promise<Buffer | undefined> {
    const bytes = await this.options.cache.readBlob(hex);
    return bytes && sha256Hex(bytes) === hex ? bytes : undefined; // a damaged cache entry is fetched again
  }

  private limits(): ArchiveLimits {
    return this.options.limits ?? DEFAULT_LIMITS;
  }

  private result(key: string, source: DependencySource, content: ResolvedContent, directory: string, cached: boolean, label: string): FetchedDependency {
    return { key, source, content, directory, cached, label };
  }
}

function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function ociReference(url: string, tagOrDigest: string): ImageReference {
  const name = url.replace(/^oci:\/\//i, '');
  const raw = tagOrDigest.startsWith('sha256:') ? `${name}@${tagOrDigest}` : `${name}:${tagOrDigest}`;
  const parsed = parseImageReference(raw);
  if (!parsed.ok) throw new Error(`oci://${raw}: not an OCI reference (${parsed.reason})`);
  return parsed.reference;
}

function fileNameOf(url: string): string {
  const last = new URL(url).pathname.split('/').filter(Boolean).pop() ?? 'file';
  const safe = last.replace(/[^\w.-]/g, '_').slice(0, 100);
  return safe === '' || safe === '.' || safe === '..' ? 'file' : safe;
}


/**
 * A module's sub-directory: go-getter's `//sub` in the address (before any `?`), then the one the
 * module block asked for (`source = "ns/name/provider//sub"`) inside it.
 */
function moduleSubPath(address: string, asked: string | undefined): { url: string; subPath?: string } {
  const scheme = /^[a-z][\w+.-]*::/i.exec(address)?.[0] ?? '';
  const rest = address.slice(scheme.length);
  const query = rest.indexOf('?');
  const beforeQuery = query === -1 ? rest : rest.slice(0, query);
  const afterScheme = beforeQuery.indexOf('://') + 3;
  const split = beforeQuery.indexOf('//', afterScheme > 2 ? afterScheme : 0);
  const own = split === -1 ? undefined : beforeQuery.slice(split + 2);
  const url = split === -1 ? rest : `${beforeQuery.slice(0, split)}${query === -1 ? '' : rest.slice(query)}`;
  const subPath = [own, asked].filter((part): part is string => part !== undefined && part !== '').join('/');
  return { url, ...(subPath ? { subPath } : {}) };
}
