import { isMap, isScalar } from 'yaml';
import { isGitlabCiFile } from '../../model/extract/yaml-tool-images.js';
import { classifyGitRef, describeGitRef, isTemplatedValue } from '../../model/git-ref.js';
import { getNode, seqItems, type Node, type YamlDocument } from '../../model/yaml.js';
import { defineRule, type RuleContext } from '../rule.js';
import { deref, scalarText } from './support.js';

/** The entries of `include:`: one string, one map, or a list of either. */
function includeEntries(document: YamlDocument): Node[] {
  const include = deref(document, getNode(document.root, 'include'));
  if (include === undefined) return [];
  const items = isMap(include) || isScalar(include) ? [include] : seqItems(include);
  return items.flatMap((item) => {
    const entry = deref(document, item);
    return entry === undefined ? [] : [entry];
  });
}

export default defineRule({
  id: 'gitlab-include-unpinned',
  layer: 'dependencies',
  severity: 'high',
  objectKinds: [],
  summary: 'A GitLab CI `include:` pulls pipeline configuration from another project, a URL or a CI/CD component without pinning it.',
  rationale:
    'Included configuration becomes part of this pipeline: its jobs run with the project\'s CI/CD variables, ' +
    'deploy keys and runner access. `include: project` without `ref` follows the other project\'s default branch, ' +
    'and a branch ref follows whoever can push there; `include: remote` fetches a URL on every pipeline, so whoever ' +
    'controls that server decides what runs, unless `integrity:` pins its SHA-256; a CI/CD component at `~latest` or a ' +
    'branch moves the same way. Tags are better but can be deleted and re-created on other content, so they are ' +
    'reported at medium severity. Only a full commit SHA (or a remote with `integrity`) names fixed content. ' +
    '`local` and GitLab\'s own `template` includes come with this repository or the GitLab release and are not reported.',
  remediation:
    'Pin `ref:` (or the component\'s `@version`) to a full commit SHA and keep the version in a comment; give remote ' +
    'includes `integrity: sha256-…` (GitLab 17.9+), or copy the file into this repository and `include: local`.',
  references: [
    'https://docs.gitlab.com/ci/yaml/#include',
    'https://docs.gitlab.com/ci/yaml/includes/#use-includeintegrity',
    'https://docs.gitlab.com/ci/components/#component-versions',
  ],
  messages: {
    unpinned: 'include {what} {target} follows {ref}: whoever can push there changes the jobs this pipeline runs with its variables and secrets. Pin it to a full commit SHA.',
    tag: 'include {what} {target} is pinned to {ref}, not to a commit: a tag can be moved or re-created (medium severity).',
    remote: 'include remote {target} is fetched on every pipeline with nothing pinning its content: whoever controls that URL decides what runs. Add `integrity: sha256-…` or include a copy from this repository.',
  },
  examples: {
    bad: [{ file: '.gitlab-ci.yml', code: 'include:\n  - project: acme/ci-templates # expect: gitlab-include-unpinned\n    file: /build.yml\n  - remote: https://example.com/ci/deploy.yml # expect: gitlab-include-unpinned\n  - component: gitlab.com/acme/components/scan@~latest # expect: gitlab-include-unpinned\n' }],
    good: [{ file: '.gitlab-ci.yml', code: 'include:\n  - local: /ci/build.yml\n  - template: Jobs/SAST.gitlab-ci.yml\n  - project: acme/ci-templates\n    ref: 0123456789abcdef0123456789abcdef01234567 # v2.1.0\n    file: /build.yml\n' }],
  },
  check(context) {
    for (const document of context.workspace.yamlDocuments()) {
      if (!isGitlabCiFile(document.file.path)) continue;
      for (const entry of includeEntries(document)) checkInclude(context, document, entry);
    }
  },
});

function checkInclude(context: RuleContext, document: YamlDocument, entry: Node): void {
  const file = document.file;
  // a bare string is a local path or, when it is a URL, a remote
  const remote = isScalar(entry) ? scalarText(file, entry) : scalarText(file, deref(document, getNode(entry, 'remote')));
  if (remote && /^https?:\/\//i.test(remote.value)) {
    if (isMap(entry) && getNode(entry, 'integrity') !== undefined) return;
    if (isTemplatedValue(remote.value)) return;
    context.report({ messageId: 'remote', at: remote.span, data: { target: remote.value }, subject: remote.value });
    return;
  }
  if (!isMap(entry)) return;
  const project = scalarText(file, deref(document, getNode(entry, 'project')));
  if (project) {
    const ref = scalarText(file, deref(document, getNode(entry, 'ref')));
    judge(context, 'project', project.value, ref?.value, ref?.span ?? project.span);
    return;
  }
  const component = scalarText(file, deref(document, getNode(entry, 'component')));
  if (component) {
    const at = component.value.lastIndexOf('@');
    const version = at === -1 ? undefined : component.value.slice(at + 1);
    const span = at === -1 ? component.span : { ...component.span, start: component.span.start + at + 1 };
    judge(context, 'component', at === -1 ? component.value : component.value.slice(0, at), version, span);
  }
}

function judge(context: RuleContext, what: string, target: string, ref: string | undefined, at: { path: string; start: number; end: number }): void {
  if (isTemplatedValue(target) || (ref !== undefined && isTemplatedValue(ref))) return;
  // components name their newest release `~latest`
  const kind = ref === '~latest' ? 'branch' : classifyGitRef(ref);
  if (kind === 'commit') return;
  const described = ref === '~latest' ? '`~latest` (the newest release)' : describeGitRef(kind, ref);
  const data = { what, target, ref: described };
  const subject = `${what}:${target}@${ref ?? ''}`;
  const properties = { target, ...(ref !== undefined ? { ref } : {}) };
  if (kind === 'tag' || kind === 'short-commit') context.report({ messageId: 'tag', at, data, subject, severity: 'medium', properties });
  else context.report({ messageId: 'unpinned', at, data, subject, properties });
}
