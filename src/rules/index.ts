import imageLatestTag from './artifacts/image-latest-tag.js';
import imageNotPinned from './artifacts/image-not-pinned.js';
import imageReferenceInvalid from './artifacts/image-reference-invalid.js';
import imageRegistryNotAllowed from './artifacts/image-registry-not-allowed.js';
import suppressionMissingReason from './repository/suppression-missing-reason.js';
import type { Rule } from './rule.js';

/** Every rule Rampart ships, by layer. A meta test checks this list against the files. */
export const RULES: readonly Rule[] = [
  // repository
  suppressionMissingReason,
  // artifacts
  imageNotPinned,
  imageLatestTag,
  imageRegistryNotAllowed,
  imageReferenceInvalid,
];

export function findRule(id: string): Rule | undefined {
  return RULES.find((rule) => rule.id === id);
}
