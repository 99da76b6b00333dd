import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { buildLayeredImage } from './helpers/image-build.js';
import { describeWithShared } from './helpers/shared.js';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';

/** Debian packages whose Python metadata goes into the image (python3-cryptography, python3-pip: in .ci/run). */
const PYTHON_PACKAGES = ['python3-cryptography', 'python3-pip'];

interface JsonFinding {
  ruleId: string;
  properties: Record<string, string | number | boolean>;
}

/**
 * The Go vulnerability database's verdict for one version, computed apart from Rampart: Python over the raw
 * JSON, semver precedence written out, the OSV evaluation as the schema words it.
 */
const GO_ORACLE = `
import json, glob, os, re, sys
root, module, version = sys.argv[1:4]
def key(v):
    m = re.match(r'^v?(\\d+)\\.(\\d+)\\.(\\d+)(?:-([0-9A-Za-z.-]+))?(?:\\+.*)?$', v)
    a, b, c, pre = m.groups()
    ids = tuple((0, int(x), '') if x.isdigit() else (1, 0, x) for x in pre.split('.')) if pre else ()
    return (int(a), int(b), int(c), 0 if pre else 1, ids)
hits = []
for f in sorted(glob.glob(os.path.join(root, '*.json'))):
    d = json.load(open(f))
    if d.get('withdrawn'):
        continue
    hit = False
    for a in d.get('affected', []):
        if a['package']['name'] != module:
            continue
        for r in a.get('ranges', []):
            if r['type'] != 'SEMVER':
                continue
            events = [(k, v) for e in r['events'] for k, v in e.items()]
            events.sort(key=lambda e: (0,) if e[1] == '0' else (1,) + key(e[1]))
            affected = False
            for kind, bound in events:
                if kind == 'introduced' and (bound == '0' or key(version) >= key(bound)):
                    affected = True
                elif kind == 'fixed' and key(version) >= key(bound):
                    affected = False
                elif kind == 'last_affected' and key(version) > key(bound):
                    affected = False
            hit = hit or affected
    if hit:
        hits.append(d['id'])
print(json.dumps(hits))
`;

/** The same for PyPI: packaging.version orders, PyYAML reads every scalar as a string. */
const PYPI_ORACLE = `
import json, glob, os, sys, yaml
from packaging.version import Version
root, name, version = sys.argv[1:4]
v = Version(version)
hits = []
for f in sorted(glob.glob(os.path.join(root, name, '*.yaml'))):
    d = yaml.load(open(f), Loader=yaml.BaseLoader)
    if d.get('withdrawn'):
        continue
    hit = False
    for a in d.get('affected', []):
        if version in a.get('versions', []):
            hit = True
        for r in a.get('ranges', []):
            if r['type'] != 'ECOSYSTEM':
                continue
            events = [(k, b) for e in r['events'] for k, b in e.items()]
            events.sort(key=lambda e: (0, Version('0')) if e[1] == '0' else (1, Version(e[1])))
            affected = False
            for kind, bound in events:
                if kind == 'introduced' and (bound == '0' or v >= Version(bound)):
                    affected = True
                elif kind == 'fixed' and v >= Version(bound):
                    affected = False
                elif kind == 'last_affected' and v > Version(bound):
                    affected = False
            hit = hit or affected
    if hit:
        hits.append(d['id'])
print(json.dumps(hits))
`;

async function oracle(script: string, args: readonly string[]): Promise<string[]> {
  const { stdout } = await run(PYTHON, ['-c', script, ...args], { maxBuffer: 1 << 24 });
  return (JSON.parse(stdout) as string[]).sort();
}

/** A Go program built by Debian's Go toolchain against golang.org/x/text v0.3.5, vendored (no network, no module cache). */
async function goBinaryWithVendoredModule(directory: string): Promise<Buffer> {
  const vendored = path.join(directory, 'vendor', 'golang.org', 'x', 'text', 'language');
  await mkdir(vendored, { recursive: true });
  await writeFile(path.join(directory, 'go.mod'), 'module example.com/app\n\ngo 1.19\n\nrequire golang.org/x/text v0.3.5\n');
  await writeFile(path.join(directory, 'vendor', 'modules.txt'), '# golang.org/x/text v0.3.5\n## explicit\ngolang.org/x/text/language\n');
  // a stand-in for the package: what the scanner reads is the module version in the build info
  await writeFile(path.join(vendored, 'language.go'), 'package language\n\nfunc Parse(s string) (string, error) { return s, nil }\n');
  await writeFile(path.join(directory, 'main.go'), 'package main\n\nimport (\n\t"fmt"\n\n\t"golang.org/x/text/language"\n)\n\nfunc main() { fmt.Println(language.Parse("en")) }\n');
  const env = { ...process.env, GOCACHE: path.join(directory, 'cache'), GOPATH: path.join(directory, 'gopath'), GOFLAGS: '-mod=vendor', GOPROXY: 'off', CGO_ENABLED: '0' };
  await run('go', ['build', '-o', 'app', '.'], { cwd: directory, env });
  return readFile(path.join(directory, 'app'));
}

/** The installed Debian package's status stanza and the Python metadata file it ships (dist-info METADATA or egg-info PKG-INFO). */
async function debianPythonPackage(name: string): Promise<{ stanza: string; metadataPath: string } | undefined> {
  const status = await readFile('/var/lib/dpkg/status', 'utf8');
  const stanza = status.split(/\n\n+/).find((candidate) => /^Package: (.*)$/m.exec(candidate)?.[1] === name);
  if (!stanza || !/^Status: install ok installed$/m.test(stanza)) return undefined;
  const { stdout } = await run('dpkg', ['-L', name]);
  const metadataPath = stdout.split('\n').find((file) => /\.dist-info\/METADATA$/.test(file)) ?? stdout.split('\n').find((file) => /\.egg-info\/PKG-INFO$/.test(file));
  return metadataPath ? { stanza, metadataPath } : undefined;
}

