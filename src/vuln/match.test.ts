import { describe, expect, it } from 'vitest';
import type { Inventory } from '../image/catalog/collect.js';
import type { ImagePackage } from '../image/catalog/package.js';
import { matchInventory } from './match.js';

function pkg(type: ImagePackage['type'], name: string, version: string): Inventory['packages'][number] {
  return { type, name, version, foundBy: 'test', path: 'var/lib/test', layer: 0, purl: `pkg:${type}/${name}@${version}` };
}

describe('matchInventory without a database', () => {
  const inventory: Inventory = {
    os: { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' },
    packages: [pkg('pypi', 'six', '1.16.0'), pkg('deb', 'bash', '5.2.15-2'), pkg('npm', 'left-pad', '1.3.0'), pkg('apk', 'musl', '1.2.4-r2'), pkg('deb', 'zlib1g', '1:1.2.13'), pkg('npm', 'ms', '2.1.3')],
    problems: [],
  };

  it('lists every package unchecked, grouped, the groups in localeCompare order of their labels', async () => {
    const result = await matchInventory(inventory, undefined);
    expect(result.checked).toBe(0);
    expect(result.matches).toEqual([]);
    // case-insensitive as localeCompare: code-unit order would put PyPI before npm and apk
    expect(result.unchecked.map((group) => group.label)).toEqual(['apk on debian 12', 'Debian:12', 'npm', 'PyPI']);
    expect(result.unchecked.find((group) => group.label === 'Debian:12')?.packages).toEqual(['bash@5.2.15-2', 'zlib1g@1:1.2.13']);
    expect(result.unchecked.find((group) => group.label === 'npm')?.packages).toEqual(['left-pad@1.3.0', 'ms@2.1.3']);
    // an apk on Debian is not looked up as a Debian package: the OS target is per package type
    expect(result.unchecked.find((group) => group.label === 'apk on debian 12')?.reason).toMatch(/maps no OSV ecosystem/);
  });

  it('gives the same groups in the order localeCompare sorts the labels', async () => {
    const result = await matchInventory(inventory, undefined);
    const labels = result.unchecked.map((group) => group.label);
    expect(labels).toEqual([...labels].sort((a, b) => a.localeCompare(b)));
  });
});
