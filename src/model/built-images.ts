import { parseImageReference } from './image-ref.js';
import { kubeObjectsOf } from './kubernetes.js';
import type { SourceFile } from './source-file.js';
import { getNode, getString, parseYamlFile, seqItems } from './yaml.js';

const SKAFFOLD_API = /^\s*apiVersion:\s*["']?skaffold\//m;
const TILT_BUILD = /^[^#\n]*?\b(?:docker_build|custom_build)\(\s*(?:ref\s*=\s*)?["']([^"']+)["']/gm;

/**
 * Image names that a dev tool of the tree builds and writes into the manifests it deploys: Skaffold
 * `build.artifacts[].image` (also under `profiles[]`) and Tilt `docker_build('name', …)` /
 * `custom_build('name', …)`. A manifest that names such an image with no tag (`image: adservice`)
 * holds a placeholder: Skaffold replaces it with the image it built, by digest, and Tilt with its
 * own build. Returned as canonical registry/repository names.
 */
export function builtImageNames(files: readonly SourceFile[]): ReadonlySet<string> {
  const names = new Set<string>();
  const add = (text: string | undefined): void => {
    if (!text) return;
    const parsed = parseImageReference(text.trim());
    if (parsed.ok) names.add(parsed.reference.name);
  };
  for (const file of files) {
    if (/\.ya?ml$/i.test(file.path) && file.text.includes('skaffold/') && SKAFFOLD_API.test(file.text)) {
      for (const document of parseYamlFile(file).documents) {
        for (const object of kubeObjectsOf(document)) {
          if (!object.apiVersion.startsWith('skaffold/')) continue;
          const builds = [getNode(object.node, 'build'), ...seqItems(getNode(object.node, 'profiles')).map((profile) => getNode(profile, 'build'))];
          for (const build of builds) for (const artifact of seqItems(getNode(build, 'artifacts'))) add(getString(artifact, 'image'));
        }
      }
    } else if (/(^|\/)(Tiltfile|[^/]*\.tiltfile)$/i.test(file.path)) {
      for (const match of file.text.matchAll(TILT_BUILD)) add(match[1]);
    }
  }
  return names;
}
