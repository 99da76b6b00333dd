import type { ImageOccurrence } from '../../model/image-occurrence.js';
import type { ImageReference } from '../../model/image-ref.js';
import type { RegistryClient } from '../../resolve/types.js';
import type { ImageVerdict } from '../../verify/image/image-verifier.js';
import type { ImageVerifySession } from '../../verify/image/verify-session.js';
import type { RuleContext } from '../rule.js';
import { noteLookupFailure, resolvableImages } from './registry-lookups.js';

export interface CheckedImage {
  readonly occurrence: ImageOccurrence;
  readonly reference: ImageReference;
  readonly verdict: ImageVerdict;
}

/** Every image the tree references, verified under its policy (`scan --verify`), once for both signature rules; none otherwise. */
export function imageSignatureChecks(context: RuleContext): Promise<CheckedImage[]> {
  const verify = context.settings.verify;
  const client = context.settings.resolve?.client;
  if (!verify?.images || (!client && !verify.session)) return Promise.resolve([]);
  const workspace = context.workspace;
  // Both image rules share the outcome: an unusable policy is reported once, and the scan is incomplete.
  return workspace.derived('image-signature-checks', () => runChecks(context, client).catch((error: unknown) => {
    workspace.diagnostics.push({ path: context.config.source ?? '.', message: `image signatures not checked: ${error instanceof Error ? error.message : String(error)}`, kind: 'incomplete' });
    return [];
  }));
}

async function runChecks(context: RuleContext, client: RegistryClient | undefined): Promise<CheckedImage[]> {
  const session = context.settings.verify?.session ?? await scanSession(context, client);
  const checked: CheckedImage[] = [];
  await Promise.all(resolvableImages(context.workspace).map(async ({ occurrence, reference }) => {
    const policy = session.policyFor(reference.name);
    if (!policy) return;
    try {
      checked.push({ occurrence, reference, verdict: await session.verify(reference, policy) });
    } catch (error) {
      noteLookupFailure(context.workspace, occurrence, reference, error);
    }
  }));
  return checked.sort((a, b) => a.occurrence.file.path.localeCompare(b.occurrence.file.path) || a.occurrence.span.start - b.occurrence.span.start);
}

/** One scan's policies and verifier, built from its settings and config. */
async function scanSession(context: RuleContext, client: RegistryClient | undefined): Promise<ImageVerifySession> {
  if (!client) throw new Error('no registry client');
  // Sigstore's libraries load only when a scan verifies images.
  const [{ ImageVerifier }, { loadImagePolicies }] = await Promise.all([import('../../verify/image/image-verifier.js'), import('../../verify/image/scan-policies.js')]);
  const policies = await loadImagePolicies(context.settings.verify ?? {}, context.config.verify, context.config.namedFilesWithin);
  const verifier = new ImageVerifier(client);
  return { policyFor: (name) => policies.policyFor(name), verify: (reference, policy) => verifier.verify(reference, policy) };
}
