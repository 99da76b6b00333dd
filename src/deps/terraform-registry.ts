import { displayUrl, FetchError, httpGet, httpGetHeader, type HttpOptions } from './http.js';

const DISCOVERY_BYTES = 64 * 1024;
const VERSIONS_BYTES = 8 * 1024 * 1024;

/**
 * The Terraform module registry protocol (https://developer.hashicorp.com/terraform/internals/module-registry-protocol):
 * `/.well-known/terraform.json` names the `modules.v1` base, `<base><module>/versions` lists the
 * versions, and `<base><module>/<version>/download` answers with the source address to fetch in
 * `X-Terraform-Get`. Hosts in `plainHttpHosts` are asked over HTTP (loopback tests, mirrors).
 */
export class TerraformRegistryClient {
  private readonly bases = new Map<string, Promise<string>>();

  constructor(private readonly http: HttpOptions, private readonly plainHttpHosts: readonly string[] = []) {}

  /** The version `constraint` picks (the highest that satisfies it) and where its content is. */
  async resolve(host: string, module: string, constraint: string): Promise<{ version: string; address: string }> {
    const base = await this.modulesBase(host);
    const versionsUrl = new URL(`${module}/versions`, base).toString();
    const versions = parseVersions(await httpGet(versionsUrl, this.http, VERSIONS_BYTES), versionsUrl);
    const version = chooseTerraformVersion(versions, constraint);
    if (!version) throw new Error(`${host}/${module}: no version matches "${constraint || 'any'}" (the registry lists ${versions.slice(0, 8).join(', ') || 'none'})`);
    const downloadUrl = new URL(`${module}/${encodeURIComponent(version)}/download`, base).toString();
    const address = await httpGetHeader(downloadUrl, this.http, 'x-terraform-get');
    if (!address) throw new Error(`${displayUrl(downloadUrl)}: the registry gave no X-Terraform-Get address for ${module} ${version}`);
    // a relative address is relative to the download URL (the protocol allows it)
    const absolute = /^[a-z][\w+.-]*::/i.test(address) || /^[a-z][\w+.-]*:\/\//i.test(address) ? address : new URL(address, downloadUrl).toString();
    return { version, address: absolute };
  }

  private modulesBase(host: string): Promise<string> {
    let pending = this.bases.get(host);
    if (!pending) {
      pending = this.discover(host);
      this.bases.set(host, pending);
    }
    return pending;
  }

  private async discover(host: string): Promise<string> {
    const scheme = this.plainHttpHosts.includes(host) ? 'http' : 'https';
    const url = `${scheme}://${host}/.well-known/terraform.json`;
    let services: unknown;
    try {
      services = JSON.parse((await httpGet(url, this.http, DISCOVERY_BYTES)).toString('utf8'));
    } catch (error) {
      if (error instanceof FetchError) throw error;
      throw new Error(`${url}: not JSON; not a Terraform registry`);
    }
    const modules = (services as Record<string, unknown> | null)?.['modules.v1'];
    if (typeof modules !== 'string' || modules === '') throw new Error(`${url}: no "modules.v1" service; this host serves no modules`);
    const base = new URL(modules, url);
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    return base.toString();
  }
}

function parseVersions(bytes: Buffer, url: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new Error(`${displayUrl(url)}: not JSON`);
  }
  const modules = (parsed as { modules?: unknown } | null)?.modules;
  const first = Array.isArray(modules) ? (modules[0] as { versions?: unknown } | undefined) : undefined;
  if (!first || !Array.isArray(first.versions)) throw new Error(`${displayUrl(url)}: no modules[0].versions list`);
  return first.versions.map((item: unknown) => (item as { version?: unknown } | null)?.version).filter((version): version is string => typeof version === 'string');
}

type Parts = [number, number, number];

interface Parsed {
  readonly parts: Parts;
  /** how many parts were written (`~> 1.2` pins the major, `~> 1.2.0` the minor) */
  readonly written: number;
  readonly prerelease: string;
}

