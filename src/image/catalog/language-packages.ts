import { parseStanzas, type ImagePackage } from './package.js';

type Found = Omit<ImagePackage, 'path' | 'layer'>;

/** A package.json that is the root of an installed package (under node_modules), as Syft reads images. */
export const NPM_MANIFEST = /(?:^|\/)node_modules\/(?:@[^/]+\/)?[^/@.][^/]*\/package\.json$/;

export function parseNpmManifest(text: string): Found[] {
  let manifest: { name?: unknown; version?: unknown; license?: unknown };
  try {
    manifest = JSON.parse(text) as typeof manifest;
  } catch {
    return [];
  }
  if (typeof manifest.name !== 'string' || typeof manifest.version !== 'string' || manifest.name === '' || manifest.version === '') return [];
  const license = typeof manifest.license === 'string' ? [manifest.license] : undefined;
  return [{ type: 'npm', name: manifest.name, version: manifest.version, ...(license ? { licenses: license } : {}), foundBy: 'npm' }];
}

export const PYTHON_METADATA = /(?:\.dist-info\/METADATA|\.egg-info\/PKG-INFO|\.egg-info)$/;

/** PEP 503 normalised, as OSV and purl want PyPI names */
export function normalizePythonName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** The headers of a wheel's METADATA or an egg's PKG-INFO (an email message; the body is the description). */
export function parsePythonMetadata(text: string): Found[] {
  const headerEnd = text.search(/\r?\n\r?\n/);
  const [headers] = parseStanzas(headerEnd === -1 ? text : text.slice(0, headerEnd));
  const name = headers?.get('Name');
  const version = headers?.get('Version');
  if (!name || !version) return [];
  const license = headers?.get('License-Expression') ?? headers?.get('License');
  return [{ type: 'pypi', name: normalizePythonName(name), version, ...(license && license !== 'UNKNOWN' && license.length < 100 ? { licenses: [license] } : {}), foundBy: 'python' }];
}
