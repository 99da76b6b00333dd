import type { ResolvedConfig } from '../config/schema.js';
import { fingerprint } from '../engine/fingerprint.js';
import type { Finding } from '../model/finding.js';
import type { Severity } from '../model/severity.js';
import { formatMessage, type Rule } from '../rules/rule.js';

export interface ImageFindingInput {
  readonly rule: Rule;
  readonly messageId: string;
  readonly data: Readonly<Record<string, string | number>>;
  /** the image as the user named it */
  readonly image: string;
  /** a path inside the image, or a blob digest */
  readonly path: string;
  /** what the finding is about, for its fingerprint */
  readonly subject: string;
  readonly snippet?: string;
  readonly severity?: Severity;
  readonly properties?: Readonly<Record<string, string | number | boolean>>;
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
    properties: { image: input.image, path: input.path, ...(input.properties ?? {}) },
    span: { path: input.path, start: 0, end: 0 },
  };
}
