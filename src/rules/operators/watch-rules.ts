import type { Rule } from '../rule.js';
import deployImageNotInGit from './deploy-image-not-in-git.js';
import deployRevisionUnverified from './deploy-revision-unverified.js';
import deploySourceChanged from './deploy-source-changed.js';
import deployUnmanagedChange from './deploy-unmanaged-change.js';
import operatorAnomalousAccess from './operator-anomalous-access.js';

/** Rules `rampart watch` runs over cluster records (audit logs, controller logs and events); `scan` never does. */
export const watchRules: readonly Rule[] = [
  deployUnmanagedChange,
  deployImageNotInGit,
  deployRevisionUnverified,
  deploySourceChanged,
  operatorAnomalousAccess,
];
