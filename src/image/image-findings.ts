import type { ResolvedConfig } from '../config/schema.js';
import { fingerprint } from '../engine/fingerprint.js';
import type { Finding } from '../model/finding.js';
import type { Severity } from '../model/severity.js';
import { formatMessage, type Rule } from '../rules/rule.js';
import type { LayerSummary } from './analyze.js';

/**
 * What part of the image a finding is in: a layer's files (`properties.layer` is then the layer index), the image config
 * (Env, Labels, history) or the manifest and its blobs. Every image-analysis finding carries it, which also tells them
 * from a repository finding that names an image.
 */
export type ImageSource = 'layer' | 'config' | 'manifest';

type Properties = Readonly<Record<string, string | number | boolean>>;

export interface ImageFindingInput {
  readonly rule: Rule;
  readonly messageId: string;
  readonly data: Readonly<Record<string, string | number>>;
  /** the image as the user named it */
  readonly image: string;
  readonly source: ImageSource;
  /** a path inside the image, or a blob digest */
  readonly path: string;
  /** what the finding is about, for its fingerprint */
  readonly subject: string;
  readonly snippet?: string;
  readonly severity?: Severity;
  readonly properties?: Properties;
}

/** A finding about an image, in the same model as a repository's: the location is a path inside the image. */
export function imageFinding(input: ImageFindingInput, config: Pick<ResolvedConfig, 'docsBaseUrl' | 'rules'>): Finding {
  const { rule } = input;
  const template = rule.messages[input.messageId];
  if (template === undefined) throw new Error(`rule ${rule.id} has no message ${input.messageId}`);
  return {
    ruleId: rule.id,
    layer: rule.layer,
    severity: config.rules.get(rule.id)?.severity ?? input.severity ?? rule.severity,
    message: formatMessage(template, input.data),
    remediation: rule.remediation,
    docs: `${config.docsBaseUrl}/${rule.id}.md`,
    location: { path: input.path, line: 1, column: 1, endLine: 1, endColumn: 1 },
    snippet: input.snippet ?? '',
    fingerprint: fingerprint(rule.id, `${input.image}\0${input.path}`, input.subject, 0),
    properties: { image: input.image, imageSource: input.source, path: input.path, ...(input.properties ?? {}) },
    span: { path: input.path, start: 0, end: 0 },
  };
}

/** `layer` (index), `layerDigest` (the blob digest, as in the manifest), `historyStep` and `platform` of a finding in layer `index`. */
export function layerProperties(image: { readonly layers: readonly LayerSummary[]; readonly platform?: string }, index: number): Properties {
  const layer = image.layers[index];
  return {
    ...(image.platform ? { platform: image.platform } : {}),
    layer: index,
    ...(layer ? { layerDigest: layer.digest, ...(layer.createdBy ? { historyStep: layer.createdBy } : {}) } : {}),
  };
}

/** Whether a finding came from analysing an image's contents (not a repository finding that merely names an image). */
export function isImageAnalysisFinding(finding: Finding): boolean {
  return typeof finding.properties?.['imageSource'] === 'string';
}
