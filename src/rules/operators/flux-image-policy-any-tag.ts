import { withEmbeddedObjects } from '../../model/embedded-objects.js';
import { apiGroup, describeObject } from '../../model/kubernetes.js';
import { ResolvedYaml } from '../../model/yaml-resolved.js';
import { defineRule } from '../rule.js';
import { objectSpan } from './spans.js';
import { goRegExp } from '../../go-regexp.js';

/** Tags no deliberate filter accepts together: if a pattern matches all of them it filters nothing. */
const UNRELATED_TAGS = ['latest', 'dev', 'zz-attacker-push', '0.0.1-rc.1', 'sha-1a2b3c4'];

export default defineRule({
  id: 'flux-image-policy-any-tag',
  layer: 'operators',
  severity: 'medium',
  objectKinds: ['ImagePolicy'],
  summary: 'A Flux `ImagePolicy` accepts any tag: semver range `*` or without an upper bound, or an alphabetical/numerical policy with no `filterTags` or a match-all pattern.',
  rationale:
    'Image automation deploys whatever tag the policy selects. A policy that selects any tag (`*`, `>=1.0.0`, or ' +
    '"the alphabetically last tag" with no filter) hands production to whoever can push a tag to the registry: a new ' +
    'major version, a debug build, or an attacker\'s `zzz` tag all go live with no one choosing them.',
  remediation:
    'Bound the range to what you have reviewed (`>=1.4.0 <2.0.0`, `~1.4`, `^1.4.0`), and give alphabetical/numerical ' +
    'policies an anchored `filterTags.pattern` that matches only your build tags (e.g. `^main-[a-f0-9]+-(?P<ts>[0-9]+)$` with `extract: $ts`).',
  references: [
    'https://fluxcd.io/flux/components/image/imagepolicies/#policy',
    'https://fluxcd.io/flux/components/image/imagepolicies/#filter-tags',
  ],
  messages: {
    semver: '{policy} accepts {what} (semver range {range}): any new tag pushed to the registry is deployed.',
    ordered: '{policy} picks the {order} tag {filter}: any tag pushed to the registry can win.',
  },
  examples: {
    bad: [{ file: 'policy.yaml', code: 'apiVersion: image.toolkit.fluxcd.io/v1beta2\nkind: ImagePolicy\nmetadata: {name: web, namespace: flux-system}\nspec:\n  imageRepositoryRef: {name: web}\n  policy:\n    semver:\n      range: ">=1.0.0" # expect: flux-image-policy-any-tag\n' }],
    good: [{ file: 'policy.yaml', code: 'apiVersion: image.toolkit.fluxcd.io/v1beta2\nkind: ImagePolicy\nmetadata: {name: web, namespace: flux-system}\nspec:\n  imageRepositoryRef: {name: web}\n  policy:\n    semver:\n      range: ">=1.4.0 <2.0.0"\n' }],
  },
  check(context) {
    for (const object of withEmbeddedObjects(context.workspace.kubeObjects())) {
      if (object.kind !== 'ImagePolicy' || apiGroup(object) !== 'image.toolkit.fluxcd.io') continue;
      const view = new ResolvedYaml(object.source.document);
      const spec = view.get(object.node, 'spec');
      const policyNode = view.get(spec, 'policy');
      const policy = describeObject(object);
      const semver = view.get(policyNode, 'semver');
      if (semver !== undefined) {
        const rangeNode = view.get(semver, 'range');
        const range = view.string(rangeNode);
        if (range === undefined || /\{\{|\$\{/.test(range)) continue;
        const what = unboundedRange(range);
        if (what !== undefined) context.report({ messageId: 'semver', at: objectSpan(object, rangeNode), data: { policy, what, range: JSON.stringify(range) }, subject: policy });
        continue;
      }
      for (const order of ['alphabetical', 'numerical'] as const) {
        const ordered = view.get(policyNode, order);
        if (ordered === undefined) continue;
        const direction = view.string(ordered, 'order') ?? (order === 'alphabetical' ? 'asc' : 'asc');
        const filterTags = view.get(spec, 'filterTags');
        const patternNode = view.get(filterTags, 'pattern');
        const pattern = view.string(patternNode);
        if (pattern !== undefined && (/\{\{|\$\{/.test(pattern) || !matchesAnything(pattern))) continue;
        const filter = pattern === undefined ? 'with no filterTags' : `with a filter that matches every tag (${JSON.stringify(pattern)})`;
        const label = `${direction === 'desc' ? 'first' : 'last'} ${order === 'alphabetical' ? 'alphabetical' : 'numerical'}`;
        context.report({ messageId: 'ordered', at: objectSpan(object, patternNode ?? ordered), data: { policy, order: label, filter }, subject: policy });
      }
    }
  },
});

/** What an unbounded range lets in, or undefined when every `||` alternative has an upper bound. */
export function unboundedRange(range: string): string | undefined {
  const alternatives = range.split('||').map((part) => part.trim());
  for (const alternative of alternatives) {
    if (alternative === '' || /^[*xX](\.[*xX])*$/.test(alternative)) return 'every version';
    if (/[<~^]/.test(alternative) || /\s-\s/.test(alternative)) continue;
    // a bare version or x-range (`1.2.3`, `1.x`, `=1.2`) is bounded by its leading number
    if (/^=?v?\d/.test(alternative)) continue;
    if (/^>/.test(alternative)) return 'every later version, new majors included';
  }
  return undefined;
}

function matchesAnything(pattern: string): boolean {
  const compiled = goRegExp(pattern);
  return 'regex' in compiled && UNRELATED_TAGS.every((tag) => compiled.regex.test(tag));
}
