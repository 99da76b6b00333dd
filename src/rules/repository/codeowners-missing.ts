import { CODEOWNERS_PATHS, ownershipOf, parseCodeowners, type CodeownersRule } from '../../model/codeowners.js';
import { isWorkflowFile } from '../../model/extract/yaml-tool-images.js';
import { isChartFile, isKustomizationFile } from '../../model/file-kinds.js';
import type { SourceFile } from '../../model/source-file.js';
import type { Workspace } from '../../model/workspace.js';
import { defineRule } from '../rule.js';

const EXAMPLES_SHOWN = 3;
const REPOSITORY_ROOT = { path: '.', start: 0, end: 0 };

export default defineRule({
  id: 'codeowners-missing',
  layer: 'repository',
  severity: 'low',
  objectKinds: [],
  summary: 'No CODEOWNERS file, or one that leaves deploy paths (manifests, charts, Terraform, CI workflows) without an owner.',
  rationale:
    'In a GitOps repository a merged change is a deployment. CODEOWNERS names who must review changes to each ' +
    'path; with branch protection\'s "require review from Code Owners" it is what stops a change to production ' +
    'manifests, cluster RBAC or the CI that deploys them from being merged by anyone with write access. Deploy ' +
    'paths without an owner (no CODEOWNERS at all, no matching pattern, or a pattern listed without owners) ' +
    'get no such review. The file is looked for where GitHub, GitLab and Bitbucket read it (`.github/`, the ' +
    'root, `docs/`, `.gitlab/`, `.bitbucket/`), patterns are matched as GitHub documents them (the last match ' +
    'wins; GitLab sections each have their own last match and default owners), and lines with a malformed owner ' +
    'are skipped as the hosts skip them. When a subdirectory of a repository is scanned, the repository\'s ' +
    'CODEOWNERS is out of sight and the rule does not run; outside git (rendered manifests, an unpacked archive) ' +
    'only a CODEOWNERS in the tree is checked.',
  remediation:
    'Add `.github/CODEOWNERS` (or `CODEOWNERS` at the root on GitLab) with an owning team for every deploy path, ' +
    'for example `/clusters/ @acme/platform` and `/apps/payments/ @acme/payments`; own the CODEOWNERS file and ' +
    '`.github/workflows/` too, and turn on "Require review from Code Owners" in the branch protection or ruleset.',
  references: [
    'https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners',
    'https://docs.gitlab.com/user/project/codeowners/',
    'https://opengitops.dev/',
  ],
  messages: {
    missing: 'No CODEOWNERS file: no owner is asked to review changes to the {count} deploy files of this repository ({examples}).',
    unowned: '{group} has no owner in {codeowners}: {count} deploy file(s) ({examples}) change without an owner\'s review.',
    unownedByRule: '`{pattern}` in {codeowners} lists no owner, so {group} ({count} deploy file(s): {examples}) has none.',
  },
  examples: {
    bad: [{ file: '.github/CODEOWNERS', code: '/apps/ @acme/apps # expect: codeowners-missing\n' }],
    good: [{ file: '.github/CODEOWNERS', code: '# everything, this file included\n* @acme/platform\n/apps/payments/ @acme/payments\n' }],
  },
  check(context) {
    const { workspace } = context;
    // a subdirectory of a repository: its CODEOWNERS, at the repository's top, is not in the tree
    if (workspace.repositoryPath !== undefined && workspace.repositoryPath !== '') return;
    const codeowners = CODEOWNERS_PATHS.map((path) => workspace.file(path)).find((file) => file !== undefined);
    // outside git (rendered manifests, an unpacked archive) a missing CODEOWNERS says nothing
    if (!codeowners && workspace.repositoryPath === undefined) return;
    const deploy = deployFiles(workspace, codeowners);
    if (deploy.length === 0) return;
    if (!codeowners) {
      context.report({
        messageId: 'missing',
        // no file to point into: the finding is about the repository as a whole
        at: REPOSITORY_ROOT,
        data: { count: deploy.length, examples: examples(deploy.map((file) => file.path)) },
        subject: 'CODEOWNERS',
      });
      return;
    }
    const sections = parseCodeowners(codeowners);
    const unowned = new Map<string, SourceFile>();
    const decidedBy = new Map<string, CodeownersRule | undefined>();
    const owned = new Set<string>();
    for (const file of deploy) {
      const ownership = ownershipOf(sections, file.path);
      if (ownership.owners.length > 0) owned.add(file.path);
      else {
        unowned.set(file.path, file);
        decidedBy.set(file.path, ownership.rule);
      }
    }
    for (const { group, files } of groupUnowned([...unowned.keys()], owned)) {
      const rule = decidedBy.get(files[0]!);
      const data = { group, codeowners: codeowners.path, count: files.length, examples: examples(files) };
      if (rule && files.every((path) => decidedBy.get(path) === rule)) {
        context.report({ messageId: 'unownedByRule', at: rule.span, data: { ...data, pattern: rule.pattern }, subject: `unowned ${group}` });
      } else {
        // the fix is a line in CODEOWNERS, so that is where the finding points (and where it can be suppressed)
        context.report({ messageId: 'unowned', at: firstLine(codeowners), data, subject: `unowned ${group}` });
      }
    }
  },
});

/** What deploys or decides what is deployed: Kubernetes, Kustomize, Helm, Terraform, Dockerfiles, CI workflows, CODEOWNERS itself. */
function deployFiles(workspace: Workspace, codeowners: SourceFile | undefined): SourceFile[] {
  const paths = new Set<string>();
  for (const path of workspace.kubeObjectPaths()) paths.add(path);
  for (const file of workspace.files) {
    const kind = workspace.kindOf(file);
    if (kind === 'helm-template' || kind === 'terraform' || kind === 'dockerfile') paths.add(file.path);
    else if (isKustomizationFile(file.baseName) || isChartFile(file.baseName) || isWorkflowFile(file.path)) paths.add(file.path);
  }
  if (codeowners) paths.add(codeowners.path);
  return [...paths].sort().map((path) => workspace.file(path)!);
}

/**
 * Unowned files grouped under the highest directory that holds no owned deploy file: one finding
 * for `apps/` when nothing in it is owned, one for `apps/team-b/` when only team-a is.
 */
function groupUnowned(unowned: readonly string[], owned: ReadonlySet<string>): Array<{ group: string; files: string[] }> {
  const ownedDirectories = new Set<string>(['']);
  for (const path of owned) {
    for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) ownedDirectories.add(path.slice(0, slash));
  }
  const groups = new Map<string, string[]>();
  for (const path of unowned) {
    let group = path;
    for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) {
      const directory = path.slice(0, slash);
      if (!ownedDirectories.has(directory)) {
        group = `${directory}/`;
        break;
      }
    }
    groups.set(group, [...(groups.get(group) ?? []), path]);
  }
  return [...groups].map(([group, files]) => ({ group, files }));
}

function examples(paths: readonly string[]): string {
  const shown = paths.slice(0, EXAMPLES_SHOWN).join(', ');
  return paths.length > EXAMPLES_SHOWN ? `${shown} and ${paths.length - EXAMPLES_SHOWN} more` : shown;
}

function firstLine(file: SourceFile): ReturnType<SourceFile['span']> {
  const end = file.text.indexOf('\n');
  return file.span(0, end === -1 ? file.text.length : end);
}
