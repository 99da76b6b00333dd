import { stringValue } from '../../model/yaml.js';
import { field, usesAction, type Workflow, type WorkflowStep } from './workflow-model.js';

/** A step that saves or restores a GitHub Actions cache entry, and the part of the key space it uses. */
export interface CacheUse {
  readonly step: WorkflowStep;
  /** `actions/cache key npm-…`, `actions/setup-node cache: npm` */
  readonly what: string;
  readonly saves: boolean;
  readonly restores: boolean;
  /** the action's own key family (setup-* actions), or undefined for `actions/cache` keys */
  readonly family?: string;
  /** `actions/cache`: the key and restore-keys stems, and the cached paths (part of the cache version) */
  readonly keys?: { readonly key: string; readonly restoreKeys: readonly string[]; readonly paths: string };
}

const isFalse = (value: string | undefined): boolean => value !== undefined && /^false$/i.test(value.trim());
const isTrue = (value: string | undefined): boolean => value !== undefined && /^true$/i.test(value.trim());

/** setup-* actions whose `cache:` input names what they cache; the key is built by the action itself. */
const SETUP_CACHE_INPUT = ['actions/setup-node', 'actions/setup-python', 'actions/setup-java', 'actions/setup-dotnet'];

/**
 * The stem of a cache key: the text before the first expression other than the runner's OS and
 * architecture (which are the same on both sides). `${{ runner.os }}-go-${{ hashFiles('go.sum') }}` → `{os}-go-`.
 */
export function keyStem(key: string, names: { readonly workflow: string; readonly job: string }): string {
  const normalised = key.trim()
    .replace(/\$\{\{\s*github\.workflow\s*\}\}/g, () => names.workflow)
    .replace(/\$\{\{\s*github\.job\s*\}\}/g, () => names.job).replace(/\$\{\{\s*runner\.(os|arch)\s*\}\}/g, '{$1}').replace(/\$\{\{\s*env\.RUNNER_(OS|ARCH)\s*\}\}/gi, (_, name: string) => `{${name.toLowerCase()}}`);
  const expression = normalised.indexOf('${{');
  return expression === -1 ? normalised : normalised.slice(0, expression);
}

function majorVersion(step: WorkflowStep): number | undefined {
  const parsed = step.uses?.parsed;
  const ref = parsed?.kind === 'remote' ? parsed.ref : undefined;
  const match = /^v(\d+)/.exec(ref ?? '');
  return match ? Number(match[1]) : undefined;
}

/** What the step does with the Actions cache, if anything. */
export function cacheUseOf(workflow: Workflow, jobId: string, step: WorkflowStep): CacheUse | undefined {
  // `github.workflow` is the workflow's name, else its path
  const names = { workflow: stringValue(field(workflow.document, workflow.document.root, 'name')) ?? workflow.file.path, job: jobId };
  const stem = (key: string): string => keyStem(key, names);
  const input = (name: string): string | undefined => stringValue(field(workflow.document, step.with, name));
  for (const [name, saves, restores] of [['actions/cache', true, true], ['actions/cache/save', true, false], ['actions/cache/restore', false, true]] as const) {
    if (!usesAction(step.uses, name)) continue;
    const key = input('key');
    if (key === undefined) return undefined;
    const lookupOnly = isTrue(input('lookup-only'));
    const restoreKeys = (input('restore-keys') ?? '').split('\n').map((line) => line.trim()).filter((line) => line !== '').map(stem);
    const paths = (input('path') ?? '').split('\n').map((line) => line.trim()).filter((line) => line !== '').sort().join('\n');
    return { step, what: `${name} key ${key.trim()}`, saves: saves && !lookupOnly, restores: restores && !lookupOnly, keys: { key: stem(key), restoreKeys, paths } };
  }
  const setup = SETUP_CACHE_INPUT.find((name) => usesAction(step.uses, name));
  if (setup) {
    const value = input('cache');
    if (value === undefined || value.trim() === '' || isFalse(value)) return undefined;
    return { step, what: `${setup} cache: ${value.trim()}`, saves: true, restores: true, family: `${setup} ${value.trim().toLowerCase()}` };
  }
  if (usesAction(step.uses, 'actions/setup-go')) {
    const value = input('cache');
    // caching is on by default from v4; earlier versions need `cache: true`
    const on = value === undefined ? (majorVersion(step) ?? 4) >= 4 : !isFalse(value);
    return on ? { step, what: 'actions/setup-go (module and build cache)', saves: true, restores: true, family: 'actions/setup-go' } : undefined;
  }
  if (usesAction(step.uses, 'astral-sh/setup-uv')) {
    // `enable-cache` defaults to `auto`: on, on GitHub-hosted runners
    if (isFalse(input('enable-cache'))) return undefined;
    return { step, what: 'astral-sh/setup-uv (uv cache)', saves: !isFalse(input('save-cache')), restores: true, family: 'astral-sh/setup-uv' };
  }
  if (usesAction(step.uses, 'ruby/setup-ruby')) {
    return isTrue(input('bundler-cache')) ? { step, what: 'ruby/setup-ruby bundler-cache', saves: true, restores: true, family: 'ruby/setup-ruby' } : undefined;
  }
  if (usesAction(step.uses, 'Swatinem/rust-cache')) {
    const saveIf = input('save-if');
    return { step, what: 'Swatinem/rust-cache', saves: !isFalse(saveIf), restores: true, family: `Swatinem/rust-cache ${input('prefix-key') ?? ''} ${input('shared-key') ?? ''}` };
  }
  if (usesAction(step.uses, 'gradle/actions/setup-gradle') || usesAction(step.uses, 'gradle/gradle-build-action')) {
    if (isTrue(input('cache-disabled'))) return undefined;
    return { step, what: 'Gradle cache', saves: !isTrue(input('cache-read-only')), restores: true, family: 'gradle' };
  }
  if (usesAction(step.uses, 'docker/build-push-action') || usesAction(step.uses, 'docker/bake-action')) {
    const scope = (text: string | undefined): string | undefined => {
      if (text === undefined || !/\btype=gha\b/.test(text)) return undefined;
      return /\bscope=([^,\s]+)/.exec(text)?.[1] ?? 'buildkit';
    };
    const to = scope(input('cache-to'));
    const from = scope(input('cache-from'));
    if (to === undefined && from === undefined) return undefined;
    return { step, what: `${step.uses?.value.split('@')[0] ?? 'docker'} type=gha cache`, saves: to !== undefined, restores: from !== undefined, family: `docker gha ${to ?? from}` };
  }
  return undefined;
}

/** Whether a restore by `reader` can return an entry `writer` saved: same action family, or overlapping key stems and the same paths. */
export function sharesKeySpace(writer: CacheUse, reader: CacheUse): boolean {
  if (writer.family !== undefined || reader.family !== undefined) return writer.family === reader.family;
  if (!writer.keys || !reader.keys || writer.keys.paths !== reader.keys.paths) return false;
  const written = writer.keys.key;
  // a key that is all expression (`${{ inputs.key }}`) says nothing about where it lands
  if (written.replace(/\{(os|arch)\}/g, '').replace(/[-_\s]/g, '') === '') return false;
  if (written === reader.keys.key || written.startsWith(reader.keys.key) || reader.keys.key.startsWith(written)) return true;
  return reader.keys.restoreKeys.some((prefix) => prefix !== '' && written.startsWith(prefix));
}

