import type { TextRange } from './remote-refs.js';

/**
 * A GitHub Actions `uses:` value
 * (https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idstepsuses):
 * - `local`: `./path` (an action or reusable workflow of this repository);
 * - `docker`: `docker://image` (an image: the image rules judge it);
 * - `remote`: `owner/repo[/path]@ref`, an action or a reusable workflow
 *   (`owner/repo/.github/workflows/x.yml@ref`).
 * `refRange`/`insertAt` are offsets in the value, for `rampart pin`.
 */
export type ActionUses =
  | { readonly kind: 'local' | 'docker' }
  | {
      readonly kind: 'remote';
      readonly owner: string;
      readonly repo: string;
      /** path inside the repository, '' for the root action */
      readonly path: string;
      readonly reusableWorkflow: boolean;
      readonly ref?: string;
      readonly refRange?: TextRange;
      /** where `@<sha>` goes when there is no `@` */
      readonly insertAt?: number;
    };

export function parseActionUses(value: string): ActionUses | undefined {
  const text = value;
  if (text.trim() !== text || text === '') return undefined;
  if (text.startsWith('./') || text.startsWith('.\\')) return { kind: 'local' };
  if (text.startsWith('docker://')) return { kind: 'docker' };
  const at = text.lastIndexOf('@');
  const name = at === -1 ? text : text.slice(0, at);
  const segments = name.split('/');
  const [owner, repo] = segments;
  if (!owner || !repo || segments.some((segment) => segment === '')) return undefined;
  const path = segments.slice(2).join('/');
  const common = { kind: 'remote' as const, owner, repo, path, reusableWorkflow: /^\.github\/workflows\/[^/]+\.ya?ml$/i.test(path) };
  if (at === -1) return { ...common, insertAt: text.length };
  return { ...common, ref: text.slice(at + 1), refRange: { start: at + 1, end: text.length } };
}

/** Actions published by GitHub itself (`actions/*`, `github/*`). */
export function isGitHubOwnedAction(owner: string): boolean {
  return owner.toLowerCase() === 'actions' || owner.toLowerCase() === 'github';
}
