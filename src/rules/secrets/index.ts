import type { Rule } from '../rule.js';

export const secretRules: readonly Rule[] = [
];
