import { isScalar } from 'yaml';
import { imageOccurrence, type ImageOccurrence } from '../image-occurrence.js';
import { parseImageReference } from '../image-ref.js';
import { apiGroup, describeObject, type KubeObject } from '../kubernetes.js';
import { getNode, innerSpanOf, stringValue } from '../yaml.js';

/** Rancher's system-upgrade-controller: a `Plan`'s containers run on every node it selects, as root, with the host mounted. */
export function isUpgradePlan(object: KubeObject): boolean {
  return object.kind === 'Plan' && apiGroup(object) === 'upgrade.cattle.io';
}

/**
 * `spec.upgrade.image` and `spec.prepare.image` of a system-upgrade-controller `Plan`. The controller
 * gives an image written without a tag or digest the plan's version as its tag (`spec.version`, with
 * `+` written `-`: `v1.29.0+k3s1` pulls `rancher/k3s-upgrade:v1.29.0-k3s1`), or the version its
 * `spec.channel` URL redirects to when it polls, which moves with every release. An image written
 * with a tag or digest is pulled as written.
 */
export function upgradePlanImages(object: KubeObject): ImageOccurrence[] {
  const spec = getNode(object.node, 'spec');
  const version = stringValue(getNode(spec, 'version'))?.trim();
  const channel = stringValue(getNode(spec, 'channel'))?.trim();
  const found: ImageOccurrence[] = [];
  for (const role of ['prepare', 'upgrade']) {
    const node = getNode(getNode(spec, role), 'image');
    if (!isScalar(node) || typeof node.value !== 'string') continue;
    const written = stringValue(node);
    const span = innerSpanOf(object.source.file, node);
    if (written === undefined || !span) continue;
    const context = `${describeObject(object)} ${role} image`;
    const parsed = parseImageReference(written.trim());
    const nameOnly = parsed.ok && parsed.reference.tag === undefined && parsed.reference.digest === undefined;
    let occurrence: ImageOccurrence | undefined;
    if (nameOnly && version) {
      const tag = version.replaceAll('+', '-');
      occurrence = imageOccurrence({
        file: object.source.file, source: 'kubernetes', text: `${written.trim()}:${tag}`, span,
        context: `${context}, tagged with spec.version`,
        pin: { kind: 'none', reason: `the tag is the plan's spec.version (${version}), which the controller joins to ${written.trim()}; a digest written here would keep the old image when the version changes` },
      });
    } else if (nameOnly && channel) {
      occurrence = imageOccurrence({
        file: object.source.file, source: 'kubernetes', text: written.trim(), span, context,
        tagImplicit: `the controller tags it with the latest version ${channel} redirects to, which moves with every release`,
        pin: { kind: 'none', reason: `the tag is whatever version ${channel} names when the controller polls it; set spec.version, or write the image with a tag and digest` },
      });
    } else {
      occurrence = imageOccurrence({ file: object.source.file, source: 'kubernetes', text: written, span, context, pin: { kind: 'text', span } });
    }
    if (occurrence) found.push(occurrence);
  }
  return found;
}
