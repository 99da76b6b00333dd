import { describe, expect, it } from 'vitest';
import { compareApkVersions, isValidApkVersion } from './apk.js';
import { apkOrder, dpkgOrder, goOrder, mavenOrder, pep440Order, rpmOrder, semverOrder, versionOrderFor, type VersionOrder } from './index.js';
import { allPairs, dpkgVersions, pep440Versions, rpmVersions } from './oracle-pairs.js';
import { dpkgOracle, hasCommand, hasPythonPackaging, pep440Oracle, rpmOracle } from './oracles.js';

/** Asserts that `order` sorts `ascending` strictly in that order, checking every pair both ways. */
function expectAscending(order: VersionOrder, ascending: readonly string[]): void {
  for (let i = 0; i < ascending.length; i++) {
    for (let j = 0; j < ascending.length; j++) {
      const expected = Math.sign(i - j);
      expect(`${ascending[i]} ${order.compare(ascending[i]!, ascending[j]!)} ${ascending[j]}`).toBe(`${ascending[i]} ${expected} ${ascending[j]}`);
    }
  }
}

function expectEqual(order: VersionOrder, pairs: ReadonlyArray<readonly [string, string]>): void {
  for (const [a, b] of pairs) expect(`${a} ${order.compare(a, b)} ${b}`).toBe(`${a} 0 ${b}`);
}

function disagreements(order: VersionOrder, pairs: ReadonlyArray<readonly [string, string]>, oracle: ReadonlyArray<number | null>): string[] {
  expect(oracle).toHaveLength(pairs.length);
  // an oracle that answers one thing for everything would prove nothing
  for (const outcome of [-1, 0, 1]) expect(oracle.filter((answer) => answer === outcome).length).toBeGreaterThan(pairs.length / 50);
  const wrong: string[] = [];
  pairs.forEach(([a, b], index) => {
    const expected = oracle[index];
    const valid = order.isValid(a) && order.isValid(b);
    if (expected === null || expected === undefined) {
      if (valid) wrong.push(`${a} vs ${b}: the oracle rejects one, Rampart accepts both`);
      return;
    }
    if (!valid) {
      wrong.push(`${a} vs ${b}: Rampart rejects one, the oracle orders them ${expected}`);
      return;
    }
    const actual = order.compare(a, b);
    if (actual !== Math.sign(expected)) wrong.push(`${a} vs ${b}: Rampart ${actual}, oracle ${expected}`);
  });
  return wrong;
}

const DPKG_EDGES = ['1.0~rc1-1', '1.0-1', '1:0.9', '2.0', '1.0', '1.0-0', '1.0+b1', '1.0.0', '1.0a', '1.0~', '1.0~~', '1.0~~a', '1.0~a', '1.00', '1.01', '1.1', '1.10', '0:1.0', '1.0-1~bpo1', '1.0-1+deb12u1', '1.0-1ubuntu0.1', '2:1.0', '1.0+dfsg-1', '1.0-1.1', 'A1', '1.0-a', '1.0-'];

describe('dpkg ordering', () => {
  it('orders Debian Policy examples', () => {
    expectAscending(dpkgOrder, ['1.0~~', '1.0~~a', '1.0~', '1.0', '1.0a', '1.0+b1', '1.0.0', '1.1', '1:0.9', '2:0.1']);
    expectEqual(dpkgOrder, [['1.0', '1.0-0'], ['0:1.0', '1.0'], ['1.00', '1.0'], ['1.01', '1.1']]);
  });
  it('rejects what is not a Debian version', () => {
    for (const bad of ['', 'a:1', '1:', ' ', '1.0 1']) expect(dpkgOrder.isValid(bad)).toBe(false);
  });
  it.runIf(hasCommand('dpkg', ['--version']))('agrees with dpkg --compare-versions over generated pairs', () => {
    const pairs = [...allPairs(DPKG_EDGES), ...allPairs(dpkgVersions(30, 7)).slice(0, 300)];
    expect(pairs.length).toBeGreaterThan(600);
    expect(disagreements(dpkgOrder, pairs, dpkgOracle(pairs))).toEqual([]);
  });
});

