import { defineRule, type Rule } from '../rule.js';
import { commitResults, reportCommit } from './commit-signatures.js';

const rule: Rule = defineRule({
  id: 'commit-unsigned',
  layer: 'repository',
  severity: 'high',
  objectKinds: [],
  summary: 'A commit (or, with `--tags`, a tag) in the checked history carries no signature.',
  rationale:
    'The GitOps repository is the deployment: whoever can push a commit changes production. Without a ' +
    'signature nothing ties a commit to a person, so a stolen token, a compromised CI job or a Git host ' +
    'incident can inject commits that look like anyone\'s.',
  remediation:
    'Sign every commit (`git config commit.gpgsign true` with an SSH or OpenPGP key), enforce it with branch ' +
    'protection, and verify with `rampart scan --allowed-signers FILE` or `--gpg-keyring FILE` (or `verify.commits` ' +
    'in `.rampart.yaml`). To adopt signing ' +
    'without rewriting history, pass `--require-signed-since <first signed commit>`.',
  references: [
    'https://git-scm.com/book/en/v2/Git-Tools-Signing-Your-Work',
    'https://docs.github.com/en/authentication/managing-commit-signature-verification/about-commit-signature-verification',
  ],
  integrationTest: 'test/commits.test.ts',
  requires: 'verify',
  runsWith: '--allowed-signers, --gpg-keyring, --trusted-root with a keyless identity, or verify.commits in .rampart.yaml',
  messages: {
    unsigned: '{subject} "{title}" is not signed.',
    tagUnsigned: '{subject} is not signed.',
  },
  examples: {
    bad: [{ file: 'commit', code: 'tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor Mallory <mallory@example.com> 1700000000 +0000\ncommitter Mallory <mallory@example.com> 1700000000 +0000\n\nBump api to 2.0\n' }],
    good: [{ file: 'commit', code: 'tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor Alice <alice@example.com> 1700000000 +0000\ncommitter Alice <alice@example.com> 1700000000 +0000\ngpgsig -----BEGIN SSH SIGNATURE-----\n U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAg…\n -----END SSH SIGNATURE-----\n\nBump api to 2.0\n' }],
  },
  async check(context) {
    for (const checked of await commitResults(context)) {
      if (checked.verdict.status !== 'unsigned') continue;
      reportCommit(context, rule, checked.tag ? 'tagUnsigned' : 'unsigned', checked, {});
    }
  },
});

export default rule;
