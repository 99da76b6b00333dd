import { createHash } from 'node:crypto';

/** rule + path + subject: survives lines moving; an ordinal separates repeats of one subject in one file. */
export function fingerprint(ruleId: string, path: string, subject: string, ordinal: number): string {
  const hash = createHash('sha256').update(`${ruleId}\0${path}\0${subject}`).digest('hex').slice(0, 32);
  return ordinal === 0 ? hash : `${hash}:${ordinal}`;
}
