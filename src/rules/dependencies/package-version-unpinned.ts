import { classifyVersion, isTemplatedValue } from '../../model/git-ref.js';
import { packageInstalls } from '../../model/package-installs.js';
import { objectsWithRendered } from '../operators/chart-objects.js';
import { defineRule } from '../rule.js';

/** A Crossplane dependency may be pinned by digest instead of a version. */
const DIGEST = /^sha256:[0-9a-f]{64}$/i;

export default defineRule({
  id: 'package-version-unpinned',
  layer: 'dependencies',
  severity: 'medium',
  objectKinds: ['Subscription', 'PackageInstall', 'Configuration', 'Provider', 'Function', 'Project'],
  summary: 'A package manager in the cluster picks the version it installs: an OLM `Subscription` with automatic approval, a kapp-controller `PackageInstall` version range, a Crossplane package dependency range.',
  rationale:
    'Operators and Crossplane packages run with wide rights in the cluster. An OLM `Subscription` whose ' +
    '`installPlanApproval` is `Automatic` (the default) installs every new version its catalog publishes on the ' +
    'channel; a kapp-controller `PackageInstall` whose `versionSelection.constraints` is a range upgrades to the ' +
    'newest matching package in its repository; a Crossplane `crossplane.yaml` (or Upbound `upbound.yaml`) ' +
    '`dependsOn` with a range or no `version` lets the package manager install whichever provider, function or ' +
    'configuration release matches. In each case new code reaches the cluster with no reviewed commit.',
  remediation:
    'OLM: set `installPlanApproval: Manual` with a `startingCSV`, and approve each InstallPlan after review (or ' +
    'through a pull request that bumps `startingCSV`). kapp-controller: write the exact version in ' +
    '`versionSelection.constraints`. Crossplane: write an exact `version` (`v1.2.3`) or a `sha256:` digest. Let ' +
    'Renovate propose the bumps.',
  references: [
    'https://olm.operatorframework.io/docs/concepts/crds/subscription/',
    'https://carvel.dev/kapp-controller/docs/latest/packaging/#packageinstall',
    'https://docs.crossplane.io/latest/concepts/packages/#dependency-resolution',
  ],
  messages: {
    olm: '{where} installs operator {name}{channel} with automatic approval{approval}: OLM installs each new version the catalog publishes without review.',
    range: '{where} {verb} {name} at {version}: {manager} can install a newer release without review.',
  },
  examples: {
    bad: [{ file: 'subscription.yaml', code: 'apiVersion: operators.coreos.com/v1alpha1\nkind: Subscription\nmetadata: {name: cert-manager, namespace: openshift-operators}\nspec:\n  channel: stable\n  name: cert-manager # expect: package-version-unpinned\n  source: community-operators\n  sourceNamespace: openshift-marketplace\n' }],
    good: [{ file: 'subscription.yaml', code: 'apiVersion: operators.coreos.com/v1alpha1\nkind: Subscription\nmetadata: {name: cert-manager, namespace: openshift-operators}\nspec:\n  channel: stable\n  name: cert-manager\n  source: community-operators\n  sourceNamespace: openshift-marketplace\n  installPlanApproval: Manual\n  startingCSV: cert-manager.v1.14.4\n' }],
  },
  check(context) {
    for (const object of objectsWithRendered(context.workspace)) {
      for (const install of packageInstalls(object)) {
        if (install.manager === 'olm') {
          const approval = install.approval?.value.trim();
          if (approval !== undefined && (approval !== 'Automatic' || isTemplatedValue(approval))) continue;
          context.report({
            messageId: 'olm',
            at: install.approval?.span ?? install.span,
            data: { where: install.where, name: install.name, channel: install.channel ? ` from channel ${install.channel}` : '', approval: install.approval ? '' : ' (installPlanApproval is not set: Automatic)' },
            subject: `${install.where}\0${install.name}`,
          });
          continue;
        }
        const version = install.version?.value.trim();
        if (version && (isTemplatedValue(version) || DIGEST.test(version) || classifyVersion(version) === 'exact')) continue;
        context.report({
          messageId: 'range',
          at: install.version?.span ?? install.span,
          data: { where: install.where, verb: install.manager === 'crossplane' ? 'depends on' : 'installs', name: install.name, manager: install.manager === 'crossplane' ? 'the Crossplane package manager' : 'kapp-controller', version: version ? `\`${version}\`` : 'no version (the newest)' },
          subject: `${install.where}\0${install.name}`,
        });
      }
    }
  },
});
