import { isMap, parseDocument, type Node } from 'yaml';
import { isValues } from './values-layers.js';

export interface OverlaidValues {
  /** the chart's values.yaml with the repository's values applied, as Helm merges them */
  readonly text: string;
  /** byte ranges of the merged text whose values the repository wrote (judged by its own scan) */
  readonly overridden: ReadonlyArray<readonly [number, number]>;
}

type Path = readonly string[];

/**
 * The values a chart is installed with: its `values.yaml` with the repository's values on top,
 * merged as Helm does (maps merge key by key, lists and scalars replace, `null` deletes). The
 * chart's comments and layout are kept where nothing is overridden, so lines stay readable.
 */
export function overlayValues(chartText: string, overrides: unknown, external: unknown = {}): OverlaidValues {
  const document = parseDocument(chartText, { uniqueKeys: false });
  if (!isMap(document.contents)) document.contents = document.createNode({}) as never;
  const leaves: Path[] = [];
  const apply = (value: unknown, path: Path): void => {
    if (!isValues(value)) return;
    for (const [key, child] of Object.entries(value)) {
      const here = [...path, key];
      if (child === null) {
        document.deleteIn(here);
      } else if (isValues(child) && isMap(document.getIn(here, true))) {
        apply(child, here);
      } else {
        document.setIn(here, document.createNode(child));
        leaves.push(here);
      }
    }
  };
  apply(overrides, []);
  const text = document.toString({ lineWidth: 0 });
  const merged = parseDocument(text, { uniqueKeys: false });
  const overridden: Array<readonly [number, number]> = [];
  for (const path of leaves) {
    if (hasPath(external, path)) continue; // set by a values file outside the repository: judged here
    const node = merged.getIn(path, true) as Node | undefined;
    if (node?.range) overridden.push([node.range[0], node.range[1]]);
  }
  return { text, overridden };
}

function hasPath(value: unknown, path: Path): boolean {
  let current = value;
  for (const key of path) {
    if (!isValues(current) || !(key in current)) return false;
    current = current[key];
  }
  return true;
}
