import { DEFAULT_REGISTRY, type ImageReference } from '../../model/image-ref.js';
import { linearGlob } from '../../linear-regexp.js';

/**
 * An allow-list entry is a registry host (`ghcr.io`), optionally with a path prefix
 * (`ghcr.io/acme`), where `*` stands for one DNS label or path segment
 * (`*.dkr.ecr.eu-west-1.amazonaws.com`). `docker.io` entries also match `index.docker.io`.
 */
export function registryAllowed(reference: ImageReference, allowed: readonly string[]): boolean {
  const name = `${reference.registry}/${reference.repository}`;
  return allowed.some((entry) => matchesEntry(name, normaliseEntry(entry)));
}

function normaliseEntry(entry: string): string {
  const trimmed = entry.trim().replace(/^https?:\/\//, '').replace(/\/+$/, '');
  if (trimmed === 'index.docker.io' || trimmed.startsWith('index.docker.io/')) {
    return DEFAULT_REGISTRY + trimmed.slice('index.docker.io'.length);
  }
  return trimmed;
}

/** `name` (`host/path…`) starts with the segments of `entry`, each of which may hold `*` (one DNS label in the host, one path segment after it). */
export function matchesEntry(name: string, entry: string): boolean {
  const nameParts = name.split('/');
  const entryParts = entry.split('/');
  if (entryParts.length > nameParts.length) return false;
  return entryParts.every((part, index) => segmentMatches(nameParts[index] ?? '', part, index === 0));
}

function segmentMatches(value: string, pattern: string, isHost: boolean): boolean {
  if (!pattern.includes('*')) return value === pattern;
  const labelPattern = isHost ? '[^./]+' : '[^/]+';
  const source = pattern.split('*').map((piece) => piece.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join(labelPattern);
  return linearGlob(`^${source}$`).test(value);
}
