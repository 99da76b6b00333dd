import type { Node } from 'yaml';
import { apiGroup, describeObject, type KubeObject } from '../../model/kubernetes.js';
import { ResolvedYaml } from '../../model/yaml-resolved.js';
import { defineRule, type RuleContext } from '../rule.js';
import { isArgo } from './argocd-settings.js';
import { objectsWithRendered } from './chart-objects.js';
import { objectSpan } from './spans.js';
import { CHART_VALUES_HOLDERS } from '../object-kinds.js';
import { linearGlob } from '../../linear-regexp.js';

const PREFIX = 'argocd-image-updater.argoproj.io/';
/** Strategies that take whatever the registry serves next, with no version ordering to bound them. */
const UNBOUNDED: Readonly<Record<string, string>> = {
  latest: 'the most recently built tag',
  'newest-build': 'the most recently built tag',
  digest: 'whatever digest the tag points to now',
  name: 'the alphabetically last tag',
  alphabetical: 'the alphabetically last tag',
};

export default defineRule({
  id: 'argocd-image-updater-unreviewed',
  layer: 'operators',
  severity: 'high',
  objectKinds: ['ImageUpdater', 'Application', 'ApplicationSet', ...CHART_VALUES_HOLDERS],
  summary: 'Argo CD Image Updater settings (Application annotations, or the v1 `ImageUpdater` resource) that deploy any new image (`latest`/`newest-build`/`name`/`digest` strategy without `allow-tags`), or that write back to git straight onto the branch the Application deploys from.',
  rationale:
    'Image Updater changes what runs whenever the registry changes. With a strategy that takes the newest build, the ' +
    'last name, or the current digest of a tag, and no `allow-tags` filter, whoever can push an image tag decides what ' +
    'production runs. With `write-back-method: git` and no separate `git-branch`, the updater commits straight to the ' +
    'deploy branch: no pull request, no review. Image Updater v1 moves the same settings into `ImageUpdater` resources ' +
    '(`commonUpdateSettings.updateStrategy`/`allowTags` at the spec, each `applicationRefs[]` entry or each image, the ' +
    'nearest winning; `writeBackConfig.method: git` with `gitConfig.branch`); they are judged the same way, the deploy ' +
    'branch taken from the Applications of this tree that `namePattern` matches.',
  remediation:
    'Use the `semver` strategy with a bounded constraint (`alias=repo:~1.4`) or add `<alias>.allow-tags: regexp:^main-[0-9a-f]{7}$`; ' +
    'for git write-back, set `argocd-image-updater.argoproj.io/git-branch: main:image-updater-{{.SHA256}}` (in an ' +
    '`ImageUpdater`: `allowTags`, `gitConfig.branch: main:image-updater-{{.SHA256}}`) and merge ' +
    'the updater\'s branch through a pull request.',
  references: [
    'https://argocd-image-updater.readthedocs.io/en/stable/basics/update-strategies/',
    'https://argocd-image-updater.readthedocs.io/en/stable/basics/update-methods/',
    'https://argocd-image-updater.readthedocs.io/en/stable/configuration/applications/',
  ],
  messages: {
    strategy: '{app} image {alias} uses update strategy {strategy} without allow-tags: it deploys {what}, whoever pushed it.',
    writeBack: '{app} writes image updates to git on {branch}, the branch it deploys from: no pull request, no review.',
  },
  examples: {
    bad: [{ file: 'app.yaml', code: 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\n  annotations:\n    argocd-image-updater.argoproj.io/image-list: web=ghcr.io/acme/web\n    argocd-image-updater.argoproj.io/web.update-strategy: newest-build # expect: argocd-image-updater-unreviewed\nspec:\n  project: web\n  source: {repoURL: https://github.com/acme/deploy, path: web, targetRevision: main}\n  destination: {server: https://kubernetes.default.svc, namespace: web}\n' }],
    good: [{ file: 'app.yaml', code: 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\n  annotations:\n    argocd-image-updater.argoproj.io/image-list: web=ghcr.io/acme/web:~1.4\n    argocd-image-updater.argoproj.io/web.update-strategy: semver\nspec:\n  project: web\n  source: {repoURL: https://github.com/acme/deploy, path: web, targetRevision: main}\n  destination: {server: https://kubernetes.default.svc, namespace: web}\n' }],
  },
  check(context) {
    const objects = objectsWithRendered(context.workspace);
    for (const object of objects) {
      if (object.kind === 'ImageUpdater' && apiGroup(object) === 'argocd-image-updater.argoproj.io') {
        checkImageUpdater(context, object, objects);
        continue;
      }
      const isApp = isArgo(object, 'Application');
      if (!isApp && !isArgo(object, 'ApplicationSet')) continue;
      const view = new ResolvedYaml(object.source.document);
      const spec = view.get(object.node, 'spec');
      const annotations = annotationsOf(object, view, isApp);
      if (annotations === undefined) continue;
      const entries = new Map(view.entries(annotations).filter(({ key }) => key.startsWith(PREFIX)).map(({ key, value }) => [key.slice(PREFIX.length), value]));
      const imageList = view.string(entries.get('image-list'));
      if (imageList === undefined) continue;
      const app = describeObject(object);
      for (const image of imageList.split(',').map((item) => item.trim()).filter(Boolean)) {
        const alias = image.includes('=') ? image.slice(0, image.indexOf('=')) : undefined;
        const key = (setting: string) => entries.get(alias !== undefined ? `${alias}.${setting}` : setting) ?? entries.get(setting);
        const strategyNode = key('update-strategy');
        const strategy = view.string(strategyNode);
        if (strategy === undefined || UNBOUNDED[strategy] === undefined) continue;
        if (!admitsAnyTag(view.string(key('allow-tags')))) continue;
        context.report({ messageId: 'strategy', at: objectSpan(object, strategyNode), data: { app, alias: alias ?? image, strategy, what: UNBOUNDED[strategy] }, subject: `${app} ${alias ?? image}` });
      }
      const methodNode = entries.get('write-back-method');
      const method = view.string(methodNode);
      if (method === undefined || !/^git(:|$)/.test(method.trim())) continue;
      const branch = writeBackBranch(view.string(entries.get('git-branch')), deployRevision(view, spec, isApp));
      if (branch === undefined) continue;
      context.report({ messageId: 'writeBack', at: objectSpan(object, entries.get('git-branch') ?? methodNode), data: { app, branch }, subject: `${app} write-back` });
    }
  },
});

/** `allow-tags` that lets every tag through, or none at all. */
function admitsAnyTag(allowTags: string | undefined): boolean {
  return allowTags === undefined || /^(regexp:)?(\.\*|\^\.\*\$?|any)$/.test(allowTags.trim());
}

/**
 * The branch a git write-back commits to when that is the deploy branch, else undefined. The branch
 * setting is `base` (commit to it) or `base:target` (commit to a new target branch, for a pull request).
 */
function writeBackBranch(gitBranch: string | undefined, deployBranch: string | undefined): string | undefined {
  const [base = '', target = ''] = (gitBranch ?? '').split(':').map((part) => part.trim());
  const pushesTo = target !== '' ? target : base !== '' ? base : deployBranch;
  if (target !== '' && target !== base && target !== deployBranch) return undefined;
  if (target === '' && base !== '' && deployBranch !== undefined && base !== deployBranch) return undefined;
  return pushesTo ?? 'the branch of its target revision';
}

/**
 * The `ImageUpdater` resource of Image Updater v1: settings at the spec, each `applicationRefs[]` and
 * each image, the nearest winning; `updateStrategy` defaults to semver and `writeBackConfig.method` to argocd.
 */
function checkImageUpdater(context: RuleContext<'strategy' | 'writeBack'>, object: KubeObject, objects: readonly KubeObject[]): void {
  const view = new ResolvedYaml(object.source.document);
  const spec = view.get(object.node, 'spec');
  const updater = describeObject(object);
  const nearest = (levels: ReadonlyArray<Node | undefined>, ...keys: string[]): Node | undefined => {
    for (const level of levels) {
      const found = view.path(level, ...keys);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  for (const ref of view.items(view.get(spec, 'applicationRefs'))) {
    const pattern = view.string(ref, 'namePattern') ?? '*';
    const apps = objects.filter((candidate) => isArgo(candidate, 'Application') && candidate.name !== undefined && globMatches(pattern, candidate.name));
    const label = apps.length === 1 ? describeObject(apps[0]!) : `${updater} applications ${pattern}`;
    for (const image of view.items(view.get(ref, 'images'))) {
      const levels = [image, ref, spec];
      const strategyNode = nearest(levels, 'commonUpdateSettings', 'updateStrategy');
      const strategy = view.string(strategyNode);
      if (strategy === undefined || UNBOUNDED[strategy] === undefined) continue;
      if (!admitsAnyTag(view.string(nearest(levels, 'commonUpdateSettings', 'allowTags')))) continue;
      const alias = view.string(image, 'alias') ?? view.string(image, 'imageName') ?? '(unnamed)';
      context.report({ messageId: 'strategy', at: objectSpan(object, strategyNode), data: { app: label, alias, strategy, what: UNBOUNDED[strategy] }, subject: `${updater} ${pattern} ${alias}` });
    }
    const methodNode = nearest([ref, spec], 'writeBackConfig', 'method');
    const method = view.string(methodNode);
    if (method === undefined || !/^git(:|$)/.test(method.trim())) continue;
    const branchNode = nearest([ref, spec], 'writeBackConfig', 'gitConfig', 'branch');
    const revisions = apps.map((app) => deployRevision(new ResolvedYaml(app.source.document), new ResolvedYaml(app.source.document).get(app.node, 'spec'), true));
    const deployBranch = revisions.find((revision) => revision !== undefined);
    const branch = writeBackBranch(view.string(branchNode), deployBranch);
    if (branch === undefined) continue;
    context.report({ messageId: 'writeBack', at: objectSpan(object, branchNode ?? methodNode), data: { app: label, branch }, subject: `${updater} ${pattern} write-back` });
  }
}

/** Image Updater's `namePattern`: a glob over Application names (`*`, `?`). */
function globMatches(pattern: string, name: string): boolean {
  const body = pattern.split('').map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return linearGlob(`^${body}$`).test(name);
}

function annotationsOf(object: KubeObject, view: ResolvedYaml, isApp: boolean): Node | undefined {
  if (object.renderedFrom !== undefined) return view.get(view.get(object.node, 'spec'), 'annotations');
  return isApp ? view.path(object.node, 'metadata', 'annotations') : view.path(object.node, 'spec', 'template', 'metadata', 'annotations');
}

function deployRevision(view: ResolvedYaml, spec: Node | undefined, isApp: boolean): string | undefined {
  const appSpec = isApp ? spec : view.path(spec, 'template', 'spec');
  const revision = view.string(appSpec, 'source', 'targetRevision') ?? view.string(view.items(view.get(appSpec, 'sources'))[0], 'targetRevision');
  return revision === undefined || revision === 'HEAD' ? undefined : revision;
}
