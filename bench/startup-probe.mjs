// Loaded with `node --import` into each process the start-up bench runs. At exit it writes the
// process's CPU time (user + system, µs) to fd 3; with STARTUP_PROBE_FILES=1 it also writes there
// every file the process loads as a module (its own hooks, on the loader thread, write as they go).
import { writeSync } from 'node:fs';
import { register } from 'node:module';

if (process.env.STARTUP_PROBE_FILES === '1') register('./startup-probe-hooks.mjs', import.meta.url);
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  writeSync(3, `cpu ${user + system}\n`);
});
