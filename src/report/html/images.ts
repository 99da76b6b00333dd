import type { DeployedImageSummary } from '../../image/deployed/analyze-deployed.js';
import { countBySeverity } from '../../engine/count-by-severity.js';
import type { ScanReport } from '../report.js';
import { escapeHtml } from './escape.js';
import { inlineCode } from './findings.js';
import { SEVERITIES_DESCENDING } from './overview.js';

const VULNERABILITY_CHECK: Readonly<Record<DeployedImageSummary['vulnerabilities'], string>> = {
  checked: 'vulnerabilities checked',
  partial: 'vulnerabilities partly checked: some ecosystems had no data',
  unchecked: 'vulnerabilities not checked: no database',
};

/** `scan --analyze-images`: each deployed image with what it holds (SBOM summary) and its findings. */
export function imagesSection(report: ScanReport): string {
  const images = report.images;
  if (!images || images.length === 0) return '';
  const cards = images.map((image, index) => imageCard(image, index)).join('\n');
  return `<section class="panel images" aria-labelledby="images-title">
<h2 id="images-title">Deployed images <span class="count">${images.length}</span></h2>
<p class="hint">Each image the repository references, pulled and analysed once; its findings are also listed under the manifest lines that name it.</p>
${cards}
</section>`;
}

function imageCard(image: DeployedImageSummary, index: number): string {
  const counts = countBySeverity(image.findings);
  const badges = SEVERITIES_DESCENDING.filter((severity) => counts[severity] > 0)
    .map((severity) => `<span class="badge sev-${severity}">${counts[severity]} ${severity}</span>`).join(' ');
  const status = image.error ? '<span class="image-status error">not analysed</span>' : image.findings.length === 0 ? '<span class="image-status ok">no findings</span>' : badges;
  const digest = image.digest ? `<code class="digest" title="${escapeHtml(image.digest)}">${escapeHtml(shortDigest(image.digest))}</code>${image.tagResolved ? ' <span class="tag-resolved">tag resolved</span>' : ''}` : '';
  const lines = image.referencedAt.map(({ path, line }) => `<li class="location">${escapeHtml(path)}:${line}</li>`).join('');
  const facts = [
    ...(image.error ? [`<p class="image-error">${escapeHtml(image.error)}</p>`] : []),
    ...image.platforms.map(platformFacts),
    ...(image.error ? [] : [`<p class="image-facts">${escapeHtml(VULNERABILITY_CHECK[image.vulnerabilities])}${policyNote(image)}</p>`]),
  ].join('\n');
  return `<article class="image-card" id="image-${index}" aria-labelledby="image-${index}-name" data-image="${escapeHtml(image.name)}">
<header class="image-head"><h3 class="image-name" id="image-${index}-name"><code>${escapeHtml(image.reference)}</code></h3> ${digest} <span class="image-counts">${status}</span></header>
<div class="image-body">
<div><h4>Referenced at</h4><ul class="image-lines">${lines}</ul></div>
<div>${facts}</div>
</div>
${findingList(image)}
</article>`;
}

function platformFacts(platform: DeployedImageSummary['platforms'][number]): string {
  const packages = Object.entries(platform.packages).sort(([a], [b]) => a.localeCompare(b));
  const total = packages.reduce((sum, [, count]) => sum + count, 0);
  const byEcosystem = packages.length === 0 ? 'no packages found' : `${total} package${total === 1 ? '' : 's'}: ${packages.map(([ecosystem, count]) => `<span class="ecosystem" data-ecosystem="${escapeHtml(ecosystem)}">${escapeHtml(ecosystem)} ${count}</span>`).join(', ')}`;
  const where = [platform.os ?? 'no OS release file', ...(platform.platform ? [platform.platform] : [])].map(escapeHtml).join(' · ');
  return `<p class="image-facts sbom"><span class="image-os">${where}</span> · ${platform.layers} layer${platform.layers === 1 ? '' : 's'}, ${escapeHtml(formatBytes(platform.bytes))} · ${byEcosystem}</p>`;
}

function policyNote(image: DeployedImageSummary): string {
  const parts = [
    ...(image.ignored > 0 ? [`${image.ignored} ignored by images.ignore`] : []),
    ...(image.belowThreshold > 0 ? [`${image.belowThreshold} below images.minSeverity`] : []),
  ];
  return parts.length > 0 ? ` · ${escapeHtml(parts.join(', '))}` : '';
}

function findingList(image: DeployedImageSummary): string {
  if (image.findings.length === 0) return '';
  const items = [...image.findings]
    .sort((a, b) => SEVERITIES_DESCENDING.indexOf(a.severity) - SEVERITIES_DESCENDING.indexOf(b.severity) || a.ruleId.localeCompare(b.ruleId))
    .map((finding) => `<li class="image-finding sev-${finding.severity}"><span class="badge sev-${finding.severity}">${finding.severity}</span> <code class="image-rule">${escapeHtml(finding.ruleId)}</code> ${inlineCode(finding.message)}</li>`)
    .join('\n');
  return `<details class="image-findings"><summary>${image.findings.length} finding${image.findings.length === 1 ? '' : 's'} in this image</summary>
<ul>
${items}
</ul></details>`;
}

function shortDigest(digest: string): string {
  const [algorithm, hex = ''] = digest.split(':');
  return `${algorithm}:${hex.slice(0, 12)}`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
