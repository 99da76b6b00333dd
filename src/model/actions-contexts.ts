/**
 * Which GitHub Actions contexts carry text that someone without write access chooses: an issue or
 * pull request title, a comment, a fork's branch name, a commit message. Names, logins, numbers,
 * SHAs and URLs GitHub builds are safe (their character sets cannot break out of a shell word);
 * free text and git names (branches can hold `$(…)`, `` ` `` and `;`) are not.
 * Paths are normalised by `contextReferences` (lower case, `.*` for indexes).
 */

/** Last path segments that are free text wherever they appear under `github.event`. */
const FREE_TEXT_FIELDS = new Set(['title', 'body', 'message', 'display_title', 'page_name', 'description']);

/** Fields that are free text or git names written by whoever opened the PR, pushed the commit or named the fork. */
const ATTACKER_FIELDS: readonly RegExp[] = [
  /^github\.head_ref$/,
  // a pull request's source branch and label (`owner:branch`), in every event that carries the PR
  /(^|\.)head\.(ref|label)$/,
  /(^|\.)head\.repo\.(default_branch|homepage)$/,
  // workflow_run / check_suite / check_run: the triggering branch
  /(^|\.)head_branch$/,
  // commit authors and committers are whatever the commit says
  /(^|\.)(author|committer)\.(name|email)$/,
  // a review comment's file path comes from the pull request's tree
  /^github\.event\.comment\.path$/,
];

/** Objects that contain attacker text somewhere inside: `toJSON(github.event)` prints all of it. */
const ATTACKER_CONTAINERS: readonly RegExp[] = [
  /^github$/,
  /^github\.event$/,
  /^github\.event\.(issue|pull_request|comment|review|review_comment|discussion|head_commit|commits|commits\.\*|pages|pages\.\*|workflow_run|check_suite|check_run|merge_group)$/,
  /^github\.event\.(pull_request|workflow_run\.pull_requests\.\*|issue\.pull_request)\.head$/,
  /^github\.event\.(head_commit|workflow_run\.head_commit|commits\.\*)\.(author|committer)$/,
  /^github\.event\.workflow_run\.(head_commit|pull_requests|pull_requests\.\*)$/,
];

/**
 * Objects written by people with write access (the repository, releases, milestones, dispatch
 * inputs) or by the base side of a pull request: not an outsider's text.
 */
const MAINTAINER_OBJECTS = /^github\.event\.(inputs|client_payload|repository|organization|enterprise|installation|release|milestone|deployment|deployment_status|sender|label)\.|\.(base|repository)\./;

/** Whether a context path (as normalised by `contextReferences`) can hold text an outsider wrote. */
export function isAttackerControlledContext(path: string): boolean {
  if (path === 'github.head_ref') return true;
  if (!path.startsWith('github.event.') && path !== 'github.event' && path !== 'github') return false;
  if (MAINTAINER_OBJECTS.test(path)) return false;
  if (ATTACKER_CONTAINERS.some((pattern) => pattern.test(path))) return true;
  const last = path.slice(path.lastIndexOf('.') + 1);
  if (FREE_TEXT_FIELDS.has(last)) return true;
  return ATTACKER_FIELDS.some((pattern) => pattern.test(path));
}

/** Contexts that name the head of a pull request (or of the run that triggered this one): checking them out runs its code. */
export function isPullRequestHeadContext(path: string): boolean {
  return path === 'github.head_ref'
    || /^github\.event\.pull_request\.(head\.(sha|ref|repo\.full_name|repo\.clone_url|repo\.ssh_url)|merge_commit_sha)$/.test(path)
    || /^github\.event\.workflow_run\.(head_sha|head_branch|head_commit\.id|head_repository\.(full_name|clone_url))$/.test(path)
    || /^github\.event\.workflow_run\.pull_requests\.\*\.head\.(sha|ref)$/.test(path);
}
