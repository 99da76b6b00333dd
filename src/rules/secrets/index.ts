import type { Rule } from '../rule.js';
import k8sSecretPlaintext from './k8s-secret-plaintext.js';
import { generatedSecretRules } from './secret-rules.js';

/** `k8s-secret-plaintext`, and one generated rule per credential format (see src/secrets/catalogue.ts). */
export const secretRules: readonly Rule[] = [
  k8sSecretPlaintext,
  ...generatedSecretRules,
];

export { generatedSecretRules };
