import type { Rule } from '../rule.js';
import deployUnmanagedChange from './deploy-unmanaged-change.js';
import operatorAnomalousAccess from './operator-anomalous-access.js';

/** Rules `rampart watch` runs over cluster records (audit logs, controller logs and events); `scan` never does. */
export const watchRules: readonly Rule[] = [
  deployUnmanagedChange,
  operatorAnomalousAccess,
];
