import type { Rule } from '../rule.js';
import fluxOciUnverified from './flux-oci-unverified.js';
import fluxVerifyNoIdentity from './flux-verify-no-identity.js';
import imageDigestDrift from './image-digest-drift.js';
import imageSignatureInvalid from './image-signature-invalid.js';
import imageSignatureMissing from './image-signature-missing.js';
import imageLatestTag from './image-latest-tag.js';
import imageLayerDigestMismatch from './image-layer-digest-mismatch.js';
import imageMalware from './image-malware.js';
import imageVulnerability from './image-vulnerability.js';
import imagePackedExecutable from './image-packed-executable.js';
import imageShellInMinimalImage from './image-shell-in-minimal-image.js';
import imageTamperedPackageFile from './image-tampered-package-file.js';
import imageUnownedExecutable from './image-unowned-executable.js';
import imageUnownedSetuid from './image-unowned-setuid.js';
import imageNotFound from './image-not-found.js';
import imageNotPinned from './image-not-pinned.js';
import imageReferenceInvalid from './image-reference-invalid.js';
import imageRegistryNotAllowed from './image-registry-not-allowed.js';

export const artifactRules: readonly Rule[] = [
  imageNotPinned,
  imageLatestTag,
  imageRegistryNotAllowed,
  imageReferenceInvalid,
  imageDigestDrift,
  imageNotFound,
  fluxOciUnverified,
  fluxVerifyNoIdentity,
  imageSignatureMissing,
  imageSignatureInvalid,
  imageLayerDigestMismatch,
  imageMalware,
  imageVulnerability,
  imageTamperedPackageFile,
  imageUnownedExecutable,
  imagePackedExecutable,
  imageUnownedSetuid,
  imageShellInMinimalImage,
];
