import { apiGroup, describeObject } from '../../model/kubernetes.js';
import { getNode, getPath, getString, seqItems } from '../../model/yaml.js';
import { kindSpan } from '../artifacts/flux-sources.js';
import { objectsWithRendered } from '../operators/chart-objects.js';
import { defineRule } from '../rule.js';
import { CHART_VALUES_HOLDERS } from '../object-kinds.js';

const VERIFYING_GPG_MODES = new Set(['head', 'strict']);

export default defineRule({
  id: 'argocd-project-no-signature-keys',
  layer: 'repository',
  severity: 'medium',
  objectKinds: ['AppProject', ...CHART_VALUES_HOLDERS],
  summary: 'An Argo CD `AppProject` verifies no commit signatures (no `signatureKeys`, no `sourceIntegrity` GPG policy).',
  rationale:
    'Argo CD syncs any commit of the source repositories unless the project lists trusted GnuPG keys. Without them ' +
    'a push by anyone with write access to the Git host, or a compromised host, is deployed; signed commits are ' +
    'only worth something when the deployer refuses the unsigned ones.',
  remediation:
    'Import the signers\' public keys into Argo CD (`argocd gpg add`) and list their key IDs under ' +
    '`spec.signatureKeys`, or add a `spec.sourceIntegrity.git.policies` entry with `gpg.mode: head` (or `strict`) and `gpg.keys`.',
  references: [
    'https://argo-cd.readthedocs.io/en/stable/user-guide/gpg-verification/',
    'https://argo-cd.readthedocs.io/en/latest/operator-manual/project-specification/',
  ],
  messages: {
    noKeys: 'AppProject {project} verifies no commit signatures: any commit of its source repositories is synced.',
    modeNone: 'AppProject {project} has a `sourceIntegrity` GPG policy, but no policy verifies (mode `none` or no keys).',
  },
  examples: {
    bad: [{
      file: 'project.yaml',
      code: 'apiVersion: argoproj.io/v1alpha1\nkind: AppProject # expect: argocd-project-no-signature-keys\nmetadata:\n  name: team-a\nspec:\n  sourceRepos: ["https://github.com/acme/*"]\n',
    }],
    good: [{
      file: 'project.yaml',
      code: 'apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata:\n  name: team-a\nspec:\n  sourceRepos: ["https://github.com/acme/*"]\n  signatureKeys:\n    - keyID: 4AEE18F83AFDEB23\n',
    }],
  },
  check(context) {
    for (const object of objectsWithRendered(context.workspace)) {
      if (object.kind !== 'AppProject' || apiGroup(object) !== 'argoproj.io') continue;
      const keys = seqItems(getPath(object.node, 'spec', 'signatureKeys')).filter((item) => getString(item, 'keyID'));
      if (keys.length > 0) continue;
      const policies = seqItems(getPath(object.node, 'spec', 'sourceIntegrity', 'git', 'policies'));
      const verifying = policies.some((policy) => {
        const gpg = getNode(policy, 'gpg');
        return VERIFYING_GPG_MODES.has((getString(gpg, 'mode') ?? '').toLowerCase()) && seqItems(getNode(gpg, 'keys')).length > 0;
      });
      if (verifying) continue;
      const at = kindSpan(object);
      if (!at) continue;
      const project = object.renderedFrom ? `${object.name ?? '(unnamed)'} (${object.renderedFrom})` : object.name ?? '(unnamed)';
      context.report({ messageId: policies.length > 0 ? 'modeNone' : 'noKeys', at, data: { project }, subject: describeObject(object) });
    }
  },
});