function parse(version: string): Parsed | undefined {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(version.trim());
  if (!match) return undefined;
  const written = match[3] !== undefined ? 3 : match[2] !== undefined ? 2 : 1;
  return { parts: [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)], written, prerelease: match[4] ?? '' };
}

function compare(a: Parsed, b: Parsed): number {
  for (let index = 0; index < 3; index += 1) {
    const difference = a.parts[index]! - b.parts[index]!;
    if (difference !== 0) return difference;
  }
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === '') return 1;
  if (b.prerelease === '') return -1;
  return a.prerelease < b.prerelease ? -1 : 1;
}

/**
 * Terraform's version constraints: comma-separated `=`, `!=`, `>`, `>=`, `<`, `<=`, `~>` (the
 * rightmost written part may grow: `~> 1.2` is `>= 1.2, < 2.0`, `~> 1.2.0` is `>= 1.2.0, < 1.3.0`).
 * Pre-releases only match an exact `=`. Undefined for a constraint that cannot be read.
 */
export function terraformVersionMatches(version: string, constraint: string): boolean | undefined {
  const target = parse(version);
  if (!target) return undefined;
  const terms = constraint.split(',').map((term) => term.trim()).filter(Boolean);
  let exact = false;
  for (const term of terms) {
    const match = /^(=|!=|>=|<=|>|<|~>)?\s*(.+)$/.exec(term);
    const bound = match?.[2] ? parse(match[2]) : undefined;
    if (!match || !bound) return undefined;
    const operator = match[1] ?? '=';
    const order = compare(target, bound);
    if (operator === '=' ) exact = true;
    const holds = operator === '=' ? order === 0
      : operator === '!=' ? order !== 0
        : operator === '>' ? order > 0
          : operator === '>=' ? order >= 0
            : operator === '<' ? order < 0
              : operator === '<=' ? order <= 0
                : order >= 0 && withinPessimistic(target, bound);
    if (!holds) return false;
  }
  return target.prerelease === '' || exact;
}

function withinPessimistic(target: Parsed, bound: Parsed): boolean {
  const fixed = Math.max(bound.written - 1, 1); // `~> 1` behaves like `~> 1.0`
  for (let index = 0; index < fixed; index += 1) if (target.parts[index] !== bound.parts[index]) return false;
  return true;
}

/** The highest listed version the constraint allows (an empty constraint allows any release). */
export function chooseTerraformVersion(versions: readonly string[], constraint: string): string | undefined {
  let best: { text: string; parsed: Parsed } | undefined;
  for (const text of versions) {
    const parsed = parse(text);
    if (!parsed || terraformVersionMatches(text, constraint.trim() === '' ? '>= 0.0.0' : constraint) !== true) continue;
    if (!best || compare(parsed, best.parsed) > 0) best = { text, parsed };
  }
  return best?.text;
}

/**
 * Why a go-getter module source is not fetched: S3 and GCS buckets need their cloud's signed
 * requests (and a network Rampart does not reach), Mercurial and OCI module sources are not
 * spoken; plain HTTP(S) archives are fetched only where a registry names them.
 */
export function unfetchedModuleSource(address: string): string {
  const shown = displayUrl(address);
  if (/^s3::|^(?:[\w-]+\.)?s3[\w.-]*\.amazonaws\.com\//i.test(address)) return `"${shown}" is an S3 bucket (go-getter s3::), which needs signed AWS requests; it was not fetched, so what it holds was not checked`;
  if (/^gcs::|^www\.googleapis\.com\/storage\//i.test(address)) return `"${shown}" is a Google Cloud Storage bucket (go-getter gcs::), which needs signed Google requests; it was not fetched, so what it holds was not checked`;
  if (/^hg::/i.test(address)) return `"${shown}" is a Mercurial repository, which Rampart does not fetch; what it holds was not checked`;
  if (/^oci::|^oci:\/\//i.test(address)) return `"${shown}" is an OCI module source, which Rampart does not fetch; what it holds was not checked`;
  return `"${shown}" is an archive URL, which Rampart fetches only when a module registry names it; what it holds was not checked`;
}