const RPM_EDGES = ['1.0', '1.0~rc1', '1.0^', '1.0^git1', '1.0~rc1^git1', '1.0.1', '1.0a', '1.0.a', '1:0.9', '0:1.0', '1.0-1', '1.0-2', '1.0-10', '1.0-1.el8', '1.0-1.el9', '1_0', '1..0', '01.0', 'a', 'A', '1.0~~', '2', '1.0+1', '1.0-1~', '1.0-1^'];

describe('rpm ordering', () => {
  it('orders rpmvercmp examples (tilde before, caret after the release)', () => {
    expectAscending(rpmOrder, ['1.0~rc1', '1.0~rc1^git1', '1.0', '1.0^', '1.0^git1', '1.0.1', '1:0.9']);
    expectEqual(rpmOrder, [['1.0', '0:1.0'], ['1_0', '1.0'], ['01.0', '1.0']]);
  });
  it.runIf(hasCommand('rpm', ['--version']))("agrees with rpm's own vercmp over generated pairs", () => {
    const pairs = [...allPairs(RPM_EDGES), ...allPairs(rpmVersions(30, 11)).slice(0, 400)];
    expect(pairs.length).toBeGreaterThan(700);
    expect(disagreements(rpmOrder, pairs, rpmOracle(pairs))).toEqual([]);
  });
});

describe('apk ordering', () => {
  // apk has no Debian package to act as oracle: this table follows apk-tools' rules (the implementation was
  // also checked against apk-tools' own test/unit/version.data, 769 lines, which is GPL and not vendored)
  it('orders suffixes, letters, revisions and leading zeros as apk does', () => {
    expectAscending(apkOrder, [
      '1.0_alpha', '1.0_alpha1', '1.0_alpha2', '1.0_beta', '1.0_pre1', '1.0_rc1', '1.0', '1.0-r1', '1.0-r2', '1.0-r10',
      '1.0_cvs', '1.0_svn', '1.0_git20200101', '1.0_hg', '1.0_p1', '1.0_p2', '1.0a', '1.0b', '1.0.1', '1.01', '1.1', '1.2', '1.10', '2.0',
    ]);
    expect(compareApkVersions('1.001', '1.01')).toBe(-1);
    expect(compareApkVersions('1.0-r0', '1.0')).toBe(1);
    expect(compareApkVersions('3.0.13-r0', '3.0.9-r3')).toBe(1);
    expect(compareApkVersions('1.2.3_rc1-r0', '1.2.3-r0')).toBe(-1);
    expect(compareApkVersions('1.36.1-r29', '1.36.1-r30')).toBe(-1);
    expect(compareApkVersions('1.0~1234-r1', '1.0~2345-r0')).toBe(-1);
    expect(compareApkVersions('0.1.0_alpha_pre2', '0.1.0_alpha')).toBe(-1);
  });
  it('tells valid from invalid versions', () => {
    for (const good of ['1', '1.0', '1.0a', '1.0_rc1', '1.0-r1', '2.38.1_git20220101-r0', '1.0_p1_rc2', '0.1_pre2~1234abcd']) expect(isValidApkVersion(good)).toBe(true);
    for (const bad of ['', 'a1', '1.0-1', '1.0_foo', '1.0--r1', '1.0A', '0.1a1', '0.1bc', '0.1_pre2~', '1.0-r']) expect(isValidApkVersion(bad)).toBe(false);
  });
});

