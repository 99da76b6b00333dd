import type { Node } from 'yaml';
import { isComposeDocument } from '../../model/extract/yaml-tool-images.js';
import type { SourceFile } from '../../model/source-file.js';
import type { Workspace } from '../../model/workspace.js';
import { ResolvedYaml } from '../../model/yaml-resolved.js';
import { stringValue } from '../../model/yaml.js';
import { perWorkspace } from './memo.js';

/** A docker compose service: it runs on a host with the same powers a pod has on a node. */
export interface ComposeService {
  readonly file: SourceFile;
  readonly view: ResolvedYaml;
  readonly node: Node;
  /** `Compose service web` */
  readonly label: string;
}

export function composeServices(workspace: Workspace): ComposeService[] {
  return perWorkspace(workspace, 'compose-services', () => workspace.yamlDocuments().flatMap((document) => {
    if (!isComposeDocument(document)) return [];
    const view = new ResolvedYaml(document.document);
    return view.entries(view.get(document.root, 'services')).flatMap(({ key, value }) =>
      view.map(value) ? [{ file: document.file, view, node: value as Node, label: `Compose service ${key}` }] : []);
  }));
}

/** A host path a service mounts: `- /src:/dst[:ro]` or `{type: bind, source: /src}`; named volumes and relative paths are not host paths of concern. */
export function composeBindSources(service: ComposeService): Array<{ path: string; node: Node }> {
  const { view } = service;
  return view.items(view.get(service.node, 'volumes')).flatMap((volume) => {
    const short = stringValue(volume);
    if (short !== undefined) {
      // `/src:/dst[:mode]`; a lone `/dst` is an anonymous volume, not a host path
      const colon = short.indexOf(':');
      const source = colon === -1 ? '' : short.slice(0, colon);
      return source.startsWith('/') ? [{ path: source, node: volume }] : [];
    }
    const type = view.string(volume, 'type');
    const source = view.get(volume, 'source');
    const path = stringValue(source);
    return (type === undefined || type === 'bind') && path?.startsWith('/') && source ? [{ path, node: source }] : [];
  });
}
