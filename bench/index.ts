import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Runs every `bench/*.bench.ts` (or those named on the command line: `npm run bench -- scan`)
 * in turn. Each prints its own figures and baselines; none asserts anything.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const all = readdirSync(here).filter((name) => name.endsWith('.bench.ts'));
const files = all
  // a name that is a benchmark's whole name runs that one only (`image`, not also `analyze-images`)
  .filter((name) => wanted.length === 0 || wanted.some((word) => name === `${word}.bench.ts` || (!all.includes(`${word}.bench.ts`) && name.includes(word))))
  .sort();
for (const name of files) {
  process.stdout.write(`\n== ${name.replace(/\.bench\.ts$/, '')} ==\n`);
  const module = (await import(pathToFileURL(path.join(here, name)).href)) as { run: () => Promise<void> };
  await module.run();
}
