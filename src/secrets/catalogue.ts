import type { Detector } from './detector.js';
import { aiDetectors } from './detectors/ai.js';
import { cloudDetectors } from './detectors/cloud.js';
import { commerceDetectors } from './detectors/commerce.js';
import { devopsDetectors } from './detectors/devops.js';
import { platformDetectors } from './detectors/platform.js';
import { genericDetectors } from './detectors/generic.js';
import { keyDetectors } from './detectors/keys.js';
import { messagingDetectors } from './detectors/messaging.js';
import { registryDetectors } from './detectors/registries.js';
import { sourceControlDetectors } from './detectors/source-control.js';
import { structuredDetectors } from './detectors/structured.js';
import { variantDetectors } from './detectors/variants.js';
import { collaborationDetectors } from './detectors/collaboration.js';
import { engineeringDetectors } from './detectors/engineering.js';
import { saasDetectors } from './detectors/saas.js';
import { aiProviderDetectors } from './detectors/ai-providers.js';
import { keyedProviderDetectors } from './detectors/keyed-providers.js';
import { placementDetectors } from './detectors/placements.js';
import { moreRuleSetGapDetectors, ruleSetGapDetectors } from './detectors/rule-set-gaps.js';
import { vendorTailDetectors } from './detectors/vendor-tail.js';
import { peerGapDetectors } from './detectors/peer-gaps.js';
import { surveyGapDetectors } from './detectors/survey-gaps.js';
import { structuredTokenDetectors } from './detectors/structured-tokens.js';
import { secondSurveyDetectors } from './detectors/second-survey.js';
import { writtenCredentialDetectors } from './detectors/written-credentials.js';
import { scopedKeyDetectors } from './detectors/scoped-keys.js';
import { encodedUrlDetectors } from './detectors/encoded-urls.js';

/** The formats Rampart knew before it took in the peers' coverage (the speed baseline of `npm run bench -- secrets`). */
export const CORE_DETECTORS: readonly Detector[] = [
  ...sourceControlDetectors,
  ...cloudDetectors,
  ...messagingDetectors,
  ...commerceDetectors,
  ...registryDetectors,
  ...aiDetectors,
  ...devopsDetectors,
  ...platformDetectors,
  ...keyDetectors,
  ...structuredDetectors,
  ...genericDetectors,
];

/** Provider formats added to cover the public rule sets of gitleaks, Nosey Parker and TruffleHog. */
export const COVERAGE_DETECTORS: readonly Detector[] = [
  ...variantDetectors,
  ...collaborationDetectors,
  ...engineeringDetectors,
  ...saasDetectors,
  ...aiProviderDetectors,
  ...keyedProviderDetectors,
  ...placementDetectors,
  ...ruleSetGapDetectors,
  ...moreRuleSetGapDetectors,
  ...vendorTailDetectors,
  ...peerGapDetectors,
  ...surveyGapDetectors,
  ...structuredTokenDetectors,
  ...secondSurveyDetectors,
  ...writtenCredentialDetectors,
  ...scopedKeyDetectors,
  ...encodedUrlDetectors,
];

/** Every credential format Rampart knows; each one is a rule of the secrets layer. */
export const DETECTORS: readonly Detector[] = [...CORE_DETECTORS, ...COVERAGE_DETECTORS];
