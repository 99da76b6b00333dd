import { existsSync, readdirSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Inventory } from '../src/image/catalog/collect.js';
import { matchInventory } from '../src/vuln/match.js';
import { importDatabase, VulnerabilityDatabase } from '../src/vuln/store.js';
import { formatSpread, interleavedRounds, spread } from './rounds.js';

/**
 * Issue 16: `db import` of the whole Go and PyPI OSV sets in ../shared, and matching a 1,000-package
 * inventory (500 Go modules incl. stdlib, 500 PyPI packages, names taken from the data so most have
 * advisories) against them, store opened cold each round. Baseline in the same run: reading and
 * JSON-parsing every stored record (what a store without a name index would cost per scan).
 */
const shared = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'data', 'osv');

function inventoryFrom(goNames: readonly string[], pypiNames: readonly string[]): Inventory {
  const packages: Array<Inventory['packages'][number]> = [];
  for (let index = 0; index < 500; index++) {
    const name = index === 0 ? 'stdlib' : goNames[index % goNames.length]!;
    const version = index === 0 ? '1.19.8' : `v0.${index % 7}.${index % 5}`;
    packages.push({ type: 'golang', name, version, purl: `pkg:golang/${name}@${version}`, foundBy: 'go-binary', path: 'usr/local/bin/app', layer: 0 });
  }
  for (let index = 0; index < 500; index++) {
    const name = pypiNames[index % pypiNames.length]!;
    const version = `${index % 4}.${index % 9}.${index % 3}`;
    packages.push({ type: 'pypi', name, version, purl: `pkg:pypi/${name}@${version}`, foundBy: 'python', path: `usr/lib/python3/dist-packages/${name}.dist-info/METADATA`, layer: 1 });
  }
  return { packages, problems: [] };
}

export async function run(): Promise<void> {
  if (!existsSync(shared)) {
    process.stdout.write('skipped: ../shared/data/osv is not present\n');
    return;
  }
  const directory = path.join(tmpdir(), `rampart-vuln-bench-${process.pid}`);
  try {
    const started = performance.now();
    const imported = await importDatabase([path.join(shared, 'go'), path.join(shared, 'pypi')], directory);
    const importMs = performance.now() - started;
    const records = Object.values(imported.ecosystems).reduce((sum, status) => sum + status.records, 0);
    process.stdout.write(`import Go + PyPI: ${imported.documents} documents, ${records} records in ${(importMs / 1000).toFixed(1)} s (${Math.round(imported.documents / (importMs / 1000))} documents/s)\n`);

    const goIndex = JSON.parse(await readFile(path.join(directory, 'Go.index.json'), 'utf8')) as Record<string, unknown>;
    const pypiNames = readdirSync(path.join(shared, 'pypi', 'vulns'));
    const inventory = inventoryFrom(Object.keys(goIndex).filter((name) => name !== 'stdlib'), pypiNames);
    let matched = 0;
    let checked = 0;
    const times = await interleavedRounds(5, {
      match: async () => {
        const database = (await VulnerabilityDatabase.open(directory))!;
        const result = await matchInventory(inventory, database);
        await database.close();
        matched = result.matches.length;
        checked = result.checked;
      },
      'parse every record (baseline)': async () => {
        for (const file of ['Go.ndjson', 'PyPI.ndjson']) {
          for (const line of (await readFile(path.join(directory, file), 'utf8')).split('\n')) if (line) JSON.parse(line);
        }
      },
    });
    const match = spread(times['match']!);
    const baseline = spread(times['parse every record (baseline)']!);
    process.stdout.write(`match 1,000 packages (${checked} checked, ${matched} matches): ${formatSpread(match, 0, ' ms')} min/median/max (target < 1000 ms)\n`);
    process.stdout.write(`parse every stored record: ${formatSpread(baseline, 0, ' ms')}; match / full parse = ${(match.median / baseline.median).toFixed(2)}×\n`);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
