import type { Scalar, YAMLMap } from 'yaml';
import { isTemplated, parseImageReference, type ParseResult } from './image-ref.js';
import type { SourceFile } from './source-file.js';
import type { Span } from './span.js';

export type ImageSourceKind =
  | 'kubernetes'
  | 'kustomize'
  | 'helm-values'
  | 'helm-template'
  | 'dockerfile'
  | 'compose'
  | 'workflow'
  | 'terraform';

/**
 * How `rampart pin` can add a digest:
 * - `text`: the reference is written whole at `span`; replace it with `reference@digest`;
 * - `mapping`: the reference is assembled from keys of a YAML map (Helm image blocks,
 *   Kustomize `images:` entries); set or add its `digest` key.
 */
export type PinTarget =
  | {
      readonly kind: 'text';
      readonly span: Span;
      /** the reference as written when the tool completes it (kpt's `set-labels:v0.1` is `gcr.io/kpt-fn/set-labels:v0.1`); the digest goes after it */
      readonly written?: string;
    }
  | {
      readonly kind: 'mapping';
      readonly map: YAMLMap;
      readonly digestKey: string;
      /** the key takes the bare hex (`sha: 4aea…`): the chart's templates write `@sha256:` before it */
      readonly digestHexOnly?: boolean;
      readonly digest?: Scalar;
      readonly tag?: Scalar;
    }
  | { readonly kind: 'none'; readonly reason: string };

export interface ImageOccurrence {
  readonly file: SourceFile;
  readonly source: ImageSourceKind;
  /** the reference as it would be pulled; for blocks, assembled from registry/repository/tag/digest */
  readonly text: string;
  readonly parsed: ParseResult;
  /** where findings point */
  readonly span: Span;
  /** where it sits, for people: "Deployment/web container app" */
  readonly context: string;
  /** the tag was not written and comes from elsewhere (a chart's appVersion, a base manifest) */
  readonly tagImplicit?: string;
  /** `span` writes a part that several references share (Istio's `global.tag`): each is kept, not only the first read there */
  readonly sharedSpan?: boolean;
  readonly pin: PinTarget;
}

export function imageOccurrence(
  fields: Omit<ImageOccurrence, 'parsed'>,
): ImageOccurrence | undefined {
  const text = fields.text.trim();
  if (text === '' || isTemplated(text)) return undefined;
  return { ...fields, text, parsed: parseImageReference(text) };
}
