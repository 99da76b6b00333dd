import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/**
 * gpg starts a gpg-agent per temporary GNUPGHOME and the agent outlives the test; each holds two
 * inotify instances, and a few suite runs exhaust the system's 128 (fs.watch then fails with EMFILE).
 * The run marks its environment, and the agents that inherited the mark are stopped when it ends.
 */
const MARK = 'RAMPART_TEST_RUN';

export default function setup(): () => void {
  const run = randomBytes(8).toString('hex');
  process.env[MARK] = run;
  return () => {
    if (!existsSync('/proc')) return;
    for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
      try {
        if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('gpg-agent')) continue;
        if (!readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`${MARK}=${run}`)) continue;
        process.kill(Number(pid), 'SIGTERM');
      } catch {
        // gone meanwhile, or not ours to read
      }
    }
  };
}
