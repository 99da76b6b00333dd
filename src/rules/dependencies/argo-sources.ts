import { isMap, isSeq, type Node } from 'yaml';
import { apiGroup, describeObject, type KubeObject } from '../../model/kubernetes.js';
import { getNode, getPair, mapEntries, seqItems, spanOf, type YamlDocument } from '../../model/yaml.js';
import type { Span } from '../../model/span.js';
import { deref, scalarText, type ScalarText } from './support.js';

/** One place an Argo CD object names a repository and a revision of it. */
export interface ArgoRevisionSite {
  readonly object: KubeObject;
  /** `Application/web source`, `ApplicationSet/apps git generator`, … */
  readonly where: string;
  readonly repoURL?: ScalarText;
  readonly chart?: ScalarText;
  readonly revision?: ScalarText;
  /** where to point when there is no revision */
  readonly anchor: Span;
  /** the key holding the revision (`targetRevision`, `revision`) */
  readonly revisionKey: string;
  /** the revision is written but is not a scalar (a list or map): a shape no controller accepts */
  readonly malformed: boolean;
  /** the source (or generator) map itself */
  readonly node: Node;
}

export function isArgoObject(object: KubeObject, kind: string): boolean {
  return object.kind === kind && apiGroup(object) === 'argoproj.io';
}

/**
 * Every revision an Argo CD `Application` or `ApplicationSet` follows: `spec.source`,
 * `spec.sources[]`, `spec.sourceHydrator.drySource`, the same under an ApplicationSet's
 * `spec.template`, and its git generators (`revision`, also inside matrix/merge generators).
 */
export function argoRevisionSites(object: KubeObject): ArgoRevisionSite[] {
  const document = object.source;
  const spec = deref(document, getNode(object.node, 'spec'));
  if (isArgoObject(object, 'Application')) return applicationSpecSites(object, spec, describeObject(object));
  if (!isArgoObject(object, 'ApplicationSet')) return [];
  const templateSpec = deref(document, getNode(deref(document, getNode(spec, 'template')), 'spec'));
  const sites = applicationSpecSites(object, templateSpec, `${describeObject(object)} template`);
  collectGitGenerators(object, deref(document, getNode(spec, 'generators')), sites, 0);
  return sites;
}

function applicationSpecSites(object: KubeObject, spec: Node | undefined, label: string): ArgoRevisionSite[] {
  const document = object.source;
  const sites: ArgoRevisionSite[] = [];
  const single = deref(document, getNode(spec, 'source'));
  if (isMap(single)) sites.push(siteOf(object, single, `${label} source`, 'targetRevision'));
  seqItems(deref(document, getNode(spec, 'sources'))).forEach((item, index) => {
    const source = deref(document, item);
    if (isMap(source)) sites.push(siteOf(object, source, `${label} sources[${index}]`, 'targetRevision'));
  });
  const dry = deref(document, getNode(deref(document, getNode(spec, 'sourceHydrator')), 'drySource'));
  if (isMap(dry)) sites.push(siteOf(object, dry, `${label} sourceHydrator.drySource`, 'targetRevision'));
  return sites;
}

const MAX_GENERATOR_DEPTH = 8;

function collectGitGenerators(object: KubeObject, generators: Node | undefined, sites: ArgoRevisionSite[], depth: number): void {
  if (depth > MAX_GENERATOR_DEPTH) return;
  const document = object.source;
  for (const item of seqItems(generators)) {
    for (const { key, value } of mapEntries(deref(document, item))) {
      const generator = deref(document, value);
      if (key === 'git' && isMap(generator)) sites.push(siteOf(object, generator, `${describeObject(object)} git generator`, 'revision'));
      if (key === 'matrix' || key === 'merge') collectGitGenerators(object, deref(document, getNode(generator, 'generators')), sites, depth + 1);
    }
  }
}

function siteOf(object: KubeObject, source: Node, where: string, revisionKey: string): ArgoRevisionSite {
  const document: YamlDocument = object.source;
  const file = document.file;
  const repoURL = scalarText(file, deref(document, getNode(source, 'repoURL')));
  const chart = scalarText(file, deref(document, getNode(source, 'chart')));
  const revisionNode = deref(document, getNode(source, revisionKey));
  const revision = scalarText(file, revisionNode);
  const pair = getPair(source, 'repoURL');
  const anchor = repoURL?.span ?? spanOf(file, pair?.key as Node | undefined) ?? spanOf(file, source) ?? file.span(0, 0);
  return {
    object,
    where,
    anchor,
    revisionKey,
    node: source,
    malformed: isMap(revisionNode) || isSeq(revisionNode),
    ...(repoURL ? { repoURL } : {}),
    ...(chart ? { chart } : {}),
    ...(revision ? { revision } : {}),
  };
}
