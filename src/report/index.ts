import { jsonReporter } from './json.js';
import type { Reporter } from './report.js';
import { sarifReporter } from './sarif.js';
import { textReporter } from './text.js';

export const REPORTERS: Readonly<Record<string, Reporter>> = {
  text: textReporter,
  json: jsonReporter,
  sarif: sarifReporter,
};

export const FORMATS = Object.keys(REPORTERS);
export type { Reporter, ScanReport } from './report.js';
