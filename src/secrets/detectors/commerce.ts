import type { Detector } from '../detector.js';
import { CLASS, tokenDetector } from '../token-shape.js';

const STRIPE_REFS = ['https://docs.stripe.com/keys', 'https://docs.stripe.com/keys-best-practices'];
const STRIPE_REVOKE = 'Roll the key in the Stripe Dashboard under Developers → API keys (expire it now), and keep live keys only in a secret manager.';
const SHOPIFY_REFS = ['https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens'];
const SHOPIFY_REVOKE = 'Rotate the token or secret in the Shopify admin (Apps → Develop apps, or the Partner dashboard) and uninstall the app if it is unused.';

function shopify(id: string, prefix: string, kind: string, impact: string): Detector {
  return tokenDetector({ id, provider: 'Shopify', kind, shape: [prefix, [CLASS.anyHex, 32]], impact, revoke: SHOPIFY_REVOKE, references: SHOPIFY_REFS });
}

export const commerceDetectors: readonly Detector[] = [
  tokenDetector({
    id: 'secret-stripe-key',
    provider: 'Stripe',
    kind: 'live secret key',
    shape: ['sk_live_', [CLASS.alnum, 24, 247]],
    negatives: ['STRIPE_KEY: sk_test_4eC39HqLyjWDarjtT1zdp7dc'],
    impact: 'Full access to the live Stripe account: create charges and refunds, read customers and payouts.',
    revoke: STRIPE_REVOKE,
    references: STRIPE_REFS,
  }),
  tokenDetector({
    id: 'secret-stripe-restricted-key',
    provider: 'Stripe',
    kind: 'live restricted key',
    shape: ['rk_live_', [CLASS.alnum, 24, 247]],
    impact: 'Access to the live Stripe account within the key\'s restrictions.',
    revoke: STRIPE_REVOKE,
    references: STRIPE_REFS,
  }),
  tokenDetector({
    id: 'secret-stripe-webhook-secret',
    provider: 'Stripe',
    kind: 'webhook signing secret',
    shape: ['whsec_', [CLASS.alnum, 32, 64]],
    impact: 'Forges webhook events (payments that never happened) that the receiving service will trust.',
    revoke: 'Roll the endpoint\'s signing secret in the Dashboard under Developers → Webhooks.',
    references: ['https://docs.stripe.com/webhooks#verify-events'],
  }),
  shopify('secret-shopify-access-token', 'shpat_', 'Admin API access token', 'Reads and changes the shop\'s orders, customers and products through the Admin API.'),
  shopify('secret-shopify-custom-app-token', 'shpca_', 'custom app access token', 'Calls the Admin API with the custom app\'s scopes.'),
  shopify('secret-shopify-private-app-token', 'shppa_', 'private app access token', 'Calls the Admin API with the private app\'s permissions.'),
  shopify('secret-shopify-shared-secret', 'shpss_', 'app shared secret', 'Forges webhook and OAuth signatures that the app will trust.'),
  tokenDetector({
    id: 'secret-square-access-token',
    provider: 'Square',
    kind: 'OAuth access token',
    shape: ['sq0atp-', [CLASS.base64url, 22]],
    impact: 'Takes payments, issues refunds and reads customer data of the seller.',
    revoke: 'Revoke the token in the Square Developer Dashboard (OAuth → Revoke).',
    references: ['https://developer.squareup.com/docs/build-basics/access-tokens'],
  }),
  tokenDetector({
    id: 'secret-square-oauth-secret',
    provider: 'Square',
    kind: 'OAuth application secret',
    shape: ['sq0csp-', [CLASS.base64url, 43]],
    impact: 'Impersonates the application to obtain and refresh seller tokens.',
    revoke: 'Replace the application secret in the Square Developer Dashboard.',
    references: ['https://developer.squareup.com/docs/oauth-api/overview'],
  }),
];
