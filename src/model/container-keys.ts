import { documentText, type YamlDocument } from './yaml.js';

/**
 * Text that any key the container walks react to holds (`containers`, `initContainers`,
 * `ephemeralContainers`, `container`, `steps`, `sidecars`, `script`), or a `\` escape that could spell one.
 */
const CONTAINER_KEY_TEXT = /ontainer|steps|sidecars|script|\\/;
const MAY_HOLD = Symbol('may hold containers');
type Marked = YamlDocument & { [MAY_HOLD]?: boolean };

/**
 * Whether the objects of a document may hold containers or pod specs, from its text: every node of
 * an object is written there (an inline patch's too, inside the string that holds it), so a
 * document whose text names none of the keys needs no walk of its trees. Several walks ask; the
 * answer is kept on the document.
 */
export function mayHoldContainers(document: YamlDocument): boolean {
  const marked = document as Marked;
  if (marked[MAY_HOLD] === undefined) marked[MAY_HOLD] = document.document.range === undefined || CONTAINER_KEY_TEXT.test(documentText(document));
  return marked[MAY_HOLD];
}
