import type { ReportedImage } from '../image/inspect-image.js';
import type { ImageVulnerabilities } from './image-vulnerabilities.js';
import type { MatchResult } from './match.js';

/** What was checked, for `--format json`: counts, the unchecked groups, every match in brief. */
export function vulnerabilitySummary(result: MatchResult): Record<string, unknown> {
  return {
    checked: result.checked,
    ecosystems: result.ecosystemsUsed,
    unchecked: result.unchecked.map((group) => ({ ecosystem: group.label, reason: group.reason, packages: group.packages })),
    matches: result.matches.map((match) => ({
      advisory: match.id,
      aliases: match.aliases,
      package: match.package.name,
      purl: match.package.purl,
      installedVersion: match.package.version,
      ...(match.fixed ? { fixedVersion: match.fixed } : {}),
      severity: match.severity.severity,
      ...(match.severity.score !== undefined ? { cvssScore: match.severity.score } : {}),
      layer: match.package.layer,
      path: match.package.path,
    })),
  };
}

function ratingMethod(source: string): string {
  if (source.startsWith('CVSS:4.0/')) return 'CVSSv4';
  if (source.startsWith('CVSS:3.1/')) return 'CVSSv31';
  if (source.startsWith('CVSS:3.0/')) return 'CVSSv3';
  if (source.startsWith('AV:') || source.startsWith('(AV:')) return 'CVSSv2';
  return 'other';
}

function sourceOf(id: string): { name: string } {
  if (id.startsWith('CVE-')) return { name: 'NVD' };
  if (id.startsWith('GHSA-')) return { name: 'GitHub' };
  return { name: 'OSV' };
}

/** CycloneDX 1.6 `vulnerabilities`: each match, rated, with the package component it affects (bom-ref `pkg-<image>-<index>`). */
export function cycloneDxVulnerabilities(images: readonly ReportedImage[], found: ImageVulnerabilities): Array<Record<string, unknown>> {
  const entries: Array<Record<string, unknown>> = [];
  images.forEach((image, imageIndex) => {
    const result = found.results.find((entry) => entry.image === image)?.result;
    for (const match of result?.matches ?? []) {
      const index = image.inventory.packages.indexOf(match.package);
      if (index < 0) continue;
      const severity = match.severity.severity === 'info' ? 'none' : match.severity.severity;
      entries.push({
        'bom-ref': `vuln-${imageIndex}-${entries.length}`,
        id: match.id,
        source: sourceOf(match.id),
        ...(match.aliases.length ? { references: match.aliases.map((alias) => ({ id: alias, source: sourceOf(alias) })) } : {}),
        ratings: [
          match.severity.score !== undefined
            ? { score: match.severity.score, severity, method: ratingMethod(match.severity.source), vector: match.severity.source }
            : { severity: match.severity.source === 'none' ? 'unknown' : severity, method: 'other' },
        ],
        ...(match.summary ? { description: match.summary } : {}),
        ...(match.fixed ? { recommendation: `Upgrade ${match.package.name} to ${match.fixed} or later` } : {}),
        affects: [{ ref: `pkg-${imageIndex}-${index}`, versions: [{ version: match.package.version, status: 'affected' }] }],
      });
    }
  });
  return entries;
}
