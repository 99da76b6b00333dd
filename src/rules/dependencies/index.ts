import type { Rule } from '../rule.js';

export const dependencyRules: readonly Rule[] = [
];
