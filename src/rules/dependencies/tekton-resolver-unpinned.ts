import { classifyGitRef, describeGitRef, isTemplatedValue } from '../../model/git-ref.js';
import { tektonRemoteRefs, type TektonRemoteRef } from '../../model/extract/tekton-refs.js';
import { innerSpanOf, stringValue } from '../../model/yaml.js';
import type { Span } from '../../model/span.js';
import { defineRule, type RuleContext } from '../rule.js';
import { isOwnRepository } from './support.js';

type MessageId = 'git' | 'own' | 'tag' | 'hub' | 'http';

export default defineRule({
  id: 'tekton-resolver-unpinned',
  layer: 'dependencies',
  severity: 'medium',
  summary: 'A Tekton `taskRef`/`pipelineRef` resolves its Task or Pipeline from git on a branch (or with no revision), from Tekton Hub with no version, or from a plain URL.',
  rationale:
    'Remote resolution fetches the Task or Pipeline when the run starts: the steps, images and scripts it holds run ' +
    'with the pipeline\'s service account and its Secrets. A git resolver on a branch (or with no `revision`: the ' +
    'default branch), a Hub task with no `version` (the newest) or an `http` resolver URL lets a push or a release ' +
    'elsewhere change what runs, with no commit here. Git tags can be moved and are reported at low severity. ' +
    '`bundles` resolver references are images and are checked by `image-not-pinned`.',
  remediation:
    'Give the git resolver a full commit SHA as `revision`, the hub resolver an exact `version`, and prefer bundles ' +
    'pinned by digest (`registry/task:tag@sha256:…`) over `http` URLs, or vendor the Task into this repository.',
  references: [
    'https://tekton.dev/docs/pipelines/git-resolver/',
    'https://tekton.dev/docs/pipelines/hub-resolver/',
    'https://tekton.dev/docs/pipelines/bundle-resolver/',
    'https://github.com/ossf/scorecard/blob/main/docs/checks.md#pinned-dependencies',
  ],
  messages: {
    git: '{ref} fetches from {url} at {revision}: a push there changes what the pipeline runs. Pin revision to a full commit SHA.',
    own: '{ref} fetches from {url} at {revision}, this repository itself: normal, low severity; protect that branch.',
    tag: '{ref} fetches from {url} at {revision}: a git tag can be moved (low severity); pin a full commit SHA.',
    hub: '{ref} takes {name} from Tekton Hub with no version: the newest release runs.',
    http: '{ref} fetches its definition from {url}: whatever that URL serves runs, unverified.',
  },
  examples: {
    bad: [{ file: 'run.yaml', code: 'apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata: {name: build}\nspec:\n  pipelineRef:\n    resolver: git\n    params:\n      - {name: url, value: https://github.com/acme/pipelines.git}\n      - {name: revision, value: main} # expect: tekton-resolver-unpinned\n      - {name: pathInRepo, value: build.yaml}\n' }],
    good: [{ file: 'run.yaml', code: 'apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata: {name: build}\nspec:\n  pipelineRef:\n    resolver: git\n    params:\n      - {name: url, value: https://github.com/acme/pipelines.git}\n      - {name: revision, value: 0123456789abcdef0123456789abcdef01234567}\n      - {name: pathInRepo, value: build.yaml}\n' }],
  },
  check(context) {
    for (const object of context.workspace.kubeObjects()) {
      for (const ref of tektonRemoteRefs(object)) check(context, ref);
    }
  },
});

function check(context: RuleContext<MessageId>, ref: TektonRemoteRef): void {
  const file = ref.object.source.file;
  const param = (name: string): { value: string; span: Span } | undefined => {
    const node = ref.params.get(name);
    const value = stringValue(node);
    const span = node ? innerSpanOf(file, node) : undefined;
    return value !== undefined && span ? { value, span } : undefined;
  };
  const values = [...ref.params.values()].map((node) => stringValue(node) ?? '');
  if (values.some(isTemplatedValue)) return;
  if (ref.resolver === 'git') {
    const url = param('url') ?? param('repo');
    const revision = param('revision');
    const kind = classifyGitRef(revision?.value);
    if (!url || kind === 'commit') return;
    const data = { ref: ref.context, url: url.value, revision: describeGitRef(kind, revision?.value) };
    const report = { at: revision?.span ?? url.span, data, subject: `${ref.context}\0${url.value}`, properties: { url: url.value, revision: revision?.value ?? '' } };
    if (kind === 'tag') context.report({ ...report, messageId: 'tag', severity: 'low' });
    else if (isOwnRepository(context.settings, url.value)) context.report({ ...report, messageId: 'own', severity: 'low' });
    else context.report({ ...report, messageId: 'git' });
  } else if (ref.resolver === 'hub') {
    const name = param('name');
    if (param('version') || !name) return;
    context.report({ messageId: 'hub', at: name.span, data: { ref: ref.context, name: name.value }, subject: `${ref.context}\0${name.value}` });
  } else if (ref.resolver === 'http') {
    const url = param('url');
    if (url) context.report({ messageId: 'http', at: url.span, data: { ref: ref.context, url: url.value }, subject: `${ref.context}\0${url.value}` });
  }
}
