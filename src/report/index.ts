import { codeQualityReporter } from './codequality.js';
import { htmlReporter } from './html/index.js';
import { jsonReporter } from './json.js';
import { markdownReporter } from './markdown.js';
import type { Reporter } from './report.js';
import { sarifReporter } from './sarif.js';
import { textReporter } from './text.js';

export const REPORTERS: Readonly<Record<string, Reporter>> = {
  text: textReporter,
  json: jsonReporter,
  sarif: sarifReporter,
  html: htmlReporter,
  markdown: markdownReporter,
  codequality: codeQualityReporter,
};

export const FORMATS = Object.keys(REPORTERS);
export type { Reporter, ScanReport } from './report.js';
