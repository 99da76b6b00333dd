import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The real tools that define each ordering, run once over many pairs; undefined when the tool is missing. */
export function hasCommand(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

/** `dpkg --compare-versions` over every pair, in one shell; null where dpkg rejects a version (exit 2). */
export function dpkgOracle(pairs: ReadonlyArray<readonly [string, string]>): Array<number | null> {
  const script = [
    "while IFS=$'\\t' read -r a b; do",
    '  dpkg --compare-versions "$a" lt "$b" 2>/dev/null; lt=$?',
    '  if [ $lt -eq 0 ]; then echo -1; elif [ $lt -ne 1 ]; then echo null;',
    '  elif dpkg --compare-versions "$a" eq "$b" 2>/dev/null; then echo 0; else echo 1; fi',
    'done',
  ].join('\n');
  const input = pairs.map(([a, b]) => `${a}\t${b}\n`).join('');
  const output = execFileSync('bash', ['-c', script], { input, encoding: 'utf8', maxBuffer: 1 << 24 });
  return output.trim().split('\n').map((line) => (line === 'null' ? null : Number(line)));
}

/** rpm's own `rpm.vercmp` (rpmverCmp on parsed EVRs) from its Lua interpreter, one rpm process. */
export function rpmOracle(pairs: ReadonlyArray<readonly [string, string]>): number[] {
  const directory = mkdtempSync(path.join(tmpdir(), 'rampart-rpm-oracle-'));
  try {
    const script = path.join(directory, 'pairs.lua');
    const table = pairs.map(([a, b]) => `{${JSON.stringify(a)},${JSON.stringify(b)}}`).join(',\n');
    writeFileSync(script, `local out = {}\nfor _, p in ipairs({${table}}) do out[#out + 1] = tostring(rpm.vercmp(p[1], p[2])) end\nprint(table.concat(out, ","))\n`);
    const output = execFileSync('rpm', ['--eval', `%{lua: dofile(${JSON.stringify(script)})}`], { encoding: 'utf8', maxBuffer: 1 << 24 });
    return output.trim().split(',').map(Number);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

const PYTHON_COMPARE = `
import json, sys
from packaging.version import Version, InvalidVersion
def parse(text):
    try:
        return Version(text)
    except InvalidVersion:
        return None
out = []
for a, b in json.load(sys.stdin):
    va, vb = parse(a), parse(b)
    if va is None or vb is None:
        out.append(None)
    else:
        out.append((va > vb) - (va < vb))
print(json.dumps(out))
`;

export function hasPythonPackaging(): boolean {
  return hasCommand('python3', ['-c', 'import packaging.version']);
}

/** `packaging.version.Version` ordering; null where either side is not a valid version. */
export function pep440Oracle(pairs: ReadonlyArray<readonly [string, string]>): Array<number | null> {
  const output = execFileSync('python3', ['-c', PYTHON_COMPARE], { input: JSON.stringify(pairs), encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(output) as Array<number | null>;
}
