#!/usr/bin/env node
import module from 'node:module';

// Node 22.1+ keeps compiled code between runs (a no-op on Node 20, which lacks it)
module.enableCompileCache?.();
const argv = process.argv.slice(2);
const { prefetchHistory, discardPrefetchedGit } = await import('../dist/bundle/prefetch-history.js');
prefetchHistory(argv);
const { main } = await import('../dist/bundle/main.js');

process.exitCode = await main(argv);
discardPrefetchedGit();
