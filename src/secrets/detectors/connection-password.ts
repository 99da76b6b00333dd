import { characterClasses } from '../entropy.js';
import { looksRandom } from '../assignment.js';
import { standInKind } from '../clear-values.js';
import { isPlaceholder } from '../placeholders.js';

/** Whether a password written in a URL (`scheme://user:password@host`) or a login pair is a real one, not a stand-in. */

export const TRIVIAL_PASSWORDS = /^(?:my|your)?(?:pass(?:word)?|pwd|secret|admin|root|changeme|changeit|default|test|guest|demo)\d*$/i;
const EXAMPLE_HOSTS = /(?:^|\.)(?:example\.(?:com|org|net)|example|host|hostname|server|domain|your[a-z-]*)$/i;

/** `admin`, `changeme`, `password1`… */
export function isTrivialPassword(password: string): boolean {
  return TRIVIAL_PASSWORDS.test(password);
}

/** Credential and filler words, also de-leeted spellings, that stand-in passwords are made of. */
const STAND_IN_WORDS = /s[e3]cr[e3]t|t[o0]k[e3]n|p[a@4][s$5]{2}(?:w[o0]r?d)?|credentials?|api[-_]?key|access|personal|invalid|some|test|job|user|my|your/gi;

/** Whether a value keeps 8+ random characters once its words are taken out (`S3cr3tTq9Vx2Lm7` keeps `Tq9Vx2Lm7`). */
function hasRandomRest(value: string): boolean {
  const rest = value.replace(STAND_IN_WORDS, '').replace(/[^A-Za-z0-9]/g, '');
  // too short for an entropy measure: mixed classes and few repeats instead
  return rest.length >= 8 && characterClasses(rest) >= 2 && new Set(rest).size >= rest.length * 0.75;
}

export function isConnectionPassword(password: string, user: string, host: string): boolean {
  if (password.length < 4 || password === user || TRIVIAL_PASSWORDS.test(password)) return false;
  if (isPlaceholder(password) || EXAMPLE_HOSTS.test(host)) return false;
  // `USERNAME:PERSONAL_ACCESS_TOKEN@`, `invalidUser:invalidPass@`, `gitlab-ci-token:test-job-token@`; a password
  // that only starts with a word (`S3cr3tTq9Vx2Lm7`) is still one
  const standIn = standInKind(password);
  if (standIn !== undefined && !(standIn === 'filler' && hasRandomRest(password))) return false;
  // a placeholder user name with a random password is still a login (W&B's netrc writes `login user`)
  if (isPlaceholder(user) && !looksRandom(password, 12)) return false;
  return !/^\$|^%[0-9A-F]{2}$|^[:*]+$/.test(password);
}
