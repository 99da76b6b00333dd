import type { Node } from 'yaml';
import { describeObject, type KubeObject } from '../../model/kubernetes.js';
import { ResolvedYaml } from '../../model/yaml-resolved.js';
import { defineRule } from '../rule.js';
import { isArgo } from './argocd-settings.js';
import { objectsWithRendered } from './chart-objects.js';
import { objectSpan } from './spans.js';

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
  summary: 'Argo CD Image Updater annotations that deploy any new image (`latest`/`newest-build`/`name`/`digest` strategy without `allow-tags`), or that write back to git straight onto the branch the Application deploys from.',
  rationale:
    'Image Updater changes what runs whenever the registry changes. With a strategy that takes the newest build, the ' +
    'last name, or the current digest of a tag, and no `allow-tags` filter, whoever can push an image tag decides what ' +
    'production runs. With `write-back-method: git` and no separate `git-branch`, the updater commits straight to the ' +
    'deploy branch: no pull request, no review.',
  remediation:
    'Use the `semver` strategy with a bounded constraint (`alias=repo:~1.4`) or add `<alias>.allow-tags: regexp:^main-[0-9a-f]{7}$`; ' +
    'for git write-back, set `argocd-image-updater.argoproj.io/git-branch: main:image-updater-{{.SHA256}}` and merge ' +
    'the updater\'s branch through a pull request.',
  references: [
    'https://argocd-image-updater.readthedocs.io/en/stable/basics/update-strategies/',
    'https://argocd-image-updater.readthedocs.io/en/stable/basics/update-methods/',
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
    for (const object of objectsWithRendered(context.workspace)) {
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
        const allowTags = view.string(key('allow-tags'));
        if (allowTags !== undefined && !/^(regexp:)?(\.\*|\^\.\*\$?|any)$/.test(allowTags.trim())) continue;
        context.report({ messageId: 'strategy', at: objectSpan(object, strategyNode), data: { app, alias: alias ?? image, strategy, what: UNBOUNDED[strategy] }, subject: `${app} ${alias ?? image}` });
      }
      const methodNode = entries.get('write-back-method');
      const method = view.string(methodNode);
      if (method === undefined || !/^git(:|$)/.test(method.trim())) continue;
      const gitBranch = view.string(entries.get('git-branch'));
      const deployBranch = deployRevision(view, spec, isApp);
      // git-branch is `base` (commit to it) or `base:target` (commit to a new target branch, for a pull request)
      const [base = '', target = ''] = (gitBranch ?? '').split(':').map((part) => part.trim());
      const pushesTo = target !== '' ? target : base !== '' ? base : deployBranch;
      if (target !== '' && target !== base && target !== deployBranch) continue;
      if (target === '' && base !== '' && deployBranch !== undefined && base !== deployBranch) continue;
      const branch = pushesTo ?? 'the branch of its target revision';
      context.report({ messageId: 'writeBack', at: objectSpan(object, entries.get('git-branch') ?? methodNode), data: { app, branch }, subject: `${app} write-back` });
    }
  },
});

function annotationsOf(object: KubeObject, view: ResolvedYaml, isApp: boolean): Node | undefined {
  if (object.renderedFrom !== undefined) return view.get(view.get(object.node, 'spec'), 'annotations');
  return isApp ? view.path(object.node, 'metadata', 'annotations') : view.path(object.node, 'spec', 'template', 'metadata', 'annotations');
}

function deployRevision(view: ResolvedYaml, spec: Node | undefined, isApp: boolean): string | undefined {
  const appSpec = isApp ? spec : view.path(spec, 'template', 'spec');
  const revision = view.string(appSpec, 'source', 'targetRevision') ?? view.string(view.items(view.get(appSpec, 'sources'))[0], 'targetRevision');
  return revision === undefined || revision === 'HEAD' ? undefined : revision;
}