describeWithShared('data/osv', 'real advisories: the Go vulnerability database and the Python advisory database', (osv) => {
  let work: string;
  let database: string;
  let image: string;
  let goVersion: string;
  const python: Array<{ name: string; version: string }> = [];
  const hasPythonOracle = existsSync(PYTHON);

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'rampart-vuln-real-'));
    process.env['XDG_CACHE_HOME'] = path.join(work, 'cache');
    database = path.join(work, 'vulndb');
    const imported = await runCli(['db', 'import', '--db', database, path.join(osv, 'go'), path.join(osv, 'pypi')]);
    expect(imported.code, imported.stderr).toBe(0);
    goVersion = /go(\d+\.\d+(?:\.\d+)?)/.exec((await run('go', ['version'])).stdout)![1]!;
    const files: Record<string, string | Buffer> = {
      'etc/os-release': await readFile('/etc/os-release', 'utf8'),
      'usr/local/bin/app': await goBinaryWithVendoredModule(path.join(work, 'go')),
    };
    const stanzas: string[] = [];
    for (const name of PYTHON_PACKAGES) {
      const found = await debianPythonPackage(name);
      if (!found) continue;
      stanzas.push(found.stanza);
      const metadata = await readFile(found.metadataPath, 'utf8');
      files[found.metadataPath.slice(1)] = metadata;
      python.push({ name: /^Name: (.*)$/m.exec(metadata)![1]!.toLowerCase(), version: /^Version: (.*)$/m.exec(metadata)![1]! });
    }
    files['var/lib/dpkg/status'] = stanzas.join('\n\n');
    image = await buildLayeredImage(work, 'real', 'v1', [{ files, modes: { 'usr/local/bin/app': 0o755 } }]);
  }, 300_000);

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  async function findings(): Promise<JsonFinding[]> {
    const result = await runCli(['image', image, '--db', database, '-f', 'json', '--fail-on', 'none']);
    expect(result.code, result.stderr).toBe(0);
    return (JSON.parse(result.stdout) as { findings: JsonFinding[] }).findings.filter((finding) => finding.ruleId === 'image-vulnerability');
  }

  it.runIf(hasPythonOracle)('matches the vendored golang.org/x/text v0.3.5 (GO-2021-0113, GO-2022-1059, not GO-2020-0015 fixed in 0.3.3)', async () => {
    const text = (await findings()).filter((finding) => finding.properties['package'] === 'golang.org/x/text');
    const ids = text.map((finding) => String(finding.properties['advisory'])).sort();
    expect(ids).toEqual(await oracle(GO_ORACLE, [path.join(osv, 'go'), 'golang.org/x/text', 'v0.3.5']));
    expect(ids).toEqual(expect.arrayContaining(['GO-2021-0113', 'GO-2022-1059']));
    expect(ids).not.toContain('GO-2020-0015');
    expect(text.find((finding) => finding.properties['advisory'] === 'GO-2021-0113')?.properties).toMatchObject({
      aliases: 'CVE-2021-38561,GHSA-ppp9-7jff-5vj2',
      installedVersion: 'v0.3.5',
      fixedVersion: '0.3.7',
      ecosystem: 'Go',
      layer: 0,
    });
  });

  it.runIf(hasPythonOracle)('matches stdlib of the installed Go toolchain exactly as the OSV evaluation of the raw records does', async () => {
    const stdlib = (await findings()).filter((finding) => finding.properties['package'] === 'stdlib');
    const expected = await oracle(GO_ORACLE, [path.join(osv, 'go'), 'stdlib', goVersion]);
    expect(expected.length).toBeGreaterThan(0);
    expect(stdlib.map((finding) => String(finding.properties['advisory'])).sort()).toEqual(expected);
    expect(stdlib.every((finding) => finding.properties['installedVersion'] === goVersion && finding.properties['fixedVersion'] !== undefined)).toBe(true);
  });

  it.runIf(hasPythonOracle)("matches Debian python3-* packages' dist-info exactly as packaging.version evaluates the PyPI advisories", async () => {
    expect(python.length, 'python3-cryptography or python3-pip is installed').toBeGreaterThan(0);
    const all = await findings();
    for (const { name, version } of python) {
      const expected = await oracle(PYPI_ORACLE, [path.join(osv, 'pypi', 'vulns'), name, version]);
      const actual = all.filter((finding) => finding.properties['package'] === name && finding.properties['purl'] === `pkg:pypi/${name}@${version}`);
      expect(actual.map((finding) => String(finding.properties['advisory'])).sort(), `${name} ${version}`).toEqual(expected);
    }
    if (python.some((pkg) => pkg.name === 'cryptography' && pkg.version === '38.0.4')) {
      const ids = all.filter((finding) => finding.properties['package'] === 'cryptography').map((finding) => finding.properties['advisory']);
      // Debian 12's 38.0.4: in CVE-2023-23931's range (fixed 39.0.1), before CVE-2023-38325's (introduced 40.0.0)
      expect(ids).toContain('PYSEC-2023-11');
      expect(ids).not.toContain('PYSEC-2023-112');
    }
  });
});

