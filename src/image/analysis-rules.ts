import imageLayerDigestMismatch from '../rules/artifacts/image-layer-digest-mismatch.js';
import imageMalware from '../rules/artifacts/image-malware.js';
import imagePackedExecutable from '../rules/artifacts/image-packed-executable.js';
import imageShellInMinimalImage from '../rules/artifacts/image-shell-in-minimal-image.js';
import imageTamperedPackageFile from '../rules/artifacts/image-tampered-package-file.js';
import imageUnownedExecutable from '../rules/artifacts/image-unowned-executable.js';
import imageUnownedSetuid from '../rules/artifacts/image-unowned-setuid.js';
import type { Rule } from '../rules/rule.js';

/** The rules an image's reading reports on (besides the secret rules): kept apart from the code that applies them, so a result the cache answers loads none of it. */
export const IMAGE_RULES: readonly Rule[] = [imageLayerDigestMismatch];

export const TAMPER_RULES: readonly Rule[] = [imageTamperedPackageFile, imageUnownedExecutable, imagePackedExecutable, imageUnownedSetuid, imageShellInMinimalImage];

/** what the content analysis (malware, tampering) adds */
export const CONTENT_RULES: readonly Rule[] = [imageMalware, ...TAMPER_RULES];
