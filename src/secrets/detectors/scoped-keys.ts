import type { Detector } from '../detector.js';
import { CLASS, prefixed, UUID } from './define.js';

/**
 * Keys whose reach is narrower than an account's, still credentials: a PubNub publish key (any
 * channel of its keyset), the client secret of one Stripe PaymentIntent or SetupIntent.
 */
const MIXED = (token: string): boolean => /[0-9]/.test(token) && /[A-Z]/.test(token) && /[a-z]/.test(token);

export const scopedKeyDetectors: readonly Detector[] = [
  prefixed('secret-pubnub-publish-key', { provider: 'PubNub', kind: 'publish key', shape: ['pub-c-', ...UUID], severity: 'medium',
    impact: 'Publishes messages to every channel of the keyset (unless Access Manager is on): whoever holds it can send to every subscriber as the application.',
    revoke: 'Create a new keyset in the PubNub Admin Portal, move clients to it and delete the old one (publish keys cannot be rotated in place), or turn on Access Manager.',
    reference: 'https://www.pubnub.com/docs/general/setup/account-setup' }),
  ...(['pi', 'seti'] as const).map((prefix) => prefixed(`secret-stripe-${prefix === 'pi' ? 'payment' : 'setup'}-intent-secret`, {
    provider: 'Stripe', kind: `${prefix === 'pi' ? 'PaymentIntent' : 'SetupIntent'} client secret`, shape: [`${prefix}_`, [CLASS.alnum, 24], '_secret_', [CLASS.alnum, 25]],
    keywords: ['_secret_'], check: (token) => MIXED(token.slice(token.lastIndexOf('_') + 1)), severity: 'low',
    impact: prefix === 'pi'
      ? 'With the account\'s publishable key, reads the PaymentIntent (amount, status, the customer\'s payment method summary) and confirms it from a browser.'
      : 'With the account\'s publishable key, reads the SetupIntent and attaches a payment method to the customer it was made for.',
    revoke: `Cancel the ${prefix === 'pi' ? 'PaymentIntent' : 'SetupIntent'} (its client secret dies with it), and keep client secrets out of code and logs: fetch them from the server per session.`,
    reference: 'https://docs.stripe.com/api/payment_intents/object#payment_intent_object-client_secret' })),
];