describe('semver and Go ordering', () => {
  it('orders the SemVer 2.0.0 precedence example', () => {
    expectAscending(semverOrder, ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.1.0', '2.0.0', '10.0.0']);
    expectEqual(semverOrder, [['1.0.0+build.1', '1.0.0+build.2'], ['v1.2.3', '1.2.3']]);
    for (const bad of ['1.0', '01.0.0', '1.0.0-01', '1.0.0-', 'x']) expect(semverOrder.isValid(bad)).toBe(false);
  });
  it('orders Go pseudo-versions, +incompatible and toolchain versions', () => {
    expectAscending(goOrder, [
      'v0.0.0-20190101000000-abcdefabcdef', 'v0.0.0-20200101000000-abcdefabcdef', 'v0.1.0', 'v1.2.3', 'v1.2.4-0.20200101000000-abcdefabcdef', 'v1.2.4-pre',
      'v1.2.4-pre.0.20200101000000-abcdefabcdef', 'v1.2.4', 'v2.0.0+incompatible', 'v2.1.0+incompatible',
    ]);
    expectAscending(goOrder, ['go1', 'go1.9beta1', 'go1.9rc1', 'go1.9', 'go1.19.8', 'go1.20', 'go1.21rc2', 'go1.21.0', 'go1.21.3']);
    expectEqual(goOrder, [['go1.21', '1.21.0'], ['go1.21rc2', '1.21.0-rc.2'], ['go1.19.8', 'v1.19.8']]);
  });
});

describe('PEP 440 ordering', () => {
  it('orders the PEP 440 summary example and normalised spellings', () => {
    expectAscending(pep440Order, [
      '1.dev0', '1.0.dev456', '1.0a1', '1.0a2.dev456', '1.0a12.dev456', '1.0a12', '1.0b1.dev456', '1.0b2', '1.0b2.post345.dev456', '1.0b2.post345',
      '1.0rc1.dev456', '1.0rc1', '1.0', '1.0+abc.5', '1.0+abc.7', '1.0+5', '1.0.post456.dev34', '1.0.post456', '1.0.15', '1.1.dev1', '1!0.1',
    ]);
    expectEqual(pep440Order, [['1.0alpha1', '1.0a1'], ['1.0c1', '1.0rc1'], ['1.0-1', '1.0.post1'], ['1.0.0', '1'], ['v1.0', '1.0'], ['1.0-r', '1.0.post0'], ['1.0+ubuntu-1', '1.0+ubuntu.1'], ['1.0RC1', '1.0rc1']]);
    for (const bad of ['', '1.0-', 'x', '1.0+', '1..0', '1.0 beta']) expect(pep440Order.isValid(bad)).toBe(false);
  });
  it.runIf(hasPythonPackaging())('agrees with packaging.version.Version over generated pairs', () => {
    const pairs = allPairs(pep440Versions(45, 3));
    expect(pairs.length).toBeGreaterThan(1000);
    expect(disagreements(pep440Order, pairs, pep440Oracle(pairs))).toEqual([]);
  });
  if (!hasPythonPackaging()) it.skip('skipped: python3 with packaging is not installed (the oracle for PEP 440)', () => {});
});

describe('Maven ordering', () => {
  // the ordering Maven's ComparableVersion documents (Maven "Version Order Specification")
  it('orders qualifiers, numbers and sub-lists as ComparableVersion does', () => {
    expectAscending(mavenOrder, ['1-alpha', '1-alpha-1', '1-beta', '1-milestone', '1-rc', '1-snapshot', '1', '1-sp', '1-abc', '1-xyz', '1-1', '1.1', '1.2', '1.10', '2']);
    expectAscending(mavenOrder, ['1.0-alpha-1', '1.0-alpha-2', '1.0-beta-1', '1.0-SNAPSHOT', '1.0', '1.0-sp-1', '1.0-1', '1.0.1']);
    expectAscending(mavenOrder, ['1a1', '1b1', '1m1', '1rc1', '1']);
    expectEqual(mavenOrder, [['1', '1.0'], ['1', '1.0.0'], ['1', '1-0'], ['1', '1-ga'], ['1', '1-final'], ['1.0-RC1', '1.0-cr1'], ['1a1', '1-alpha-1'], ['1.0.0.0', '1'], ['1X', '1x']]);
    expect(mavenOrder.compare('2.12.7.1', '2.12.7')).toBe(1);
    expect(mavenOrder.compare('1.0.0.RELEASE', '1.0.0')).toBe(1);
    expect(mavenOrder.compare('9999999999', '999999999')).toBe(1);
  });
});

describe('ecosystem to ordering', () => {
  it('maps OSV ecosystems with and without releases', () => {
    expect(versionOrderFor('Debian:12')).toBe(dpkgOrder);
    expect(versionOrderFor('Ubuntu:22.04:LTS')).toBe(dpkgOrder);
    expect(versionOrderFor('Alpine:v3.20')).toBe(apkOrder);
    expect(versionOrderFor('Go')).toBe(goOrder);
    expect(versionOrderFor('PyPI')).toBe(pep440Order);
    expect(versionOrderFor('crates.io')).toBe(semverOrder);
    expect(versionOrderFor('Maven')).toBe(mavenOrder);
    expect(versionOrderFor('Rocky Linux:9')).toBe(rpmOrder);
    expect(versionOrderFor('Hackage')).toBeUndefined();
  });
});
