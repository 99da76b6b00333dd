import type { PassContext, ScanPass } from '../../engine/run.js';
import { fingerprint } from '../../engine/fingerprint.js';
import type { Diagnostic } from '../../model/diagnostic.js';
import type { Finding } from '../../model/finding.js';
import type { ImageReference } from '../../model/image-ref.js';
import { ResolveError } from '../../resolve/errors.js';
import type { HttpRegistryClient } from '../../resolve/registry-client.js';
import type { VulnerabilityDatabase } from '../../vuln/store.js';
import { stopsRun, type LayerPipeline } from '../analyze.js';
import { blocklistVisitors, type Blocklist } from '../blocklist.js';
import { ImageInputError } from '../blob-source.js';
import { cpuTimed, noteThreads } from '../analysis-timings.js';
import type { InspectedImage } from '../inspect-image.js';
import { LayerMemory } from '../layer-cache.js';
import type { ClamAvOptions } from '../malware/clamav-engine.js';
import { leftOutRuleDiagnostics, type LeftOutRuleFile, type YaraEngine } from '../malware/yara-engine.js';
import { BlobSpool } from './blob-spool.js';
import { ImagePipeline, IMAGES_AHEAD, IMAGES_IN_FLIGHT } from './image-pipeline.js';
import { ImagePolicy } from './policy.js';
import { referencedImages, type ReferencedImage, type ReferencingLine } from './targets.js';

export interface DeployedImageOptions {
  readonly client: HttpRegistryClient;
  readonly engine: YaraEngine;
  readonly platform?: string;
  readonly cacheDirectory?: string | false;
  readonly database?: VulnerabilityDatabase;
  /** `--max-db-age`: the data an image is checked against must be younger */
  readonly maxDbAge?: { readonly ms: number; readonly text: string };
  readonly blocklist?: Blocklist;
  /** `--clamav`: every layer file to ClamAV as well */
  readonly clamav?: ClamAvOptions;
}

/** What the HTML report shows of one analysed image (and `--format json` carries as `images`). */
export interface DeployedImageSummary {
  /** the reference as the manifests write it (canonical form) */
  readonly reference: string;
  /** registry/repository */
  readonly name: string;
  readonly digest?: string;
  /** the reference named a tag only, which the registry resolved to `digest` */
  readonly tagResolved: boolean;
  readonly referencedAt: ReadonlyArray<{ readonly path: string; readonly line: number }>;
  /** why the image could not be analysed */
  readonly error?: string;
  readonly platforms: ReadonlyArray<{ readonly platform?: string; readonly os?: string; readonly packages: Readonly<Record<string, number>>; readonly layers: number; readonly bytes: number }>;
  /** `checked`: every package's ecosystem had data; `partial`: some had none; `unchecked`: no database */
  readonly vulnerabilities: 'checked' | 'partial' | 'unchecked';
  /** the image's findings, located inside the image, after the policy */
  readonly findings: readonly Finding[];
  readonly ignored: number;
  readonly belowThreshold: number;
}

interface Analysis {
  readonly display: string;
  readonly findings: readonly Finding[];
  readonly diagnostics: readonly Diagnostic[];
  readonly images: readonly InspectedImage[];
  readonly unchecked: number;
  readonly ecosystemsUsed: readonly string[];
  readonly complete: boolean;
  readonly leftOutRules: readonly LeftOutRuleFile[];
}

/**
 * `scan --analyze-images`: every image the tree references is resolved (a tag to its digest),
 * each digest read and analysed once (the layer cache keeps what earlier runs read), and each
 * finding reported at every manifest line that names the image.
 */
export class DeployedImagesPass implements ScanPass {
  readonly name = 'image analysis (--analyze-images)';
  readonly images: DeployedImageSummary[] = [];

  /** layers read for one image are restored, not read again, for the next image that shares them */
  private readonly layerMemory = new LayerMemory();
  private readonly leftOutRules = new Map<string, LeftOutRuleFile>();

  constructor(private readonly options: DeployedImageOptions) {}

