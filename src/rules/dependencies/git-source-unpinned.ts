import { controllerGitSources } from '../../model/controller-git-sources.js';
import { describeGitRef, isTemplatedValue } from '../../model/git-ref.js';
import { objectsWithRendered } from '../operators/chart-objects.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'git-source-unpinned',
  layer: 'dependencies',
  severity: 'medium',
  objectKinds: ['App', 'Package', 'PackageRepository', 'Stack', 'BuildConfig'],
  summary: 'A kapp-controller `App`, a Pulumi Kubernetes Operator `Stack` or an OpenShift `BuildConfig` deploys or builds from a Git branch, a version range or the default branch.',
  rationale:
    'kapp-controller fetches an App\'s configuration from `fetch[].git` and the Pulumi Kubernetes Operator runs a ' +
    'Stack\'s program from `projectRepo` on every reconcile, as Argo CD and Flux do with their sources. A branch ' +
    '(`origin/main`, `branch: refs/heads/main`), a semver range (`refSelection.semver`) or no revision at all is whatever ' +
    'that repository holds when the controller looks: whoever can push there changes the cluster (or, for Pulumi, the ' +
    'cloud account) without a reviewed commit here. An OpenShift `BuildConfig` builds `spec.source.git` at `ref` on ' +
    'webhooks and config changes and pushes the image its image triggers roll out. A tag or a full commit SHA is not reported (a tag can be moved, ' +
    'but it is a release someone chose).',
  remediation:
    'Pin the revision to a commit SHA (kapp-controller `ref: <sha>`, Pulumi `commit: <sha>`, BuildConfig `source.git.ref: <sha>`) and let a pull request ' +
    'bump it, or deploy from a tag you protect.',
  references: [
    'https://carvel.dev/kapp-controller/docs/latest/app-spec/',
    'https://github.com/pulumi/pulumi-kubernetes-operator/blob/master/docs/stacks.md',
    'https://docs.openshift.com/container-platform/4.15/cicd/builds/creating-build-inputs.html#builds-source-code_creating-build-inputs',
  ],
  messages: {
    unpinned: '{where} deploys {url} at {revision}: {controller} applies whatever that holds when it reconciles.',
    builds: '{where} builds {url} at {revision}: each build takes whatever that holds, and image triggers roll out what it pushes.',
  },
  examples: {
    bad: [{ file: 'app.yaml', code: 'apiVersion: kappctrl.k14s.io/v1alpha1\nkind: App\nmetadata: {name: simple-app}\nspec:\n  serviceAccountName: deployer\n  fetch:\n    - git:\n        url: https://github.com/acme/config\n        ref: origin/main # expect: git-source-unpinned\n  template:\n    - ytt: {}\n  deploy:\n    - kapp: {}\n' }],
    good: [{ file: 'app.yaml', code: 'apiVersion: kappctrl.k14s.io/v1alpha1\nkind: App\nmetadata: {name: simple-app}\nspec:\n  serviceAccountName: deployer\n  fetch:\n    - git:\n        url: https://github.com/acme/config\n        ref: 0123456789abcdef0123456789abcdef01234567\n  template:\n    - ytt: {}\n  deploy:\n    - kapp: {}\n' }],
  },
  check(context) {
    for (const object of objectsWithRendered(context.workspace)) {
      for (const source of controllerGitSources(object)) {
        if (source.kind === 'commit' || source.kind === 'tag') continue;
        if (isTemplatedValue(source.url.value) || (source.ref && isTemplatedValue(source.ref.value))) continue;
        context.report({
          messageId: source.object.kind === 'BuildConfig' ? 'builds' : 'unpinned',
          at: source.span,
          data: { where: source.where, url: source.url.value, revision: describeGitRef(source.kind, source.ref?.value), controller: source.controller },
          subject: `${source.where}\0${source.url.value}`,
        });
      }
    }
  },
});
