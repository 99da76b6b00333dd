import { classifyGitRef, classifyVersion, describeGitRef, isTemplatedValue } from '../../model/git-ref.js';
import { defineRule } from '../rule.js';
import { objectsWithRendered } from '../operators/chart-objects.js';
import { argoRevisionSites, type ArgoRevisionSite } from './argo-sources.js';
import { isOwnRepository } from './support.js';
import { CHART_VALUES_HOLDERS } from '../object-kinds.js';

const DIGEST = /^sha256:[0-9a-f]{64}$/i;

export default defineRule({
  id: 'argocd-app-unpinned-revision',
  layer: 'dependencies',
  severity: 'medium',
  objectKinds: ['Application', 'ApplicationSet', ...CHART_VALUES_HOLDERS],
  summary: 'An Argo CD Application or ApplicationSet follows `HEAD`, a branch, a version range, or no revision at all.',
  rationale:
    'Argo CD syncs whatever `targetRevision` resolves to now. `HEAD`, a branch, a missing revision (the default ' +
    'branch) or a Helm version range let a push to another repository, or a new chart release, change the cluster ' +
    'with no commit in this one. For Helm charts an exact version (`1.2.3`) is a release and counts as pinned; for ' +
    'git a tag is mutable (it can be moved), so tags are reported at low severity. An app-of-apps that follows its ' +
    'own repository at `HEAD` or a branch is normal GitOps (the change is a reviewed commit here), so when the ' +
    'repoURL is one of the scanned repository\'s own git remotes the finding is low and says so. ApplicationSet ' +
    'templates and git generators (`revision`) are checked too; templated values (`{{…}}`) cannot be judged and are ' +
    'left alone.',
  remediation:
    'Set `targetRevision` to a full commit SHA for git sources (Renovate or Argo CD Image Updater can bump it) and ' +
    'to an exact chart version for Helm sources (`1.2.3`, not `1.2.*` or `^1.2`). For your own config repository, ' +
    'protect the tracked branch (required reviews, signed commits) instead.',
  references: [
    'https://argo-cd.readthedocs.io/en/stable/user-guide/tracking_strategies/',
    'https://argo-cd.readthedocs.io/en/stable/user-guide/multiple_sources/',
    'https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Generators-Git/',
    'https://github.com/ossf/scorecard/blob/main/docs/checks.md#pinned-dependencies',
  ],
  messages: {
    git: '{where} follows {ref} of {repoURL}: a push there changes the cluster without a commit here. Pin {key} to a full commit SHA.',
    own: '{where} follows {ref} of {repoURL}, this repository itself: normal GitOps (app-of-apps), low severity; protect that branch.',
    tag: '{where} is pinned to {ref} of {repoURL}: a git tag can be moved; a commit SHA cannot (low severity).',
    helm: '{where} takes chart {chart} at {version} from {repoURL}: not an exact version, so a new release is deployed without review.',
    helmMissing: '{where} takes chart {chart} from {repoURL} with no {key}: whatever version is newest is deployed.',
    oci: '{where} follows OCI tag {version} of {repoURL}: a tag can be re-pushed; pin to a sha256 digest.',
  },
  examples: {
    bad: [{
      file: 'app.yaml',
      code: 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: web}\nspec:\n  source:\n    repoURL: https://github.com/acme/web\n    path: deploy\n    targetRevision: HEAD # expect: argocd-app-unpinned-revision\n',
    }],
    good: [{
      file: 'app.yaml',
      code: 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: web}\nspec:\n  sources:\n    - repoURL: https://charts.bitnami.com/bitnami\n      chart: nginx\n      targetRevision: 18.2.4\n    - repoURL: https://github.com/acme/web\n      path: deploy\n      targetRevision: 0123456789abcdef0123456789abcdef01234567\n',
    }],
  },
  check(context) {
    for (const object of objectsWithRendered(context.workspace)) {
      for (const site of argoRevisionSites(object)) checkSite(site);
    }

    function checkSite(site: ArgoRevisionSite): void {
      const repoURL = site.repoURL?.value;
      const revision = site.revision?.value;
      if (site.malformed || repoURL === undefined || isTemplatedValue(repoURL) || (revision !== undefined && isTemplatedValue(revision))) return;
      const at = site.revision?.span ?? site.anchor;
      const subject = `${site.where}\0${repoURL}\0${site.chart?.value ?? ''}`;
      const base = { where: site.where, repoURL, key: site.revisionKey };
      const properties = { repoURL, ...(revision !== undefined ? { revision } : {}) };
      if (site.chart) {
        const chart = site.chart.value;
        if (revision === undefined || revision.trim() === '') {
          context.report({ messageId: 'helmMissing', at, data: { ...base, chart }, subject, properties });
        } else if (classifyVersion(revision) === 'range' && !DIGEST.test(revision)) {
          context.report({ messageId: 'helm', at, data: { ...base, chart, version: `\`${revision}\`` }, subject, properties });
        }
        return;
      }
      if (/^oci:\/\//i.test(repoURL)) {
        if (revision === undefined || !DIGEST.test(revision)) {
          context.report({ messageId: 'oci', at, data: { ...base, version: `\`${revision ?? 'latest'}\`` }, subject, properties });
        }
        return;
      }
      const kind = classifyGitRef(revision);
      if (kind === 'commit') return;
      const ref = describeGitRef(kind, revision);
      if (kind === 'tag') {
        context.report({ messageId: 'tag', at, data: { ...base, ref }, subject, severity: 'low', properties });
      } else if (isOwnRepository(context.settings, repoURL)) {
        context.report({ messageId: 'own', at, data: { ...base, ref }, subject, severity: 'low', properties: { ...properties, ownRepository: true } });
      } else {
        context.report({ messageId: 'git', at, data: { ...base, ref }, subject, properties });
      }
    }
  },
});
