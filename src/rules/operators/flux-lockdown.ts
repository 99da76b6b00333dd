import { apiGroup } from '../../model/kubernetes.js';
import type { Workspace } from '../../model/workspace.js';
import { ResolvedYaml, isBooleanTrue } from '../../model/yaml-resolved.js';
import { perWorkspace } from './memo.js';

export type FluxController = 'kustomize-controller' | 'helm-controller';

const DEFAULT_SERVICE_ACCOUNT_FLAG = /^[^#\n]*--default-service-account[= ]/m;
const CONTROLLERS: readonly FluxController[] = ['kustomize-controller', 'helm-controller'];

/**
 * Controllers the repository locks down with `--default-service-account` (Flux's multi-tenancy
 * lockdown, usually a Kustomize patch of the flux-system Deployments) or a Flux Operator
 * `FluxInstance` with `cluster.multitenant: true`. Objects without a serviceAccountName then run
 * as the `default` account of their namespace rather than as the controller.
 *
 * A fact of the whole tree (`workspace.tree`), read from the few files whose text names the flag or
 * a FluxInstance: a scan in batches checks each batch's Flux objects against it.
 */
export function lockedDownControllers(workspace: Workspace): Set<FluxController> {
  const tree = workspace.tree;
  return perWorkspace(tree, 'flux-locked-down', () => {
    const locked = new Set<FluxController>();
    for (const file of tree.filesOfKind('yaml')) {
      if (!file.text.includes('--default-service-account') || !DEFAULT_SERVICE_ACCOUNT_FLAG.test(file.text)) continue;
      const named = CONTROLLERS.filter((controller) => file.text.includes(controller));
      for (const controller of named.length > 0 ? named : CONTROLLERS) locked.add(controller);
    }
    for (const file of tree.manifestFiles()) {
      if (!file.text.includes('FluxInstance')) continue;
      for (const object of tree.kubeObjectsOfFile(file)) {
        if (object.kind !== 'FluxInstance' || apiGroup(object) !== 'fluxcd.controlplane.io') continue;
        const view = new ResolvedYaml(object.source.document);
        if (isBooleanTrue(view.path(object.node, 'spec', 'cluster', 'multitenant'))) CONTROLLERS.forEach((controller) => locked.add(controller));
      }
    }
    return locked;
  });
}
