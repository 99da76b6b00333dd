import type { Rule } from '../rule.js';

export const operatorRules: readonly Rule[] = [
];
