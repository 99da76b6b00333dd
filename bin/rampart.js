#!/usr/bin/env node
import module from 'node:module';

// Node 22.1+ keeps compiled code between runs (a no-op on Node 20, which lacks it)
module.enableCompileCache?.();
// (WebAssembly is kept on V8's baseline compiler before the first HTTP request: src/wasm-baseline.ts)
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
