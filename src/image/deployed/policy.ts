import type { ImagesConfig } from '../../config/schema.js';
import type { Diagnostic } from '../../model/diagnostic.js';
import type { Finding } from '../../model/finding.js';
import { atLeast } from '../../model/severity.js';
import { imageGlob } from '../../verify/image/image-glob.js';

export interface PolicyOutcome {
  readonly kept: Finding[];
  /** findings an unexpired ignore entry covers */
  readonly ignored: number;
  /** findings under `images.minSeverity` */
  readonly belowThreshold: number;
}

/** `images.ignore` and `images.minSeverity` of `.rampart.yaml`, applied to one image's findings. */
export class ImagePolicy {
  private readonly entries: ReadonlyArray<{ ids: Set<string>; expires: string; expired: boolean; images?: RegExp[]; reason: string; id: string }>;

  constructor(private readonly config: ImagesConfig | undefined, private readonly source = '.rampart.yaml', today = new Date().toISOString().slice(0, 10)) {
    this.entries = (config?.ignore ?? []).map((entry) => ({
      id: entry.id,
      ids: new Set([entry.id.toUpperCase()]),
      reason: entry.reason,
      expires: entry.expires,
      // `expires` is the last day the entry applies
      expired: today > entry.expires,
      ...(entry.images ? { images: entry.images.map(imageGlob) } : {}),
    }));
  }

  /** one note per expired entry: it no longer hides anything, and someone should look again */
  expiredNotes(): Diagnostic[] {
    return this.entries.filter((entry) => entry.expired).map((entry) => ({
      path: this.source,
      kind: 'note',
      message: `images.ignore ${entry.id} expired on ${entry.expires} and no longer applies; its findings are reported again (reason given: ${entry.reason})`,
    }));
  }

  /** `imageName`: registry/repository, what `images` globs match */
  apply(findings: readonly Finding[], imageName: string): PolicyOutcome {
    const kept: Finding[] = [];
    let ignored = 0;
    let belowThreshold = 0;
    const threshold = this.config?.minSeverity;
    for (const finding of findings) {
      if (threshold && !atLeast(finding.severity, threshold)) {
        belowThreshold += 1;
        continue;
      }
      const ids = advisoryIds(finding);
      const entry = ids.length === 0 ? undefined : this.entries.find((candidate) => ids.some((id) => candidate.ids.has(id)) && (!candidate.images || candidate.images.some((glob) => glob.test(imageName))));
      if (entry && !entry.expired) {
        ignored += 1;
        continue;
      }
      kept.push(entry ? { ...finding, properties: { ...finding.properties, ignoreExpired: entry.expires } } : finding);
    }
    return { kept, ignored, belowThreshold };
  }
}

/** what the policy left out of a report, as a note (nothing when it left nothing out) */
export function policyNote(outcome: PolicyOutcome, source: string): Diagnostic[] {
  const parts = [
    ...(outcome.belowThreshold > 0 ? [`${outcome.belowThreshold} ${outcome.belowThreshold === 1 ? 'finding' : 'findings'} below images.minSeverity`] : []),
    ...(outcome.ignored > 0 ? [`${outcome.ignored} ignored by images.ignore`] : []),
  ];
  return parts.length === 0 ? [] : [{ path: source, kind: 'note', message: `not reported by the images policy: ${parts.join(', ')}` }];
}

/** The advisory id and aliases of an `image-vulnerability` finding, upper-cased. */
function advisoryIds(finding: Finding): string[] {
  const advisory = finding.properties?.['advisory'];
  if (typeof advisory !== 'string') return [];
  const aliases = finding.properties?.['aliases'];
  return [advisory, ...(typeof aliases === 'string' && aliases ? aliases.split(',') : [])].map((id) => id.trim().toUpperCase());
}
