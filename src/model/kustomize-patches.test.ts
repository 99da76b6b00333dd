import { describe, expect, it } from 'vitest';
import { kustomizePatchPaths } from './kustomize-patches.js';
import { SourceFile } from './source-file.js';
import { Workspace } from './workspace.js';

const files = (texts: Record<string, string>): SourceFile[] => Object.entries(texts).map(([path, text]) => new SourceFile(path, text));

describe('files kustomizations apply as patches', () => {
  it('patches path, patchesStrategicMerge files and patchesJson6902 path, relative to the kustomization', () => {
    const found = kustomizePatchPaths(files({
      'clusters/prod/kustomization.yaml': 'resources:\n  - ../../deploy/apps\npatches:\n  - path: podinfo-values.yaml\n    target:\n      kind: HelmRelease\n  - patch: |\n      - op: add\n        path: /spec/x\n        value: 1\n',
      'overlays/dev/kustomization.yml': 'patchesStrategicMerge:\n  - ./replicas.yaml\n  - |-\n    apiVersion: apps/v1\n    kind: Deployment\npatchesJson6902:\n  - path: ../shared/json-patch.yaml\n    target: {kind: Deployment, name: web}\n',
      'components/notify/Kustomization': 'kind: Component\npatches:\n  - path: patch-enable-notifications.yaml\n    target: {kind: ArgoCD}\n',
    }));
    expect([...found].sort()).toEqual([
      'clusters/prod/podinfo-values.yaml',
      'components/notify/patch-enable-notifications.yaml',
      'overlays/dev/replicas.yaml',
      'overlays/shared/json-patch.yaml',
    ]);
  });

  it('not a file another kustomization lists as a resource, a remote patch, a path out of the tree, or a kustomization that does not parse', () => {
    const found = kustomizePatchPaths(files({
      'a/kustomization.yaml': 'patches:\n  - path: ../b/deployment.yaml\n  - path: https://example.com/patch.yaml\n  - path: ../../outside.yaml\n',
      'b/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
      'c/kustomization.yaml': 'patches:\n  - path: [unclosed\n',
    }));
    expect([...found]).toEqual([]);
  });

  it('not a patch listed as a resource without its name as written: escaped, folded, or a directory named by `..`', () => {
    const escaped = kustomizePatchPaths(files({
      'a/kustomization.yaml': 'patches:\n  - path: ../b/deployment.yaml\n',
      'b/kustomization.yaml': 'resources:\n  - "deploy\\x6dent.yaml"\n',
    }));
    const folded = kustomizePatchPaths(files({
      'a/kustomization.yaml': 'patches:\n  - path: ../b/my service.yaml\n',
      'b/kustomization.yaml': 'resources:\n  - my\n    service.yaml\n',
    }));
    const directory = kustomizePatchPaths(files({
      'a/kustomization.yaml': 'patches:\n  - path: ../q\n',
      'q/z/kustomization.yaml': 'resources:\n  - ./..\n',
    }));
    const unrelated = kustomizePatchPaths(files({
      'a/kustomization.yaml': 'patches:\n  - path: patch.yaml\n',
      'b/kustomization.yaml': 'resources:\n  - ../a/other.yaml\n',
    }));
    expect([[...escaped], [...folded], [...directory], [...unrelated]]).toEqual([[], [], [], ['a/patch.yaml']]);
  });

  it("are the whole tree's in a batch that holds only the patch (subset)", () => {
    const workspace = new Workspace('', files({
      'overlay/kustomization.yaml': 'patches:\n  - path: patch.yaml\n',
      'overlay/patch.yaml': 'kind: ArgoCD\n',
    }));
    const batch = workspace.subset(workspace.files.filter((file) => file.path === 'overlay/patch.yaml'));
    expect(batch.kustomizePatchPaths().has('overlay/patch.yaml')).toBe(true);
  });
});
