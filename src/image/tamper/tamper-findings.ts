import { DEFAULT_CONFIG } from '../../config/schema.js';
import type { Finding } from '../../model/finding.js';
import imagePackedExecutable from '../../rules/artifacts/image-packed-executable.js';
import imageShellInMinimalImage from '../../rules/artifacts/image-shell-in-minimal-image.js';
import imageTamperedPackageFile from '../../rules/artifacts/image-tampered-package-file.js';
import imageUnownedExecutable from '../../rules/artifacts/image-unowned-executable.js';
import imageUnownedSetuid from '../../rules/artifacts/image-unowned-setuid.js';
import type { Rule } from '../../rules/rule.js';
import { imageFinding, layerProperties } from '../image-findings.js';
import type { InspectedImage } from '../inspect-image.js';
import type { TamperReport } from './checks.js';

const octal = (mode: number): string => `0${(mode & 0o7777).toString(8)}`;

/** The findings of one image's tampering checks, each naming the layer and the history step that wrote the file. */
export function tamperFindings(display: string, image: InspectedImage, report: TamperReport): Finding[] {
  const layerFields = (index: number): { data: { layer: number; step: string }; properties: Readonly<Record<string, string | number | boolean>> } => {
    const layer = image.layers[index];
    return {
      data: { layer: index, step: layer?.createdBy ? ` (${layer.createdBy.slice(0, 160)})` : '' },
      properties: layerProperties(image, index),
    };
  };
  const make = (rule: Rule, messageId: string, path: string, layer: number, subject: string, data: Record<string, string | number>, properties: Record<string, string | number | boolean> = {}, severity?: 'info'): Finding => {
    const where = layerFields(layer);
    return imageFinding({
      rule, messageId, image: display, source: 'layer', path, subject,
      data: { image: display, path, ...where.data, ...data },
      properties: { ...where.properties, ...properties },
      ...(severity ? { severity } : {}),
    }, DEFAULT_CONFIG);
  };
  const findings: Finding[] = [];
  for (const item of report.tampered) {
    const conffile = item.file.config === true;
    findings.push(make(imageTamperedPackageFile, conffile ? 'conffile' : 'tampered', item.path, item.layer, `${item.pkg.type}:${item.pkg.name}:${item.actual}`,
      { package: `${item.pkg.type} package ${item.pkg.name}`, version: item.pkg.version, algorithm: item.file.digest!.algorithm.toUpperCase(), actual: item.actual, expected: item.file.digest!.value },
      { package: item.pkg.name, packageVersion: item.pkg.version, packageType: item.pkg.type, digestAlgorithm: item.file.digest!.algorithm, expectedDigest: item.file.digest!.value, actualDigest: item.actual, conffile },
      conffile ? 'info' : undefined));
  }
  for (const item of report.unownedExecutables) findings.push(make(imageUnownedExecutable, 'unowned', item.path, item.layer, 'unowned', {}, { mode: octal(item.mode) }));
  for (const item of report.packed) {
    findings.push(make(imagePackedExecutable, 'packed', item.path, item.layer, item.packer, { packer: item.packer }, { packer: item.packer, ...(item.deleted ? { deletedInLaterLayer: true } : {}) }));
  }
  for (const item of report.unownedSetuid) {
    const bits = [(item.mode & 0o4000) !== 0 ? 'uid' : '', (item.mode & 0o2000) !== 0 ? 'gid' : ''].filter(Boolean).join('/');
    const changed = item.pkg !== undefined && item.recordedMode !== undefined;
    findings.push(make(imageUnownedSetuid, changed ? 'changed' : 'unowned', item.path, item.layer, octal(item.mode),
      { bits, mode: octal(item.mode), ...(changed ? { package: item.pkg!.name, recorded: octal(item.recordedMode!) } : {}) },
      { mode: octal(item.mode), ...(changed ? { package: item.pkg!.name, recordedMode: octal(item.recordedMode!) } : {}) }));
  }
  for (const item of report.minimalImageTools) findings.push(make(imageShellInMinimalImage, 'tool', item.path, item.layer, 'tool', {}));
  return findings;
}
