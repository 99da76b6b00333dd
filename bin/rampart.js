#!/usr/bin/env node
import module from 'node:module';
import v8 from 'node:v8';

// Node 22.1+ keeps compiled code between runs (a no-op on Node 20, which lacks it)
module.enableCompileCache?.();
// undici parses HTTP with WebAssembly, which V8 compiles again with TurboFan once hot: about 0.25 s of
// CPU in a run that downloads image layers, for a parser that only finds where body chunks begin and
// end. The baseline compiler's code downloads as fast (a 48 MB blob: same CPU after the first).
v8.setFlagsFromString('--liftoff-only');
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  // answered without loading the CLI bundle: start-up is most of what a version check costs
  const { readFileSync } = await import('node:fs');
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  // only `scan --history` starts git before the CLI loads: other commands do not load the git reader for it
  const prefetch = argv[0] === 'scan' && argv.includes('--history') ? await import('../dist/bundle/prefetch-history.js') : undefined;
  prefetch?.prefetchHistory(argv);
  const { main } = await import('../dist/bundle/main.js');

  process.exitCode = await main(argv);
  prefetch?.discardPrefetchedGit();
}
