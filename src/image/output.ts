import type { Reporter, ScanReport } from '../report/report.js';
import { terminalSafe } from '../report/terminal-safe.js';
import type { AnalyzedImage } from './analyze.js';
import type { ImageInspection } from './inspect-image.js';

/** What was read, for `--format json`: one entry per platform read. */
export function imageSummary(image: AnalyzedImage): Record<string, unknown> {
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
  };
}

/** The report in the asked format; text and json also say what was read. */
export function imageOutput(format: string, report: ScanReport, inspection: ImageInspection, options: { color: boolean }, reporters: Readonly<Record<string, Reporter>>): string {
  const reporter = reporters[format];
  if (!reporter) throw new Error(`unknown format ${format}`);
  const rendered = reporter(report, options);
  if (format === 'json') {
    const parsed = JSON.parse(rendered) as Record<string, unknown>;
    return `${JSON.stringify({ ...parsed, images: inspection.images.map(imageSummary) }, null, 2)}\n`;
  }
  if (format === 'text') {
    const lines = inspection.images.map((image) => {
      const files = image.layers.reduce((sum, layer) => sum + layer.entries, 0);
      return terminalSafe(`image ${image.display}${image.platform ? ` (${image.platform})` : ''}${image.manifestDigest ? ` ${image.manifestDigest}` : ''}: ${image.layers.length} layers, ${files} layer entries`);
    });
    return `${lines.join('\n')}${lines.length ? '\n' : ''}${rendered}`;
  }
  return rendered;
}
