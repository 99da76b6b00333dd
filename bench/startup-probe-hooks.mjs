// Module loader hooks of startup-probe.mjs: names each file loaded as a module on fd 3.
import { statSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export async function load(url, context, nextLoad) {
  if (url.startsWith('file:')) writeSync(3, `file ${statSync(fileURLToPath(url)).size} ${url}\n`);
  return nextLoad(url, context);
}
