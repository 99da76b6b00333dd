import { isFullCommitSha } from '../../model/git-ref.js';
import { describeObject } from '../../model/kubernetes.js';
import { getPath, getString } from '../../model/yaml.js';
import { isFluxSource, kindSpan, objectsWithEmbedded } from '../artifacts/flux-sources.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'flux-git-unverified',
  layer: 'repository',
  severity: 'medium',
  objectKinds: ['GitRepository', 'ResourceSet'],
  summary: 'A Flux `GitRepository` without `spec.verify`: commits are applied whether signed or not.',
  rationale:
    'Flux applies whatever the branch or tag points at. Without `spec.verify` a push by anyone with write ' +
    'access to the Git host (a leaked deploy key, a compromised CI token, a force-push) reaches the cluster, ' +
    'even when the team signs every commit. A source pinned to a full commit SHA (`spec.ref.commit`) is left out: ' +
    'what it applies changes only by a reviewed commit of this repository, and a push to the source cannot move it.',
  remediation:
    'Sign commits (or tags) and add `spec.verify` with `mode: HEAD` (or `Tag`/`TagAndHEAD`) and a `secretRef` ' +
    'to a Secret holding the trusted OpenPGP public keys.',
  references: ['https://fluxcd.io/flux/components/source/gitrepositories/#verification'],
  messages: {
    // `{object}` may end in `(in ResourceSet/apps resources[0])`: the url is not put in parentheses after it
    unverified: '{object} does not verify commit signatures of {url}: any commit on the tracked ref is applied.',
  },
  examples: {
    bad: [{
      file: 'gotk-sync.yaml',
      code: 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository # expect: flux-git-unverified\nmetadata:\n  name: flux-system\nspec:\n  url: ssh://git@github.com/acme/fleet\n  ref:\n    branch: main\n',
    }],
    good: [{
      file: 'gotk-sync.yaml',
      code: 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-system\nspec:\n  url: ssh://git@github.com/acme/fleet\n  ref:\n    branch: main\n  verify:\n    mode: HEAD\n    secretRef:\n      name: pgp-public-keys\n',
    }],
  },
  check(context) {
    for (const object of objectsWithEmbedded(context.workspace)) {
      if (!isFluxSource(object, 'GitRepository') || getPath(object.node, 'spec', 'verify') !== undefined) continue;
      if (isFullCommitSha(getString(object.node, 'spec', 'ref', 'commit') ?? '')) continue;
      const at = kindSpan(object);
      if (!at) continue;
      const name = describeObject(object);
      context.report({ messageId: 'unverified', at, data: { object: name, url: getString(object.node, 'spec', 'url') ?? 'its source, which sets no spec.url' }, subject: name });
    }
  },
});
