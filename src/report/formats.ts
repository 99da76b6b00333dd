import type { Reporter } from './report.js';

/**
 * Each report format loaded only when a run asks for it: an HTML or SARIF writer has no business
 * in the start-up of a text scan. `index.ts` keeps the eager table for library users.
 */
const LOADERS: Readonly<Record<string, () => Promise<Reporter>>> = {
  text: async () => (await import('./text.js')).textReporter,
  json: async () => (await import('./json.js')).jsonReporter,
  sarif: async () => (await import('./sarif.js')).sarifReporter,
  html: async () => (await import('./html/index.js')).htmlReporter,
  markdown: async () => (await import('./markdown.js')).markdownReporter,
  codequality: async () => (await import('./codequality.js')).codeQualityReporter,
};

export const FORMATS = Object.keys(LOADERS);

export async function loadReporter(format: string): Promise<Reporter | undefined> {
  return Object.hasOwn(LOADERS, format) ? LOADERS[format]!() : undefined;
}
