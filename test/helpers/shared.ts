import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

/** The team's `../shared` beside the project's root; a user's clone has none. */
export const sharedRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared');

/** Title of the test that stands in for a suite whose shared data is absent; the summary reporter lists these. */
export function absentSharedTitle(relative: string): string {
  return `skipped: ../shared/${relative} is not present`;
}

/**
 * Declares `title` with `body(directory)` when `../shared/<relative>` exists. When it does not, the suite
 * holds one skipped test saying so, so that the run shows the skip instead of silently running nothing.
 */
export function describeWithShared(relative: string, title: string, body: (directory: string) => void): void {
  const directory = path.join(sharedRoot, relative);
  if (existsSync(directory)) {
    describe(title, () => body(directory));
  } else {
    describe(title, () => {
      it.skip(absentSharedTitle(relative), () => {});
    });
  }
}
