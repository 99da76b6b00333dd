import { looksRandom } from '../assignment.js';
import type { Detector } from '../detector.js';
import type { CharClass } from '../token-shape.js';
import { CLASS, prefixed } from './define.js';

/**
 * Provider formats whose shape says more than a prefix: Intercom's access tokens (base64 of
 * `tok:<id>:<n>:<n>`), Asana's personal access tokens (`<version>/<user gid>[/<token gid>]:<secret>`),
 * Klaviyo's private API keys (`pk_` and 34 hex digits) and ImageKit's private keys. Intercom's
 * tokens are also found under an `intercom` key (keyed-providers); here they are found anywhere
 * (an `Authorization: Bearer` line, a key of another name) by what they decode to.
 */
const MIXED = (token: string): boolean => /[0-9]/.test(token) && /[A-Z]/.test(token) && /[a-z]/.test(token);
const BASE64_BODY: CharClass = { regex: 'A-Za-z0-9+/', chars: CLASS.base64.chars };

/** `tok:` then a UUID written with underscores, then two counters: what Intercom's access tokens decode to. */
const INTERCOM_TOKEN = /^tok:[0-9a-f]{8}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{12}:\d{1,4}:\d{1,4}$/;

function intercomToken(uuid: string): string {
  return Buffer.from(`tok:${uuid.replace(/-/g, '_')}:1:0`).toString('base64');
}

function uuidOf(hex: string): string {
  const digits = (hex + '0'.repeat(32)).slice(0, 32);
  return `${digits.slice(0, 8)}-${digits.slice(8, 12)}-${digits.slice(12, 16)}-${digits.slice(16, 20)}-${digits.slice(20)}`;
}

export const structuredTokenDetectors: readonly Detector[] = [
  prefixed('secret-intercom-access-token', { provider: 'Intercom', kind: 'access token', shape: ['dG9rO', [BASE64_BODY, 50, 90], [{ regex: '=', chars: '=' }, 0, 2]], boundary: 'A-Za-z0-9+/',
    check: (token) => INTERCOM_TOKEN.test(Buffer.from(token, 'base64').toString('latin1')),
    finish: (sample) => intercomToken(uuidOf(Buffer.from(sample).toString('hex'))),
    corrupt: (sample) => Buffer.from(`tok:${Buffer.from(sample, 'base64').toString('latin1').slice(4).replace(/_/g, '-')}`).toString('base64'),
    negatives: [`note: ${Buffer.from('tok: the word, then some more text to reach the length').toString('base64')}`],
    impact: 'Calls the Intercom API as the workspace\'s app: reads and changes contacts, conversations and their messages.',
    revoke: 'Regenerate the access token in the Developer Hub (the app\'s Authentication page).',
    reference: 'https://developers.intercom.com/docs/build-an-integration/learn-more/authentication' }),
  prefixed('secret-asana-personal-access-token', { provider: 'Asana', kind: 'personal access token', shape: [[CLASS.digits, 1], '/', [CLASS.digits, 13, 19], [{ regex: '/0-9', chars: CLASS.digits.chars }, 0, 20], ':', [CLASS.alnum, 32]],
    // Asana's ids (gids) are 16 digits from 1: `1/1…`, `2/1…` find the token with no word of Asana near it
    keywords: ['asana', '1/1', '2/1'], window: { before: 200, after: 200 }, boundary: 'A-Za-z0-9/:_-',
    check: (token) => /^[0-9]\/[0-9]{13,19}(?:\/[0-9]{13,19})?:[A-Za-z0-9]{32}$/.test(token) && /[0-9]/.test(token.slice(-32)) && /[a-z]/i.test(token.slice(-32)) && looksRandom(token.slice(-32), 16),
    finish: (sample) => {
      const digits = sample.slice(0, sample.indexOf(':')).replace(/[^0-9]/g, '');
      return `2/12${digits.slice(1, 15)}/12${digits.slice(-14)}:${sample.slice(-32)}`;
    },
    corrupt: (sample) => `2/${sample.slice(2, sample.indexOf(':'))}:${'ab'.repeat(16)}`,
    negatives: ['asana: 2/2024012312345678:not-a-token', 'asana_token: 1/1234567890123:00000000000000000000000000000000'],
    impact: 'Acts in Asana as the user: reads and changes every project, task and attachment the user can reach.',
    revoke: 'Deauthorize the token in the developer console (My settings → Apps → Developer apps → Personal access tokens).',
    reference: 'https://developers.asana.com/docs/personal-access-token' }),
  prefixed('secret-klaviyo-private-key', { provider: 'Klaviyo', kind: 'private API key', shape: ['pk_', [{ regex: 'A-Za-z0-9_', chars: CLASS.hex.chars }, 34, 41]], boundary: 'A-Za-z0-9_-',
    check: (token) => /^pk_(?:[A-Za-z0-9]{6}_)?[0-9a-f]{34}$/.test(token) && looksRandom(token.slice(-34), 16),
    finish: (sample) => sample.slice(0, 37),
    corrupt: (sample) => `pk_g${sample.slice(4)}`,
    negatives: ['STRIPE_PUBLISHABLE_KEY: pk_test_51H8xYzAbCdEfGhIjKlMnOpQr', 'KLAVIYO_PUBLIC_KEY: pk_AbC123'],
    impact: 'Reads and changes the account\'s profiles, lists and campaigns, and sends email and SMS to its audience, within the key\'s scopes.',
    revoke: 'Delete the key under Settings → API keys.',
    reference: 'https://developers.klaviyo.com/en/docs/authenticate_' }),
  prefixed('secret-imagekit-private-key', { provider: 'ImageKit', kind: 'private API key', shape: ['private_', [BASE64_BODY, 27], '='], boundary: 'A-Za-z0-9+/=_-',
    check: (token) => MIXED(token.slice(8)) && looksRandom(token.slice(8, -1), 16),
    impact: 'Uploads, replaces and deletes the media library\'s files and purges its cache.',
    revoke: 'Regenerate the private key in the dashboard (Developer options).',
    reference: 'https://imagekit.io/docs/api-keys' }),
];
