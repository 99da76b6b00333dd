import { createRequire } from 'node:module';

/**
 * Regular expressions whose pattern comes from the scanned tree (a Kustomize patch target, a Flux
 * ImagePolicy filter, a glob turned into a pattern) run on V8's linear-time engine (the `l` flag),
 * as Go's RE2 runs them for Kustomize and Flux. On the backtracking engine a pull request picks the
 * cost: `(a|a)*b` over a 28-character name took 25 s, and each character more doubles it.
 */
let linearFlag: string | undefined;

function linearFlagAvailable(): string | undefined {
  if (linearFlag !== undefined) return linearFlag === '' ? undefined : linearFlag;
  // the flag only lets RegExp accept `l`; no other expression changes engine. node:v8 is loaded here,
  // not at import: many runs that import this compile no pattern, and loading it costs ~5 ms of CPU
  const v8 = createRequire(import.meta.url)('node:v8') as typeof import('node:v8');
  v8.setFlagsFromString('--enable-experimental-regexp-engine');
  try {
    new RegExp('a', 'l');
    linearFlag = 'l';
  } catch {
    linearFlag = '';
  }
  return linearFlag === '' ? undefined : linearFlag;
}

/**
 * `source` compiled to run in time linear in the text, or undefined when it is not a valid pattern
 * or needs what only backtracking can do (lookaround, back-references, which RE2 refuses too, and
 * counted repetitions of more than a few dozen, which the linear engine expands).
 */
export function linearRegExp(source: string, flags = ''): RegExp | undefined {
  const linear = linearFlagAvailable();
  if (linear === undefined) return undefined;
  try {
    return new RegExp(source, `${flags}${linear}`);
  } catch {
    return undefined;
  }
}

/** The pattern of a glob translated by the caller: its own output, which the linear engine always takes. */
export function linearGlob(source: string): RegExp {
  const regex = linearRegExp(source);
  if (!regex) throw new Error(`not a linear-time pattern: ${source}`);
  return regex;
}
