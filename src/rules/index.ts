import { artifactRules } from './artifacts/index.js';
import { dependencyRules } from './dependencies/index.js';
import { operatorRules } from './operators/index.js';
import { repositoryRules } from './repository/index.js';
import type { Rule } from './rule.js';
import { secretRules } from './secrets/index.js';

/** Every rule Rampart ships. Each layer lists its own in `<layer>/index.ts`; a meta test checks the lists against the files. */
export const RULES: readonly Rule[] = [
  ...repositoryRules,
  ...artifactRules,
  ...secretRules,
  ...operatorRules,
  ...dependencyRules,
];

export function findRule(id: string): Rule | undefined {
  return RULES.find((rule) => rule.id === id);
}
