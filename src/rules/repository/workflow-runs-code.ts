import { isScalar, type Node } from 'yaml';
import { stringValue } from '../../model/yaml.js';
import { field, usesAction, type Workflow, type WorkflowStep } from './workflow-model.js';

// where a command starts: a line, after `;`, `&&`, `|`, `(`, `then`, `do`, `sudo`, `env X=y`
const AT_COMMAND = String.raw`(?:^|[;&|(]|\bthen|\bdo|\bsudo|\btime)\s*(?:\w+=\S*\s+)*`;
const command = (words: string, rest = String.raw`(?=\s|$)`): RegExp => new RegExp(`${AT_COMMAND}(?:${words})${rest}`, 'm');

/**
 * Commands that run code from the checked-out tree: package scripts and install hooks, build files,
 * test runners, scripts of the repository. `echo`, `gh`, `git log` and friends do not.
 */
const RUNS_TREE_CODE: readonly RegExp[] = [
  command('npm|pnpm|yarn|bun', String.raw`\s+(?:install|i|ci|run|test|build|exec|x|start|pack|publish)\b`),
  command('npx|yarn|pnpm|bunx|tsc|eslint|jest|vitest|mocha|prettier|webpack|vite|rollup|lerna|nx|turbo'),
  command('make|cmake|ninja|bazel|bazelisk|meson|just|task|mage'),
  command('pip3?|uv|pipenv|poetry|pdm|hatch', String.raw`\s+(?:install|sync|run|build)\b`),
  command(String.raw`python[\d.]*|pytest|tox|nox`, String.raw`\s+(?!-c\b|--version\b|-V\b)\S`),
  command('go', String.raw`\s+(?:build|test|run|generate|install|vet)\b`),
  command('cargo', String.raw`\s+(?:build|test|run|check|clippy|install)\b`),
  command(String.raw`mvn|gradle|\.\/gradlew|\.\/mvnw|sbt|ant|lein`),
  command('bundle|rake|composer|mix|dotnet|swift', String.raw`\s+\w`),
  command('docker', String.raw`(?:\s+buildx)?\s+(?:build|compose)\b`),
  command('terraform', String.raw`\s+(?:init|plan|apply|validate)\b`),
  command('helm', String.raw`\s+(?:dependency|dep|template|lint|install|upgrade|package)\b`),
  command('kustomize', String.raw`\s+build\b`),
  command('skaffold|tilt|earthly|dagger|ko', String.raw`\s+(?:run|build|dev|deploy|up|ci|call|apply)\b`),
  command('pre-commit', String.raw`\s+run\b`),
  // scripts of the repository itself
  command(String.raw`\.{1,2}\/[\w./-]+`, ''),
  command('bash|sh|zsh|source|node|deno|ruby|perl|pwsh', String.raw`\s+[\w./-]+\.(?:sh|bash|js|mjs|cjs|ts|rb|pl|ps1|py)\b`),
];

/** Actions that build or run what the tree holds. */
const TREE_RUNNING_ACTIONS = [
  'docker/build-push-action', 'docker/bake-action', 'golangci/golangci-lint-action', 'pre-commit/action',
  'gradle/gradle-build-action', 'gradle/actions/setup-gradle', 'github/codeql-action/autobuild', 'borales/actions-yarn',
  'cypress-io/github-action', 'goreleaser/goreleaser-action', 'pulumi/actions', 'hashicorp/terraform-github-actions',
];

/** What in `step` runs code of the checked-out tree, as a short description, or undefined. */
export function stepRunsTreeCode(workflow: Workflow, step: WorkflowStep): string | undefined {
  if (step.uses?.parsed?.kind === 'local') return `the local action ${step.uses.value}`;
  const action = TREE_RUNNING_ACTIONS.find((name) => usesAction(step.uses, name));
  if (action) return `${action}`;
  if (usesAction(step.uses, 'ruby/setup-ruby') && stringValue(field(workflow.document, step.with, 'bundler-cache')) === 'true') {
    return 'ruby/setup-ruby with bundler-cache (bundle install)';
  }
  const script = scriptText(step.run);
  if (script === undefined) return undefined;
  const matched = RUNS_TREE_CODE.map((pattern) => pattern.exec(script)).find((match) => match !== null);
  return matched ? `\`${matched[0].trim()}\`` : undefined;
}

function scriptText(node: Node | undefined): string | undefined {
  if (!isScalar(node)) return undefined;
  const value = stringValue(node);
  return value?.split('\n').filter((line) => !/^\s*#/.test(line)).join('\n');
}
