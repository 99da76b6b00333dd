import type { Reporter, ScanReport } from '../report/report.js';
import { terminalSafe } from '../report/terminal-safe.js';
import type { ReportedImage } from './inspect-image.js';
import { cycloneDx, spdx } from './sbom.js';
import type { ImageVulnerabilities } from '../vuln/image-vulnerabilities.js';
import { vulnerabilitySummary } from '../vuln/summary.js';

/** What was read, for `--format json`: one entry per platform read. */
export function imageSummary(image: ReportedImage): Record<string, unknown> {
  return {
    image: image.display,
    ...(image.platform ? { platform: image.platform } : {}),
    ...(image.manifestDigest ? { manifestDigest: image.manifestDigest } : {}),
    configDigest: image.configDigest,
    layers: image.layers.map((layer) => ({
      index: layer.index,
      digest: layer.digest,
      ...(layer.diffId ? { diffId: layer.diffId } : {}),
      size: layer.size,
      compression: layer.compression,
      entries: layer.entries,
      whiteouts: layer.whiteouts,
      ...(layer.createdBy !== undefined ? { createdBy: layer.createdBy } : {}),
    })),
    ...(image.inventory.os ? { os: image.inventory.os } : {}),
    packages: image.inventory.packages.map((pkg) => ({
      type: pkg.type,
      name: pkg.name,
      version: pkg.version,
      purl: pkg.purl,
      ...(pkg.source ? { source: pkg.source } : {}),
      foundBy: pkg.foundBy,
      layer: pkg.layer,
      path: pkg.path,
    })),
  };
}

/** The report in the asked format; text and json also say what was read. */
export function imageOutput(format: string, report: ScanReport, inspection: { readonly display: string; readonly images: readonly ReportedImage[] }, options: { color: boolean; vulnerabilities?: ImageVulnerabilities }, reporters: Readonly<Record<string, Reporter>>): string {
  const checkedOf = (image: ReportedImage) => options.vulnerabilities?.results.find((entry) => entry.image === image)?.result;
  if (format === 'cyclonedx') return cycloneDx(inspection.images, inspection.display, options.vulnerabilities);
  if (format === 'spdx') return spdx(inspection.images, inspection.display);
  const reporter = reporters[format];
  if (!reporter) throw new Error(`unknown format ${format}`);
  const rendered = reporter(report, options);
  if (format === 'json') {
    const parsed = JSON.parse(rendered) as Record<string, unknown>;
    const images = inspection.images.map((image) => {
      const checked = checkedOf(image);
      return { ...imageSummary(image), ...(checked ? { vulnerabilities: vulnerabilitySummary(checked) } : {}) };
    });
    return `${JSON.stringify({ ...parsed, images }, null, 2)}\n`;
  }
  if (format === 'text') {
    const lines = inspection.images.map((image) => {
      const files = image.layers.reduce((sum, layer) => sum + layer.entries, 0);
      const byType = new Map<string, number>();
      for (const pkg of image.inventory.packages) byType.set(pkg.type, (byType.get(pkg.type) ?? 0) + 1);
      const packages = [...byType].map(([type, count]) => `${type} ${count}`).join(', ');
      const os = image.inventory.os ? `, ${image.inventory.os.prettyName ?? image.inventory.os.id}` : '';
      const checked = checkedOf(image);
      const vulnerabilities = checked ? `; ${checked.matches.length} known ${checked.matches.length === 1 ? 'vulnerability' : 'vulnerabilities'} in ${checked.checked} packages checked${checked.unchecked.length ? `, ${checked.unchecked.reduce((sum, group) => sum + group.packages.length, 0)} not checked` : ''}` : '';
      return terminalSafe(`image ${image.display}${image.platform ? ` (${image.platform})` : ''}${image.manifestDigest ? ` ${image.manifestDigest}` : ''}: ${image.layers.length} layers, ${files} layer entries${os}, ${image.inventory.packages.length} packages${packages ? ` (${packages})` : ''}${vulnerabilities}`);
    });
    return `${lines.join('\n')}${lines.length ? '\n' : ''}${rendered}`;
  }
  return rendered;
}
