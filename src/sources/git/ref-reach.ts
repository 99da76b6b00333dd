import { git, GitReadError } from './commit-objects.js';

/** A ref as findings name it: a branch by its name, `tag v1`, a remote-tracking branch as `origin/main`, others in full. */
export function refLabel(refname: string): string {
  if (refname.startsWith('refs/heads/')) return refname.slice('refs/heads/'.length);
  if (refname.startsWith('refs/tags/')) return `tag ${refname.slice('refs/tags/'.length)}`;
  if (refname.startsWith('refs/remotes/')) return refname.slice('refs/remotes/'.length);
  return refname;
}

const lines = (text: string): string[] => text.split('\n').filter((line) => line !== '');

/**
 * HEAD's commit and, for each commit a ref points at (annotated tags peeled), the labels of those
 * refs, from one `git show-ref --head --dereference`. It exits 1 when there is no ref at all.
 */
async function refTips(repo: string): Promise<{ head: string | undefined; tips: Map<string, string[]> }> {
  let output: string;
  try {
    output = await git(repo, ['show-ref', '--head', '--dereference']);
  } catch (error) {
    if (error instanceof GitReadError && (await git(repo, ['for-each-ref', '--count=1'])) === '') return { head: undefined, tips: new Map() };
    throw error;
  }
  const targets = new Map<string, string>();
  let head: string | undefined;
  for (const line of lines(output)) {
    const [object = '', name = ''] = line.split(' ');
    if (name === 'HEAD') head = object;
    // `refs/tags/v1^{}` follows `refs/tags/v1` and names the commit the tag object points to.
    else targets.set(name.endsWith('^{}') ? name.slice(0, -3) : name, object);
  }
  const tips = new Map<string, string[]>();
  for (const [refname, tip] of targets) tips.set(tip, [...tips.get(tip) ?? [], refLabel(refname)]);
  return { head, tips };
}

export interface AllRefsHistory {
  /** every commit reachable from a ref or HEAD (`git rev-list --all`), children before parents */
  readonly commits: readonly string[];
  /** for each commit HEAD does not reach, the refs that reach it, sorted */
  readonly offHead: ReadonlyMap<string, readonly string[]>;
}

/**
 * Lists every ref's history with one `git rev-list --all` walk (and `git show-ref` for the refs). The
 * walk is in topological order, so when a commit comes up all its children have been seen: whether
 * HEAD reaches it and which refs reach it are settled, and pass on to its parents in the same pass.
 */
export async function allRefsHistory(repo: string): Promise<AllRefsHistory> {
  const [{ head, tips }, walk] = await Promise.all([refTips(repo), git(repo, ['rev-list', '--topo-order', '--parents', '--all', '--'])]);
  const commits: string[] = [];
  const onHead = new Set<string>(head ? [head] : []);
  const reaching = new Map<string, Set<string>>();
  const offHead = new Map<string, string[]>();
  for (const line of lines(walk)) {
    const [id = '', ...parents] = line.split(' ');
    commits.push(id);
    const names = reaching.get(id) ?? new Set<string>();
    reaching.delete(id);
    if (onHead.has(id)) {
      for (const parent of parents) onHead.add(parent);
      continue;
    }
    for (const label of tips.get(id) ?? []) names.add(label);
    offHead.set(id, [...names].sort());
    for (const parent of parents) {
      const inherited = reaching.get(parent);
      if (inherited) for (const name of names) inherited.add(name);
      else reaching.set(parent, new Set(names));
    }
  }
  return { commits, offHead };
}
