export { forgeSnapshot, type ForgeSettings } from './collect.js';
export { deployBranches, type WantedBranch } from './deploy-branches.js';
export { ForgeHttp, type ForgeHttpOptions } from './http.js';
export type * from './snapshot.js';
export { parseForgeTarget, sameRepository, type ForgeKind, type ForgeTarget } from './target.js';
export { findToken, type ForgeToken } from './token.js';
