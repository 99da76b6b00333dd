import { defineRule, type Rule } from '../rule.js';
import { commitResults, reportCommit } from './commit-signatures.js';

const rule: Rule = defineRule({
  id: 'commit-signature-untrusted',
  layer: 'repository',
  severity: 'critical',
  objectKinds: [],
  summary: 'A signed commit or tag whose signature does not verify, or verifies with a key that is not a trusted signer.',
  rationale:
    'A signature only means something when it verifies over the exact content and the key belongs to a trusted ' +
    'signer. A signature copied from another commit, made with a throwaway key, or by a key outside the ' +
    'allowed signers shows the "signed" badge in some tools while proving nothing about who wrote the change.',
  remediation:
    'Find out who made the commit. If the signer is legitimate, add their key to the allowed_signers file ' +
    '(`email namespaces="git" ssh-ed25519 AAAA…`) or the OpenPGP keyring, or, for gitsign, widen ' +
    '`--certificate-identity[-regexp]`/`--certificate-oidc-issuer`; otherwise revert the commit and rotate ' +
    'the credentials that allowed the push.',
  references: [
    'https://man.openbsd.org/ssh-keygen#ALLOWED_SIGNERS',
    'https://git-scm.com/docs/git-config#Documentation/git-config.txt-gpgsshallowedSignersFile',
    'https://docs.sigstore.dev/cosign/signing/gitsign/',
  ],
  integrationTest: 'test/commits.test.ts',
  requires: 'verify',
  runsWith: '--allowed-signers, --gpg-keyring, --trusted-root with a keyless identity, or verify.commits in .rampart.yaml',
  messages: {
    untrusted: '{subject} "{title}": {detail}.',
  },
  examples: {
    bad: [{ file: 'allowed_signers', code: '# the commit is signed by a key that is not listed here\nalice@example.com namespaces="git" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO7Rj…\n' }],
    good: [{ file: 'allowed_signers', code: '# the commit is signed by alice@example.com with this key\nalice@example.com namespaces="git" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO7Rj…\n' }],
  },
  async check(context) {
    for (const checked of await commitResults(context)) {
      if (checked.verdict.status !== 'untrusted') continue;
      reportCommit(context, rule, 'untrusted', checked, { detail: checked.verdict.detail });
    }
  },
});

export default rule;
