import type { Rule } from '../rule.js';
import imageLatestTag from './image-latest-tag.js';
import imageNotPinned from './image-not-pinned.js';
import imageReferenceInvalid from './image-reference-invalid.js';
import imageRegistryNotAllowed from './image-registry-not-allowed.js';

export const artifactRules: readonly Rule[] = [
  imageNotPinned,
  imageLatestTag,
  imageRegistryNotAllowed,
  imageReferenceInvalid,
];
