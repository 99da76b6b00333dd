/** Rampart's public API: scan a tree, the rule catalogue, the reporters and the types they share. */
export { scan, type ScanOptions } from './scan.js';
export { RULES, findRule } from './rules/index.js';
export type { Rule, RuleMeta, RuleContext, ReportDescriptor } from './rules/rule.js';
export { REPORTERS, FORMATS, type Reporter, type ScanReport } from './report/index.js';
export type { Finding, Location, TextEdit } from './model/finding.js';
export type { Severity, Layer } from './model/severity.js';
export { Workspace } from './model/workspace.js';
export { parseImageReference, type ImageReference } from './model/image-ref.js';
export { runRules, shouldFail } from './engine/run.js';
export { loadConfig } from './config/load.js';
export { parseConfig } from './config/parse.js';
export { RampartError } from './errors.js';
export { VERSION } from './version.js';
