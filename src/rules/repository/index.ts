import type { Rule } from '../rule.js';
import suppressionMissingReason from './suppression-missing-reason.js';

export const repositoryRules: readonly Rule[] = [
  suppressionMissingReason,
];
