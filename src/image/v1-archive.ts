import type { ArchiveSource } from './archive-source.js';
import { ImageInputError, readSmallBlob } from './blob-source.js';
import { CONFIG_LIMIT, MANIFEST_LIMIT, type ManifestPlan } from './manifest-plan.js';

/**
 * The oldest `docker save` form (Docker before 1.10): no manifest.json, a `repositories` file
 * (`{"repo": {"tag": "<top layer id>"}}`) and one folder per layer, `<id>/json` (the v1 image JSON:
 * `parent`, `config`, `container_config`, `os`, `architecture`) and `<id>/layer.tar`. Layers are
 * ordered by following `parent` from the tagged id. The format records no content digests, so
 * nothing can be verified; the config handed on is assembled from the layers' JSON.
 */
export async function openV1Archive(display: string, archive: ArchiveSource, tag: string | undefined): Promise<{ plan: ManifestPlan; note: string }> {
  const repositories = await readJson(archive, 'repositories', MANIFEST_LIMIT, `${display}: repositories`);
  const tagged: Array<{ name: string; id: string }> = [];
  for (const [repository, tags] of Object.entries(repositories)) {
    if (!tags || typeof tags !== 'object') continue;
    for (const [tagName, id] of Object.entries(tags as Record<string, unknown>)) if (typeof id === 'string') tagged.push({ name: `${repository}:${tagName}`, id });
  }
  const names = tagged.map((entry) => entry.name).join(', ') || 'none';
  let top = tagged[0];
  if (tag !== undefined) top = tagged.find((entry) => entry.name === tag || entry.name.endsWith(`:${tag}`));
  else if (new Set(tagged.map((entry) => entry.id)).size > 1) throw new ImageInputError(`${display} holds ${new Set(tagged.map((entry) => entry.id)).size} images; name one as PATH:TAG (tags: ${names})`);
  if (!top) throw new ImageInputError(tag !== undefined ? `${display}: no image is tagged ${tag} (tags: ${names})` : `${display}: repositories names no image`);

  const chain: Array<{ id: string; json: Record<string, unknown> }> = [];
  const seen = new Set<string>();
  for (let id: string | undefined = top.id; id; ) {
    if (!/^[a-f0-9]{64}$/.test(id)) throw new ImageInputError(`${display}: layer id ${JSON.stringify(id.slice(0, 80))} is not a v1 image id`);
    if (seen.has(id)) throw new ImageInputError(`${display}: layer ${id} is its own ancestor (the parent chain loops)`);
    seen.add(id);
    if (!archive.has(`${id}/layer.tar`)) throw new ImageInputError(`${display} has no ${id}/layer.tar`);
    const json = await readJson(archive, `${id}/json`, CONFIG_LIMIT, `${display}: ${id}/json`);
    chain.push({ id, json });
    id = typeof json['parent'] === 'string' && json['parent'] !== '' ? json['parent'] : undefined;
  }
  chain.reverse();
  const image = chain.at(-1)!.json;
  const commandOf = (json: Record<string, unknown>): string => {
    const cmd = (json['container_config'] as { Cmd?: unknown } | undefined)?.Cmd;
    return Array.isArray(cmd) ? cmd.map(String).join(' ') : '';
  };
  const config = {
    ...(typeof image['os'] === 'string' ? { os: image['os'] } : {}),
    ...(typeof image['architecture'] === 'string' ? { architecture: image['architecture'] } : {}),
    config: image['config'] ?? {},
    rootfs: { type: 'layers', diff_ids: [] },
    history: chain.map(({ json }) => ({ created_by: commandOf(json) })),
  };
  return {
    plan: {
      config: { location: `${top.id}/json`, inline: Buffer.from(JSON.stringify(config)) },
      layers: chain.map(({ id }) => ({ location: `${id}/layer.tar` })),
      unverifiable: true,
    },
    note: `${display} is a Docker v1 archive (repositories and <id>/layer.tar, no manifest.json): it records no content digests, so its layers cannot be verified`,
  };
}

async function readJson(archive: ArchiveSource, name: string, limit: number, what: string): Promise<Record<string, unknown>> {
  const bytes = await readSmallBlob(archive, name, limit, what);
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new ImageInputError(`${what} is not a JSON object`);
}