  async run(context: PassContext): Promise<void> {
    const policy = new ImagePolicy(context.config.images, context.config.source ?? '.rampart.yaml');
    for (const note of policy.expiredNotes()) context.diagnose(note);
    const ecosystemsUsed = new Set<string>();
    const spool = new BlobSpool();
    // RAMPART_IMAGES_IN_FLIGHT, RAMPART_IMAGES_AHEAD: the pipeline's depth and look-ahead, for the benchmark (1 and 1: one image after another)
    const pipeline = new ImagePipeline(spool, envCount('RAMPART_IMAGES_IN_FLIGHT', IMAGES_IN_FLIGHT), envCount('RAMPART_IMAGES_AHEAD', IMAGES_AHEAD));
    try {
      // every reference resolved, each image opened and its blobs downloading ahead as soon as it is, and analysed two at a time (see ImagePipeline)
      const resolved: Array<{ target: ReferencedImage; digest?: string; pending?: Promise<Analysis>; error?: string }> = [];
      const analyses = new Map<string, Promise<Analysis>>();
      for (const target of referencedImages(context.workspace)) {
        const { reference } = target;
        let digest: string;
        try {
          digest = reference.digest ?? (await this.options.client.resolve(reference)).digest;
        } catch (error) {
          resolved.push({ target, error: `the registry did not resolve ${reference.canonical}: ${errorText(error)}` });
          continue;
        }
        let pending = analyses.get(digest);
        if (!pending) {
          pending = pipeline.admit((lane) => this.analyze(`${reference.name}@${digest}`, spool, lane));
          pending.catch(() => undefined); // awaited below, in order
          analyses.set(digest, pending);
        }
        resolved.push({ target, digest, pending });
      }
      for (const { target, digest, pending, error } of resolved) {
        if (!digest || !pending) {
          this.failed(context, target, error ?? 'not resolved');
          continue;
        }
        const { reference } = target;
        const tagResolved = reference.digest === undefined;
        let analysis: Analysis;
        try {
          analysis = await pending;
        } catch (error) {
          // a YARA rule that does not compile fails every image alike: said once, for the whole pass
          if (stopsRun(error)) throw error;
          this.failed(context, target, `${reference.canonical}${tagResolved ? ` (${digest})` : ''} could not be analysed: ${errorText(error)}`, digest, tagResolved);
          continue;
        }
        for (const rule of analysis.leftOutRules) this.leftOutRules.set(rule.file, rule);
        this.report(context, policy, target, digest, analysis);
        analysis.ecosystemsUsed.forEach((ecosystem) => ecosystemsUsed.add(ecosystem));
      }
    } finally {
      await spool.close();
      pipeline.noteTimings();
    }
    noteThreads();
    // the engine is shared by every image: a rule file it left out is said once
    for (const diagnostic of leftOutRuleDiagnostics(this.options.engine.version, [...this.leftOutRules.values()])) context.diagnose(diagnostic);
    if (this.options.maxDbAge) {
      const { checkDatabaseAge } = await import('../../vuln/image-vulnerabilities.js');
      try {
        checkDatabaseAge(this.options.database, [...ecosystemsUsed], this.options.maxDbAge.ms, this.options.maxDbAge.text);
      } catch (error) {
        context.diagnose({ path: '.', kind: 'incomplete', message: errorText(error) });
      }
    }
  }

  /** the image's findings at every line naming it, its diagnostics at the first, its summary for the reports */
  private report(context: PassContext, policy: ImagePolicy, target: ReferencedImage, digest: string, analysis: Analysis): void {
    const { reference } = target;
    const tagResolved = reference.digest === undefined;
    const outcome = policy.apply(analysis.findings, reference.name);
    for (const line of target.lines) {
      for (const finding of outcome.kept) context.reportFinding(atLine(finding, line, reference, digest, tagResolved, analysis.display));
    }
    const first = target.lines[0]!;
    for (const diagnostic of analysis.diagnostics) {
      context.diagnose({ ...diagnostic, path: first.path, line: first.line, message: `${reference.canonical}: ${stripDisplay(diagnostic.message, analysis.display)}${diagnostic.path !== analysis.display && !diagnostic.message.includes(diagnostic.path) ? ` (${diagnostic.path})` : ''}` });
    }
    this.images.push({
      reference: reference.canonical,
      name: reference.name,
      digest,
      tagResolved,
      referencedAt: target.lines.map(({ path, line }) => ({ path, line })),
      platforms: analysis.images.map((image) => ({
        ...(image.platform ? { platform: image.platform } : {}),
        ...(image.inventory.os ? { os: image.inventory.os.prettyName ?? [image.inventory.os.id, image.inventory.os.versionId].filter(Boolean).join(' ') } : {}),
        packages: countBy(image.inventory.packages.map((pkg) => pkg.type)),
        layers: image.layers.length,
        bytes: image.layers.reduce((sum, layer) => sum + layer.size, 0),
      })),
      vulnerabilities: !this.options.database ? 'unchecked' : analysis.unchecked > 0 ? 'partial' : 'checked',
      findings: outcome.kept.map((finding) => ({ ...finding, message: stripDisplay(finding.message, analysis.display) })),
      ignored: outcome.ignored,
      belowThreshold: outcome.belowThreshold,
    });
  }

