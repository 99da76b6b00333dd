import type { ImageReference } from '../../model/image-ref.js';
import type { ImagePolicy } from './image-policy.js';
import type { ImageVerdict } from './image-verifier.js';

/**
 * Policies and a verifier that outlive one scan: the admission webhook keeps one, with caches, so a
 * warm request never touches the registry. A scan without one builds its own from the settings.
 */
export interface ImageVerifySession {
  policyFor(imageName: string): ImagePolicy | undefined;
  verify(reference: ImageReference, policy: ImagePolicy): Promise<ImageVerdict>;
}
