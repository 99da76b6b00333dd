import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { VERSION } from '../version.js';
import type { ReportedImage } from './inspect-image.js';
import type { Inventory } from './catalog/collect.js';
import type { ImageVulnerabilities } from '../vuln/image-vulnerabilities.js';
import { cycloneDxVulnerabilities } from '../vuln/summary.js';

type Listed = Inventory['packages'][number];

/** `pkg:oci/<name>@<digest>?repository_url=…` for the image itself (purl spec, oci type). */
function imagePurl(image: ReportedImage): string {
  const reference = image.reference;
  const name = reference ? reference.repository.split('/').pop()! : path.basename(image.display.replace(/:[^/]*$/, '')).replace(/\.tar$/, '');
  const version = image.manifestDigest ? `@${encodeURIComponent(image.manifestDigest)}` : '';
  const qualifiers = [
    ...(image.platform ? [`arch=${encodeURIComponent(image.platform.split('/')[1] ?? '')}`] : []),
    ...(reference ? [`repository_url=${encodeURIComponent(reference.name)}`] : []),
  ];
  return `pkg:oci/${encodeURIComponent(name.toLowerCase() || 'image')}${version}${qualifiers.length ? `?${qualifiers.join('&')}` : ''}`;
}

function layerDigest(image: ReportedImage, pkg: Listed): string {
  return image.layers[pkg.layer]?.diffId ?? image.layers[pkg.layer]?.digest ?? '';
}

/** CycloneDX 1.6 JSON: the image as metadata.component (type container), the OS and every package with its layer and path. */
export function cycloneDx(images: readonly ReportedImage[], display: string, vulnerabilities?: ImageVulnerabilities): string {
  const first = images[0];
  const components: Array<Record<string, unknown>> = [];
  images.forEach((image, imageIndex) => {
    const platform = images.length > 1 && image.platform ? [{ name: 'rampart:image:platform', value: image.platform }] : [];
    if (image.inventory.os) {
      components.push({
        'bom-ref': `os-${imageIndex}`,
        type: 'operating-system',
        name: image.inventory.os.id,
        ...(image.inventory.os.versionId ? { version: image.inventory.os.versionId } : {}),
        ...(image.inventory.os.prettyName ? { description: image.inventory.os.prettyName } : {}),
        ...(platform.length ? { properties: platform } : {}),
      });
    }
    image.inventory.packages.forEach((pkg, index) => {
      components.push({
        'bom-ref': `pkg-${imageIndex}-${index}`,
        type: 'library',
        name: pkg.name,
        version: pkg.version,
        purl: pkg.purl,
        ...(pkg.licenses?.length ? { licenses: pkg.licenses.map((name) => ({ license: { name } })) } : {}),
        properties: [
          { name: 'rampart:package:type', value: pkg.type },
          { name: 'rampart:package:foundBy', value: pkg.foundBy },
          ...(pkg.source && pkg.source.name !== pkg.name ? [{ name: 'rampart:package:sourceName', value: pkg.source.name }] : []),
          ...(pkg.source?.version ? [{ name: 'rampart:package:sourceVersion', value: pkg.source.version }] : []),
          { name: 'rampart:location:0:layerID', value: layerDigest(image, pkg) },
          { name: 'rampart:location:0:layerIndex', value: String(pkg.layer) },
          { name: 'rampart:location:0:path', value: `/${pkg.path}` },
          ...platform,
        ],
      });
    });
  });
  const bom = {
    $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${randomUUID()}`,
    version: 1,
    metadata: {
      timestamp: new Date().toISOString(),
      tools: { components: [{ type: 'application', name: 'rampart', version: VERSION }] },
      component: {
        'bom-ref': 'image',
        type: 'container',
        name: display,
        ...(first?.manifestDigest ? { version: first.manifestDigest } : {}),
        ...(first ? { purl: imagePurl(first) } : {}),
      },
    },
    components,
    ...(vulnerabilities ? { vulnerabilities: cycloneDxVulnerabilities(images, vulnerabilities) } : {}),
  };
  return `${JSON.stringify(bom, null, 2)}\n`;
}

/** SPDX 2.3 JSON: the image as a CONTAINER package that DESCRIBES-the-document and CONTAINS each package. */
export function spdx(images: readonly ReportedImage[], display: string): string {
  const packages: Array<Record<string, unknown>> = [];
  const relationships: Array<Record<string, string>> = [];
  images.forEach((image, imageIndex) => {
    const imageId = `SPDXRef-Image-${imageIndex}`;
    packages.push({
      SPDXID: imageId,
      name: display,
      ...(image.manifestDigest ? { versionInfo: image.manifestDigest } : {}),
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      primaryPackagePurpose: 'CONTAINER',
      ...(image.platform ? { comment: `platform ${image.platform}` } : {}),
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: imagePurl(image) }],
    });
    relationships.push({ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: imageId });
    image.inventory.packages.forEach((pkg, index) => {
      const id = `SPDXRef-Package-${pkg.type}-${imageIndex}-${index}`;
      packages.push({
        SPDXID: id,
        name: pkg.name,
        versionInfo: pkg.version,
        downloadLocation: 'NOASSERTION',
        filesAnalyzed: false,
        licenseConcluded: 'NOASSERTION',
        licenseDeclared: 'NOASSERTION',
        copyrightText: 'NOASSERTION',
        ...(pkg.source && pkg.source.name !== pkg.name ? { sourceInfo: `built from source package ${pkg.source.name}${pkg.source.version ? ` ${pkg.source.version}` : ''}` } : {}),
        comment: `found by ${pkg.foundBy} in layer ${pkg.layer} (${layerDigest(image, pkg)}) at /${pkg.path}`,
        externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: pkg.purl }],
      });
      relationships.push({ spdxElementId: imageId, relationshipType: 'CONTAINS', relatedSpdxElement: id });
    });
  });
  const document = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: display,
    documentNamespace: `https://rampart.invalid/spdx/${encodeURIComponent(display)}-${randomUUID()}`,
    creationInfo: { created: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), creators: [`Tool: rampart-${VERSION}`] },
    packages,
    relationships,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