  /** A registry or image that could not be read: an incomplete-run diagnostic at each line naming it. */
  private failed(context: PassContext, target: ReferencedImage, message: string, digest?: string, tagResolved = false): void {
    for (const { path, line } of target.lines) context.diagnose({ path, line, kind: 'incomplete', message });
    this.images.push({
      reference: target.reference.canonical,
      name: target.reference.name,
      ...(digest ? { digest } : {}),
      tagResolved,
      referencedAt: target.lines.map(({ path, line }) => ({ path, line })),
      error: message,
      platforms: [],
      vulnerabilities: 'unchecked',
      findings: [],
      ignored: 0,
      belowThreshold: 0,
    });
  }

  private async analyze(input: string, prefetcher: BlobSpool, layerPipeline: LayerPipeline): Promise<Analysis> {
    const { analyzeImage } = await import('../malware/analyze-image.js');
    const { findImageVulnerabilities } = await import('../../vuln/image-vulnerabilities.js');
    const base = {
      engine: this.options.engine,
      registryClient: this.options.client,
      layerMemory: this.layerMemory,
      prefetcher,
      layerPipeline,
      ...(this.options.platform ? { platform: this.options.platform } : {}),
      ...(this.options.cacheDirectory !== undefined ? { cacheDirectory: this.options.cacheDirectory } : {}),
      ...(this.options.clamav ? { clamav: this.options.clamav } : {}),
    };
    const blocklist = this.options.blocklist ? blocklistVisitors(this.options.blocklist, base) : undefined;
    const inspection = await analyzeImage(input, blocklist?.options ?? base);
    const vulnerabilities = await cpuTimed('vulnerability matching', () => findImageVulnerabilities(inspection.display, inspection.images, this.options.database));
    const listed = blocklist?.findings(inspection.display, inspection.images);
    const diagnostics = [...inspection.diagnostics, ...vulnerabilities.diagnostics];
    if (listed && listed.skipped > 0) diagnostics.push({ path: inspection.display, kind: 'skipped', message: `${listed.skipped} files over 256 MiB were not hashed for the blocklist` });
    return {
      display: inspection.display,
      findings: [...inspection.findings, ...vulnerabilities.findings, ...(listed?.findings ?? [])],
      diagnostics,
      images: inspection.images,
      unchecked: vulnerabilities.results.reduce((sum, { result }) => sum + result.unchecked.reduce((count, group) => count + group.packages.length, 0), 0),
      ecosystemsUsed: vulnerabilities.results.flatMap(({ result }) => result.ecosystemsUsed),
      complete: inspection.complete,
      leftOutRules: inspection.analysis.leftOutRules,
    };
  }
}

/** An image's finding, moved to a manifest line that deploys the image; what it says about the image stays in properties. */
function atLine(finding: Finding, at: ReferencingLine, reference: ImageReference, digest: string, tagResolved: boolean, display: string): Finding {
  const { occurrence } = at;
  const file = occurrence.file;
  const start = file.position(occurrence.span.start);
  const end = file.position(Math.max(occurrence.span.end, occurrence.span.start));
  const imagePath = String(finding.properties?.['path'] ?? finding.location.path);
  const label = tagResolved ? `${reference.canonical} (tag resolved to ${digest})` : reference.canonical;
  const subject = finding.properties?.['advisory'] ?? finding.properties?.['yaraRule'] ?? finding.properties?.['secretHash'] ?? finding.properties?.['sha256'] ?? finding.message;
  return {
    ...finding,
    message: `${label}: ${stripDisplay(finding.message, display)}`,
    location: { path: file.path, line: start.line, column: start.column, endLine: end.line, endColumn: end.column },
    span: occurrence.span,
    snippet: lineOf(file.lineText(start.line)),
    fingerprint: fingerprint(finding.ruleId, file.path, `${reference.name}\0${imagePath}\0${String(subject)}`, 0),
    properties: {
      ...finding.properties,
      image: reference.canonical,
      imageDigest: digest,
      path: imagePath,
      ...(tagResolved ? { tagResolved: true } : {}),
      source: occurrence.source,
    },
  };
}

function lineOf(text: string): string {
  return text.length > 240 ? `${text.slice(0, 240)}…` : text;
}

function stripDisplay(message: string, display: string): string {
  return message.startsWith(`${display}: `) ? message.slice(display.length + 2) : message;
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

function envCount(name: string, fallback: number): number {
  return Math.max(1, Number(process.env[name] ?? fallback) || fallback);
}

function errorText(error: unknown): string {
  if (error instanceof ImageInputError || error instanceof ResolveError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
