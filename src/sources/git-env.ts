import path from 'node:path';

/**
 * Variables with which the environment, not the command line, chooses the repository git reads:
 * its directory, work tree, index, object store, config and where discovery stops. Git sets some
 * of them in hooks, and a CI step or a caller can leave them behind; Rampart scans the repository
 * at the path it was given, so its own git calls never inherit them.
 * (`git rev-parse --local-env-vars` lists most; discovery and namespace ones are added.)
 */
const REPOSITORY_SELECTING = new Set([
  'GIT_DIR', 'GIT_WORK_TREE', 'GIT_IMPLICIT_WORK_TREE', 'GIT_PREFIX', 'GIT_COMMON_DIR', 'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_QUARANTINE_PATH',
  'GIT_GRAFT_FILE', 'GIT_SHALLOW_FILE', 'GIT_REPLACE_REF_BASE', 'GIT_NO_REPLACE_OBJECTS', 'GIT_NAMESPACE',
  'GIT_CEILING_DIRECTORIES', 'GIT_DISCOVERY_ACROSS_FILESYSTEM',
]);
/** Configuration given through the environment (`git -c` in a hook, GIT_CONFIG_COUNT pairs). */
const ENVIRONMENT_CONFIG = new Set(['GIT_CONFIG', 'GIT_CONFIG_PARAMETERS', 'GIT_CONFIG_COUNT']);
const CONFIG_PAIR = /^GIT_CONFIG_(?:KEY|VALUE)_\d+$/;
const isEnvironmentConfig = (key: string): boolean => ENVIRONMENT_CONFIG.has(key) || CONFIG_PAIR.test(key);

/** Settings every Rampart git call has: no prompts, stable messages, no fetching of missing objects. */
const RAMPART_GIT = {
  GIT_TERMINAL_PROMPT: '0',
  LC_ALL: 'C',
  // a partial clone would otherwise fetch each missing blob from its remote, one request at a time
  GIT_NO_LAZY_FETCH: '1',
};

/** `process.env` (or `base`) without the variables that select a repository, plus `extra`. */
export function gitEnvironment(extra: Readonly<Record<string, string>> = {}, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...without(base, (key) => REPOSITORY_SELECTING.has(key) || isEnvironmentConfig(key)), ...RAMPART_GIT, ...extra };
}

/**
 * For git calls that talk to a remote and read no local repository (`git ls-remote URL`): the
 * repository selectors still go, but configuration the caller put in the environment stays —
 * CI systems hand over `url.*.insteadOf`, credential helpers and `http.extraHeader` that way.
 */
export function remoteGitEnvironment(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...without(base, (key) => REPOSITORY_SELECTING.has(key)), ...RAMPART_GIT };
}

function without(base: NodeJS.ProcessEnv, drop: (key: string) => boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) {
    if (!drop(key)) env[key] = value;
  }
  return env;
}

/**
 * The index a commit in progress is made from, when git named one (a pre-commit hook of `git
 * commit -a` or `git commit PATH` gets a temporary index in GIT_INDEX_FILE) and it belongs to the
 * repository being scanned; an index file anywhere else is ignored like every other selector.
 */
export function commitIndex(gitDirectory: string, base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const index = base['GIT_INDEX_FILE'];
  if (!index || gitDirectory === '') return {};
  const absolute = path.resolve(index);
  return path.dirname(absolute) === path.resolve(gitDirectory) ? { GIT_INDEX_FILE: absolute } : {};
}
