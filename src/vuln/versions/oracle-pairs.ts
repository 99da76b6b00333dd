/** Seeded generators of tricky version strings, for comparator tests against real tools. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function joinParts(random: () => number, first: readonly string[], rest: readonly string[], maxParts: number): string {
  let text = pick(random, first);
  const parts = Math.floor(random() * maxParts);
  for (let index = 0; index < parts; index++) text += pick(random, rest);
  return text;
}

/** Debian versions: epochs, `~`, `+`, letters, leading zeros, revisions. */
export function dpkgVersions(count: number, seed: number): string[] {
  const random = seededRandom(seed);
  const versions: string[] = [];
  for (let index = 0; index < count; index++) {
    const epoch = random() < 0.2 ? `${pick(random, ['0', '1', '2', '10'])}:` : '';
    const upstream = joinParts(random, ['0', '1', '2', '9', '10', '01', '1.0', '1.2'], ['.0', '.1', '.10', '.01', '~', '~rc1', '~~', '+', '+dfsg', 'a', 'b', 'z', 'A', '.', '1', '0', '+b1', '~beta'], 4);
    const revision = random() < 0.6 ? `-${joinParts(random, ['0', '1', '2', '10', '1ubuntu1', '0+deb12u1'], ['~', '.1', '+b1', 'a', '~bpo1', '+deb12u2', '.0'], 3)}` : '';
    versions.push(`${epoch}${upstream}${revision}`);
  }
  return versions;
}

/** RPM EVRs: epochs, `~` and `^`, separators of every kind, letters against digits. */
export function rpmVersions(count: number, seed: number): string[] {
  const random = seededRandom(seed);
  const versions: string[] = [];
  for (let index = 0; index < count; index++) {
    const epoch = random() < 0.2 ? `${pick(random, ['0', '1', '2'])}:` : '';
    const version = joinParts(random, ['0', '1', '2', '10', '01', '1.0', 'a', '1a'], ['.0', '.1', '.10', '.01', '~', '~rc1', '^', '^git1', 'a', 'b', 'A', '_', '+', '1', '0', '.a', '..', 'beta'], 4);
    const release = random() < 0.6 ? `-${joinParts(random, ['1', '2', '10', '1.el8', '0.1', '3.fc39'], ['.el9', '_1', '~', '^', '.1', 'a'], 2)}` : '';
    versions.push(`${epoch}${version}${release}`);
  }
  return versions;
}

/** PEP 440 versions in every spelling the PEP allows, and a few it does not. */
export function pep440Versions(count: number, seed: number): string[] {
  const random = seededRandom(seed);
  const versions: string[] = [];
  for (let index = 0; index < count; index++) {
    const epoch = random() < 0.15 ? pick(random, ['0!', '1!', '2!']) : '';
    const release = joinParts(random, ['0', '1', '2', '10', '01', 'v1'], ['.0', '.1', '.2', '.10', '.00'], 3);
    const pre = random() < 0.35 ? pick(random, ['a', 'a1', 'b2', 'rc1', 'c1', 'alpha', '.alpha.2', '-beta-3', 'pre1', 'preview2', 'RC2', '_rc.0']) : '';
    const post = random() < 0.3 ? pick(random, ['.post1', '-1', 'post', '.rev2', 'r3', '-post-2', '.POST0']) : '';
    const dev = random() < 0.3 ? pick(random, ['.dev0', 'dev1', '-dev', '.DEV2', '_dev3']) : '';
    const local = random() < 0.2 ? pick(random, ['+abc', '+1', '+abc.1', '+1.abc', '+ubuntu-1', '+1.2', '+a_b', '+Z']) : '';
    const junk = random() < 0.03 ? pick(random, ['x', '..', '+', ' ', '-']) : '';
    versions.push(`${epoch}${release}${pre}${post}${dev}${local}${junk}`);
  }
  return versions;
}

/** Every unordered pair of a list, plus each item against itself. */
export function allPairs(items: readonly string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < items.length; i++) for (let j = i; j < items.length; j++) pairs.push([items[i]!, items[j]!]);
  return pairs;
}
