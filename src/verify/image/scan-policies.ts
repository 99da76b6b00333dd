import type { VerifyConfig } from '../../config/schema.js';
import type { VerifySettings } from '../../engine/settings.js';
import { keylessSignerFromConfig } from '../keyless-signer.js';
import { imageGlob } from './image-glob.js';
import { loadImagePolicy, PolicyError, type ImagePolicy } from './image-policy.js';

export { imageGlob };

/** Which policy applies to which image: `verify.images` entries of the config in order, then the flags. */
export interface ImagePolicies {
  policyFor(imageName: string): ImagePolicy | undefined;
}

/** `namedFilesWithin`: the config is the repository's own, and the files it names stay inside the repository. */
export async function loadImagePolicies(settings: VerifySettings, config: VerifyConfig | undefined, namedFilesWithin?: string): Promise<ImagePolicies> {
  const entries: Array<{ match: RegExp; policy: ImagePolicy }> = [];
  const rootFromConfig = settings.trustedRoot === undefined && config?.trustedRoot !== undefined;
  const trustedRootWithin = rootFromConfig && namedFilesWithin !== undefined ? { trustedRoot: namedFilesWithin } : {};
  for (const entry of config?.images ?? []) {
    try {
      const policy = await loadImagePolicy({
        ...(entry.keys ? { keys: entry.keys } : {}),
        ...keylessSignerFromConfig(entry),
        ...(settings.trustedRoot ?? config?.trustedRoot ? { trustedRoot: settings.trustedRoot ?? config?.trustedRoot ?? '' } : {}),
        insecureIgnoreTlog: entry.ignoreTlog === true || settings.insecureIgnoreTlog === true,
      }, { ...trustedRootWithin, ...(namedFilesWithin !== undefined ? { keys: namedFilesWithin } : {}) });
      entries.push({ match: imageGlob(entry.match), policy });
    } catch (error) {
      throw new PolicyError(`verify.images entry "${entry.match}": ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const flagsGiven = (settings.keys?.length ?? 0) > 0 || settings.certificateIdentity !== undefined || settings.certificateIdentityRegexp !== undefined;
  const fallback = flagsGiven ? await loadImagePolicy({ ...settings, ...(settings.trustedRoot ?? config?.trustedRoot ? { trustedRoot: settings.trustedRoot ?? config?.trustedRoot ?? '' } : {}) }, trustedRootWithin) : undefined;
  if (entries.length === 0 && !fallback) {
    throw new PolicyError('--verify needs trusted signers: --key, --certificate-identity[-regexp] with --certificate-oidc-issuer[-regexp], or a verify.images section in .rampart.yaml');
  }
  return { policyFor: (name) => entries.find((entry) => entry.match.test(name))?.policy ?? fallback };
}
