import { append } from '../append.js';
import { DEFAULT_CONFIG } from '../config/schema.js';
import { imageFinding, layerProperties } from '../image/image-findings.js';
import type { ReportedImage } from '../image/inspect-image.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Finding } from '../model/finding.js';
import imageVulnerability from '../rules/artifacts/image-vulnerability.js';
import { matchInventory, type MatchResult, type VulnerabilityMatch } from './match.js';
import type { VulnerabilityDatabase } from './store.js';

export interface ImageVulnerabilityResult {
  readonly image: ReportedImage;
  readonly result: MatchResult;
}

export interface ImageVulnerabilities {
  readonly findings: Finding[];
  /** unchecked packages and unevaluated advisories, as `skipped` diagnostics */
  readonly diagnostics: Diagnostic[];
  readonly results: readonly ImageVulnerabilityResult[];
}

/** `--max-db-age`: the data an image was checked against is older than the user accepts. */
export class StaleDatabaseError extends Error {}

const DURATION = /^(\d+(?:\.\d+)?)\s*(h|d|w)$/i;

/** `36h`, `7d`, `2w` in milliseconds; undefined when not such a duration. */
export function parseMaxAge(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const hours = { h: 1, d: 24, w: 24 * 7 }[match[2]!.toLowerCase() as 'h' | 'd' | 'w'];
  return Number(match[1]) * hours * 3600 * 1000;
}

/**
 * Fails when any ecosystem the check relied on (or, with no database, the check itself) is older than
 * `maxAgeMs`, naming every such ecosystem and its age. Ecosystems the database holds that no checked
 * package used are not looked at: their age says nothing about this check.
 */
export function checkDatabaseAge(database: VulnerabilityDatabase | undefined, used: readonly string[], maxAgeMs: number, maxAgeText: string, now = Date.now()): void {
  if (!database) throw new StaleDatabaseError(`--max-db-age ${maxAgeText}: there is no vulnerability database; import OSV data with rampart db import`);
  const stale: string[] = [];
  for (const ecosystem of [...new Set(used)].sort()) {
    const status = database.ecosystems[ecosystem]!;
    const newest = Date.parse(status.newestModified);
    const age = now - newest;
    if (Number.isNaN(newest) || age > maxAgeMs) {
      stale.push(`the ${ecosystem} vulnerability data is ${Number.isNaN(newest) ? 'of unknown age' : `${Math.floor(age / 86_400_000)} days old (newest record modified ${status.newestModified})`}`);
    }
  }
  if (stale.length > 0) throw new StaleDatabaseError(`--max-db-age ${maxAgeText}: ${stale.join(', ')}; import a current OSV export with rampart db import`);
}

function fixText(match: VulnerabilityMatch): string {
  if (match.fixed) return `fixed in ${match.fixed}`;
  if (match.lastAffected) return `no fixed version (last affected ${match.lastAffected})`;
  return 'no fixed version published';
}

function findingOf(display: string, image: ReportedImage, match: VulnerabilityMatch): Finding {
  const pkg = match.package;
  const sourceNote = match.query.name !== pkg.name ? ` (source ${match.query.name}${match.query.version !== pkg.version ? ` ${match.query.version}` : ''})` : '';
  return imageFinding({
    rule: imageVulnerability,
    messageId: 'vulnerable',
    data: {
      package: `${pkg.name}${sourceNote}`,
      installed: pkg.version,
      ecosystem: match.query.label,
      advisory: match.id,
      aliases: match.aliases.length ? ` (${match.aliases.join(', ')})` : '',
      summary: match.summary ? `: ${match.summary}` : '',
      fix: fixText(match),
    },
    image: display,
    source: 'layer',
    path: pkg.path,
    subject: `${pkg.purl}:${match.id}`,
    severity: match.severity.severity,
    properties: {
      advisory: match.id,
      ...(match.aliases.length ? { aliases: match.aliases.join(',') } : {}),
      package: pkg.name,
      purl: pkg.purl,
      ecosystem: match.query.label,
      installedVersion: pkg.version,
      ...(match.query.version !== pkg.version ? { comparedVersion: match.query.version } : {}),
      ...(match.fixed ? { fixedVersion: match.fixed } : {}),
      ...(match.lastAffected ? { lastAffectedVersion: match.lastAffected } : {}),
      ...(match.severity.score !== undefined ? { cvssScore: match.severity.score } : {}),
      severitySource: match.severity.source,
      ...layerProperties(image, pkg.layer),
    },
  }, DEFAULT_CONFIG);
}

function uncheckedDiagnostics(display: string, result: MatchResult): Diagnostic[] {
  const diagnostics: Diagnostic[] = result.unchecked.map((group) => {
    const sample = group.packages.slice(0, 3).join(', ');
    const more = group.packages.length > 3 ? `, … ${group.packages.length - 3} more` : '';
    return {
      path: display,
      kind: 'skipped',
      message: `${group.packages.length} ${group.label} ${group.packages.length === 1 ? 'package was' : 'packages were'} not checked for vulnerabilities: ${group.reason} (${sample}${more})`,
    };
  });
  if (result.unevaluated.length > 0) {
    const first = result.unevaluated[0]!;
    diagnostics.push({
      path: display,
      kind: 'skipped',
      message: `${result.unevaluated.length} advisory ${result.unevaluated.length === 1 ? 'entry' : 'entries'} could not be evaluated (e.g. ${first.id} for ${first.package}: ${first.reason})`,
    });
  }
  return diagnostics;
}

/**
 * The vulnerability findings of inspected images: every package of each image's inventory against
 * the database, plus diagnostics for what could not be checked. The API `scan --analyze-images`
 * builds on; `rampart image` calls it after reading the image.
 */
export async function findImageVulnerabilities(display: string, images: readonly ReportedImage[], database: VulnerabilityDatabase | undefined): Promise<ImageVulnerabilities> {
  const findings: Finding[] = [];
  const diagnostics: Diagnostic[] = [];
  const results: ImageVulnerabilityResult[] = [];
  for (const image of images) {
    const result = await matchInventory(image.inventory, database);
    results.push({ image, result });
    for (const match of result.matches) findings.push(findingOf(display, image, match));
    append(diagnostics, uncheckedDiagnostics(images.length > 1 && image.platform ? `${display} (${image.platform})` : display, result));
  }
  return { findings, diagnostics, results };
}
