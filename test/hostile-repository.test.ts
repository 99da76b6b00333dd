import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALNUM, SampleRandom } from '../src/secrets/random.js';
import { POD_WITH, PROJECT, STACK_FRAME } from './cli-run.js';

/**
 * A pull request controls every byte of the tree Rampart scans. Each case builds one hostile shape
 * (issue 12) in a temporary directory, with real git where git matters, and runs the built CLI: it
 * must finish within seconds (a hang or runaway memory is killed and fails the case), say clearly
 * what it did not read, never echo what it must not, and exit honestly.
 */
const BIN = process.env['RAMPART_TEST_BIN'] ?? path.join(PROJECT, 'bin', 'rampart.js');
/** a generous bound for 2 busy cores (a 9 MB scan may take 30 s under load); the failures this guards against run for minutes or forever */
const HANG_AFTER_MS = 60_000;
/** vitest's own limit for a case: above the hang bound, so a hang is reported as one */
const CASE_TIMEOUT = { timeout: 120_000 };

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly hung: boolean;
}

interface NodeLimits {
  /** old-space limit: a runaway reader is stopped by it long before it hurts the machine */
  readonly heapMb?: number;
  /** V8's stack, in KB (default 984) */
  readonly stackKb?: number;
}

function rampart(args: readonly string[], cwd = PROJECT, env: Record<string, string> = {}, limits: NodeLimits = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const nodeFlags = [`--max-old-space-size=${limits.heapMb ?? 512}`, ...(limits.stackKb === undefined ? [] : [`--stack-size=${limits.stackKb}`])];
    const child = spawn(process.execPath, [...nodeFlags, BIN, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', CI: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, HANG_AFTER_MS);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), hung });
    });
  });
}

let scratch: string;
beforeAll(async () => {
  if (!existsSync(path.join(PROJECT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  scratch = await mkdtemp(path.join(tmpdir(), 'rampart-hostile-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** A tree with one manifest whose finding is known, so every case also shows the rest was scanned. */
async function tree(name: string, add: (root: string) => Promise<void> = async () => undefined, options: { git?: boolean } = {}): Promise<string> {
  const root = path.join(scratch, name);
  await mkdir(root, { recursive: true });
  await writeFile(path.join(root, 'good.yaml'), POD_WITH('nginx:1.27'));
  if (options.git) git(root, ['init', '-q', '-b', 'main']);
  await add(root);
  if (options.git) {
    git(root, ['add', '-A']);
    git(root, ['commit', '-q', '--allow-empty', '-m', 'hostile']);
  }
  return root;
}

const GIT_ENV = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@example.com', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@example.com' };
function git(cwd: string, args: readonly string[]): string {
  return execFileSync('git', [...args], { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' });
}

const scan = (target: string, ...flags: string[]): Promise<Run> => rampart(['scan', target, '--fail-on', 'none', ...flags]);

function expectFinished(run: Run): void {
  expect(run.hung, `still running after ${HANG_AFTER_MS / 1000} s: killed`).toBe(false);
  expect(run.stderr).not.toMatch(STACK_FRAME);
}

function expectGoodFileScanned(run: Run): void {
  expect(run.stdout).toMatch(/good\.yaml\n\s+7:14\s+HIGH\s+Image nginx:1\.27 is not pinned/);
}

const SHADOW = 'root:$6$hostileSaltValue$AbCdEfGhIjKlMnOpQrStUvWxYz0123456789:19000:0:99999:7:::\n';

describe('hostile repository: files the repository names', CASE_TIMEOUT, () => {
  it('1. a .rampart.yaml linked out of the tree is not read, and nothing of it is printed (exit 2)', async () => {
    const outside = path.join(scratch, 'shadow');
    await writeFile(outside, SHADOW.repeat(3));
    const root = await tree('config-link-out', (dir) => symlink(outside, path.join(dir, '.rampart.yaml')));
    const run = await scan(root);
    expectFinished(run);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot read config .*\.rampart\.yaml: symbolic link leads outside the scanned tree/);
    expect(run.stdout + run.stderr).not.toContain('hostileSalt');
  });

  it('1. an unknown key in the config is named by a short escaped excerpt, not echoed whole', async () => {
    const root = await tree('config-unknown-key', (dir) => writeFile(path.join(dir, '.rampart.yaml'), `failOn: high\n"${'x'.repeat(20)}SECRET-TAIL-${'y'.repeat(200)}\\u001b[31m": 1\n`));
    const run = await scan(root);
    expectFinished(run);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Unrecognized key: "x{20}SECRET-TAIL-…"/);
    expect(run.stderr).not.toContain('y'.repeat(20));
    expect(run.stderr).not.toContain('\u001b');
  });

  it('5. a .gitignore linked to /dev/zero is not read (a note), and the scan finishes', async () => {
    const root = await tree('gitignore-dev-zero', (dir) => symlink('/dev/zero', path.join(dir, '.gitignore')));
    const run = await scan(root);
    expectFinished(run);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^note \.gitignore: .*not read/m);
    expectGoodFileScanned(run);
  });

  it('5. a FIFO .gitignore is not read (a note), and the scan finishes', async () => {
    const root = await tree('gitignore-fifo', async (dir) => {
      execFileSync('mkfifo', [path.join(dir, '.gitignore')]);
    });
    const run = await scan(root);
    expectFinished(run);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^note \.gitignore: a FIFO \(named pipe\), not a regular file/m);
    expectGoodFileScanned(run);
  });

  it('5. a FIFO .rampart.yaml is a clear config error, not a hang (exit 2)', async () => {
    const root = await tree('config-fifo', async (dir) => {
      execFileSync('mkfifo', [path.join(dir, '.rampart.yaml')]);
    });
    const run = await scan(root);
    expectFinished(run);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot read config .*\.rampart\.yaml: a FIFO \(named pipe\), not a regular file/);
  });

  it('5. allowedSigners: /dev/zero in the config is refused at once (exit 2)', async () => {
    const root = await tree('signers-dev-zero', (dir) => writeFile(path.join(dir, '.rampart.yaml'), 'verify:\n  commits:\n    allowedSigners: /dev/zero\n'), { git: true });
    const run = await scan(root);
    expectFinished(run);
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toMatch(/allowed signers file \/dev\/zero: symbolic link leads outside the scanned tree|allowed signers file \/dev\/zero: .*not a regular file/);
  });

  it('5. a FIFO allowed-signers file inside the repository is refused at once (exit 2)', async () => {
    const root = await tree('signers-fifo', async (dir) => {
      await writeFile(path.join(dir, '.rampart.yaml'), 'verify:\n  commits:\n    allowedSigners: signers\n');
      execFileSync('mkfifo', [path.join(dir, 'signers')]);
    }, { git: true });
    const run = await scan(root);
    expectFinished(run);
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toMatch(/allowed signers file .*signers: a FIFO \(named pipe\), not a regular file/);
  });
});

describe('hostile repository: trust files the config names', CASE_TIMEOUT, () => {
  it('1. a FIFO trusted root named by the config is refused at once (exit 2)', async () => {
    const root = await tree('trusted-root-fifo', async (dir) => {
      await writeFile(path.join(dir, '.rampart.yaml'), 'verify:\n  trustedRoot: root.json\n  commits:\n    identity: a@example.com\n    issuer: https://issuer.example\n');
      execFileSync('mkfifo', [path.join(dir, 'root.json')]);
    }, { git: true });
    const run = await scan(root);
    expectFinished(run);
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toMatch(/trusted root .*root\.json \(a FIFO \(named pipe\), not a regular file; not read\)/);
  });

  it('1. a bad line of an allowed-signers file is named by line and a short excerpt, not echoed', async () => {
    const root = await tree('signers-bad-option', async (dir) => {
      await writeFile(path.join(dir, '.rampart.yaml'), 'verify:\n  commits:\n    allowedSigners: signers\n');
      const key = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
      await writeFile(path.join(dir, 'signers'), `a@example.com secret-${'s'.repeat(100)}=x ssh-ed25519 ${key}\n`);
    }, { git: true });
    const run = await scan(root);
    expectFinished(run);
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toMatch(/signers:1: unknown option "secret-s+…"/);
    expect(run.stdout + run.stderr).not.toContain('s'.repeat(40));
  });
});

describe('hostile repository: what is scanned', CASE_TIMEOUT, () => {
  it('every file git tracks is scanned, even one a .gitignore matches; untracked ignored files are not (issue 21)', async () => {
    const root = await tree('tracked-ignored', async (dir) => {
      await writeFile(path.join(dir, '.gitignore'), 'forced.yaml\nlater.yaml\nlocal.yaml\n');
      await writeFile(path.join(dir, 'forced.yaml'), POD_WITH('forced/added:1'));
      await writeFile(path.join(dir, 'later.yaml'), POD_WITH('ignored/after-commit:1'));
      await writeFile(path.join(dir, 'local.yaml'), POD_WITH('local/untracked:1'));
      git(dir, ['init', '-q', '-b', 'main']);
      git(dir, ['add', '-f', 'forced.yaml', 'later.yaml']);
    }, { git: true });
    const run = await scan(root, '-r', 'image-not-pinned');
    expectFinished(run);
    expect(run.code).toBe(0);
    expectGoodFileScanned(run);
    expect(run.stdout).toContain('Image forced/added:1 is not pinned');
    expect(run.stdout).toContain('Image ignored/after-commit:1 is not pinned');
    expect(run.stdout).not.toContain('local/untracked');
  });

  it('a directory the repository ignores is scanned when named: its files are not hidden by the ignore rules above it', async () => {
    const root = await tree('ignored-directory', async (dir) => {
      await writeFile(path.join(dir, '.gitignore'), 'out/\n');
      await mkdir(path.join(dir, 'out'));
      await writeFile(path.join(dir, 'out', 'rendered.yaml'), POD_WITH('rendered/app:1'));
    }, { git: true });
    const run = await scan(path.join(root, 'out'), '-r', 'image-not-pinned');
    expectFinished(run);
    expect(run.stdout).toMatch(/rendered\.yaml\n\s+7:14\s+HIGH\s+Image rendered\/app:1 is not pinned/);
  });

  it('GIT_DIR and GIT_WORK_TREE in the environment do not change which files are scanned', async () => {
    const other = await tree('other-repository', (dir) => writeFile(path.join(dir, 'other.yaml'), POD_WITH('other/repo:1')), { git: true });
    const root = await tree('env-selected', async (dir) => {
      await writeFile(path.join(dir, '.gitignore'), 'forced.yaml\n');
      await writeFile(path.join(dir, 'forced.yaml'), POD_WITH('forced/here:1'));
      git(dir, ['init', '-q', '-b', 'main']);
      git(dir, ['add', '-f', 'forced.yaml']);
    }, { git: true });
    const run = await rampart(['scan', root, '--fail-on', 'none', '-r', 'image-not-pinned'], PROJECT, { GIT_DIR: path.join(other, '.git'), GIT_WORK_TREE: other, GIT_INDEX_FILE: path.join(other, '.git', 'index') });
    expectFinished(run);
    expectGoodFileScanned(run);
    expect(run.stdout).toContain('Image forced/here:1 is not pinned');
    expect(run.stdout).not.toContain('other/repo');
  });

  it('outside git, .gitignore keeps its meaning', async () => {
    const root = await tree('plain-ignored', async (dir) => {
      await writeFile(path.join(dir, '.gitignore'), 'local.yaml\n');
      await writeFile(path.join(dir, 'local.yaml'), POD_WITH('local/untracked:1'));
    });
    const run = await scan(root, '-r', 'image-not-pinned');
    expectGoodFileScanned(run);
    expect(run.stdout).not.toContain('local/untracked');
  });

  it('`rampart scan FILE` scans that one file with its repository\'s config (issue 21)', async () => {
    const root = await tree('one-file', async (dir) => {
      await mkdir(path.join(dir, 'apps'));
      await writeFile(path.join(dir, 'apps', 'web.yaml'), POD_WITH('web/app:2'));
      await writeFile(path.join(dir, '.rampart.yaml'), 'rules:\n  image-not-pinned: low\n');
    }, { git: true });
    const run = await scan(path.join(root, 'apps', 'web.yaml'));
    expectFinished(run);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/apps\/web\.yaml\n\s+7:14\s+LOW\s+Image web\/app:2 is not pinned/);
    expect(run.stdout).not.toContain('good.yaml');
    expect(run.stdout).toContain('1 finding in 1 files');
  });

  it('`scan /dev/zero` says it is not a directory or regular file (exit 2)', async () => {
    const run = await scan('/dev/zero');
    expectFinished(run);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('rampart: cannot scan /dev/zero: a character device, not a directory or regular file\n');
  });

  for (const withGit of [true, false]) {
    it(`a link to a file in the tree is scanned once, as the real file (${withGit ? 'git' : 'no git'})`, async () => {
      const root = await tree(`file-link-${withGit}`, (dir) => symlink('good.yaml', path.join(dir, 'alias.yaml')), { git: withGit });
      const run = await scan(root, '-r', 'image-not-pinned');
      expectFinished(run);
      expectGoodFileScanned(run);
      expect(run.stdout).not.toContain('alias.yaml');
      expect(run.stdout.match(/Image nginx:1\.27 is not pinned/g)).toHaveLength(1);
    });

    it(`a file whose name is not UTF-8 is read and reported with an escaped name (${withGit ? 'git' : 'no git'})`, async () => {
      const root = await tree(`byte-name-${withGit}`, async (dir) => {
        await writeFile(Buffer.concat([Buffer.from(`${dir}/caf`), Buffer.from([0xe9]), Buffer.from('.yaml')]), POD_WITH('latin/name:1'));
      }, { git: withGit });
      const run = await scan(root, '-r', 'image-not-pinned');
      expectFinished(run);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/caf\\xE9\.yaml\n\s+7:14\s+HIGH\s+Image latin\/name:1 is not pinned/);
      expect(run.stdout).not.toMatch(/ENOENT/);
    });
  }
});

/** `password=<20 random characters>` lines: each one a generic credential */
function passwordLines(bytes: number): string {
  const random = new SampleRandom('hostile-passwords');
  const lines: string[] = [];
  for (let size = 0; size < bytes; size += 30) lines.push(`password=${random.chars(ALNUM, 20)}`);
  return `${lines.join('\n')}\n`;
}

const DEEP = 10_000;
const deepJson = (name: string): string => `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${name}"},"data":{"a":${'['.repeat(DEEP)}${']'.repeat(DEEP)}}}\n`;

describe('hostile repository: sizes and shapes that cost time', CASE_TIMEOUT, () => {
  it('7. 9 MB of password lines finishes, with findings capped per file and rule and a note of the rest', async () => {
    const root = await tree('many-findings', (dir) => writeFile(path.join(dir, 'app.env'), passwordLines(9 * 1024 * 1024)));
    const run = await scan(root, '-f', 'json');
    expectFinished(run);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { findings: Array<{ ruleId: string; location: { path: string } }>; diagnostics: Array<{ path: string; message: string }> };
    const generic = report.findings.filter((finding) => finding.ruleId === 'secret-generic-credential' && finding.location.path === 'app.env');
    expect(generic).toHaveLength(100);
    expect(report.diagnostics.find((diagnostic) => diagnostic.path === 'app.env')?.message).toMatch(/^\d{6} more secret-generic-credential findings in this file not listed \(the first 100 are; maxFindingsPerFile in \.rampart\.yaml\)/);
    expect(report.findings.some((finding) => finding.location.path === 'good.yaml')).toBe(true);
  });

  it('8. two 10,000-deep JSON manifests are skipped with a note, and the rest of the scan runs', async () => {
    const root = await tree('deep-json', async (dir) => {
      await writeFile(path.join(dir, 'a.json'), deepJson('a'));
      await writeFile(path.join(dir, 'b.json'), deepJson('b'));
    });
    const run = await scan(root);
    expectFinished(run);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/a\.json: skipped: nested deeper than 256 levels/);
    expect(run.stdout).toMatch(/b\.json: skipped: nested deeper than 256 levels/);
    expectGoodFileScanned(run);
  });

  it('8. a 200 MB file under a raised --max-file-size is too large to parse (a note); its text is still searched for secrets', async () => {
    const root = await tree('huge-file', async (dir) => {
      // a ConfigMap of two million 100-byte values: parsed whole, it exhausts the heap
      const entries = Array.from({ length: 2 * 1024 * 1024 }, (_, index) => `  k${index}: ${'v'.repeat(90)}\n`).join('');
      await writeFile(path.join(dir, 'huge.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: huge}\ndata:\n${entries}  password: ${new SampleRandom('huge').chars(ALNUM, 24)}\n`);
    });
    const run = await scan(root, '--max-file-size', '300MB');
    expectFinished(run);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/huge\.yaml: skipped: too large to parse \(over 16 MB\)/);
    expect(run.stdout).toMatch(/huge\.yaml\n\s+\d+:\d+\s+HIGH\s+.*generic credential/i);
    expectGoodFileScanned(run);
  });
});

/**
 * A heap a few times the input: each of these shapes once took many times its size (Error objects
 * for every token of a Go template, the whole redacted line per finding of a minified file, an
 * array entry and a string join per character of a Dockerfile line) and ran out of it.
 */
const SMALL_HEAP_MB = 128;

describe('hostile repository: one file costs memory in proportion to its size', CASE_TIMEOUT, () => {
  const scanInSmallHeap = (root: string): Promise<Run> => rampart(['scan', root, '--fail-on', 'none'], PROJECT, {}, { heapMb: SMALL_HEAP_MB });

  it('2 MB of Go-template lines in a .yaml file (an error per token) is read as a template', async () => {
    const root = await tree('template-lines', (dir) => writeFile(path.join(dir, 'templated.yaml'), '{{ if .x }}\nimage: {{ .Values.image }}\n{{ end }}\n'.repeat(40_000)));
    const run = await scanInSmallHeap(root);
    expectFinished(run);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/templated\.yaml: Go template \(line 1\)/);
    expectGoodFileScanned(run);
  });

  it('a 5 MB minified JSON file of 120,000 credentials (one line) lists 100 with a note of the rest', async () => {
    const random = new SampleRandom('minified');
    const root = await tree('minified-json', (dir) => writeFile(path.join(dir, 'users.json'), JSON.stringify(Array.from({ length: 120_000 }, (_, index) => ({ password: random.chars(ALNUM, 16), k: `v${index}` })))));
    const run = await scanInSmallHeap(root);
    expectFinished(run);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/users\.json: \d{6} more secret-generic-credential findings in this file not listed/);
    expectGoodFileScanned(run);
  });

  it('a list as long as the input is never spread into one call: 30,000 documents in a 100 KB stack', async () => {
    // push(...documents) put every document on the stack: 400,000 `---` lines ended the whole scan with
    // 'Maximum call stack size exceeded' (aa17d5c); a tenth of V8's stack reaches it with 30,000
    const root = await tree('many-documents', (dir) => writeFile(path.join(dir, 'many.yaml'), '---\n'.repeat(30_000)));
    const run = await rampart(['scan', root, '--fail-on', 'none'], PROJECT, {}, { stackKb: 100 });
    expectFinished(run);
    expect(`${run.stdout}${run.stderr}`).not.toContain('Maximum call stack size exceeded');
    expect(run.code).toBe(0);
    expectGoodFileScanned(run);
  });

  it('a GitLab pipeline of 8,000 jobs each extending the next (and the last the first) is read without a rule failing', async () => {
    const jobs = Array.from({ length: 8_000 }, (_, index) => `j${index}:\n  extends: [j${(index + 1) % 8_000}]\n  script: [echo]\n`).join('');
    const root = await tree('gitlab-extends', (dir) => writeFile(path.join(dir, '.gitlab-ci.yml'), jobs));
    const run = await scan(root);
    expectFinished(run);
    expect(run.stdout).not.toMatch(/rule \S+ failed/);
    expect(run.code).toBe(0);
    expectGoodFileScanned(run);
  });

  it('a Dockerfile with one 8 MB RUN line is read, its FROM image reported', async () => {
    const root = await tree('dockerfile-line', (dir) => writeFile(path.join(dir, 'Dockerfile'), `FROM alpine:3\nRUN ${'a'.repeat(8_000_000)}\n`));
    const run = await scanInSmallHeap(root);
    expectFinished(run);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Dockerfile\n\s+1:6\s+HIGH\s+Image alpine:3 is not pinned/);
    expectGoodFileScanned(run);
  });
});

describe('hostile repository: text that only looks binary (item 15)', CASE_TIMEOUT, () => {
  const KEY_LINE = 'aws_access_key_id = AKIAQYLPMN5HHHFPZAM2\n';
  const utf16be = (text: string): Buffer => Buffer.from(text, 'utf16le').swap16();

  it('UTF-16 files with a byte order mark, and text holding a NUL, are scanned for secrets; binary files are not', async () => {
    const root = await tree('text-encodings', async (dir) => {
      await writeFile(path.join(dir, 'creds-utf16le.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`# keys\n${KEY_LINE}`, 'utf16le')]));
      await writeFile(path.join(dir, 'creds-utf16be.txt'), Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(`# keys\n${KEY_LINE}`)]));
      await writeFile(path.join(dir, 'creds-nul.txt'), Buffer.concat([Buffer.from('header\0\n'), Buffer.from(`${'# padding line\n'.repeat(20)}${KEY_LINE}`)]));
      // a real binary: compressed bytes, with the key's text somewhere inside
      await writeFile(path.join(dir, 'archive.bin'), Buffer.concat([execFileSync('gzip', ['-c'], { input: Buffer.from(Array.from({ length: 4000 }, (_, i) => String.fromCharCode(i % 251)).join('')) }), Buffer.from(KEY_LINE)]));
    });
    const run = await scan(root);
    expectFinished(run);
    expect(run.code).toBe(0);
    expectGoodFileScanned(run);
    for (const file of ['creds-utf16le.txt', 'creds-utf16be.txt']) {
      expect(run.stdout).toMatch(new RegExp(`${file.replace('.', '\\.')}\\n\\s+2:\\d+\\s+CRITICAL\\s+AWS access key id`));
    }
    expect(run.stdout).toMatch(/creds-nul\.txt\n\s+22:\d+\s+CRITICAL\s+AWS access key id/);
    expect(run.stdout).not.toContain('archive.bin');
    expect(run.stdout).not.toContain('AKIAQYLPMN5HHHFPZAM2');
  });
});

describe('hostile repository: .gitignore patterns that cost time (item 6)', CASE_TIMEOUT, () => {
  it('a nested ** pattern over a deep tree is matched in linear time', async () => {
    const deep = path.join(...Array.from({ length: 40 }, () => 'a'));
    const root = await tree('gitignore-nested-stars', async (dir) => {
      await writeFile(path.join(dir, '.gitignore'), '**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/b\n');
      await mkdir(path.join(dir, deep), { recursive: true });
      await writeFile(path.join(dir, deep, 'app.yaml'), POD_WITH('deep/app:1'));
      await writeFile(path.join(dir, deep, 'b'), POD_WITH('ignored/b:1'));
    });
    const run = await scan(root);
    expectFinished(run);
    expect(run.code).toBe(0);
    expectGoodFileScanned(run);
    expect(run.stdout).toContain('Image deep/app:1 is not pinned');
    expect(run.stdout).not.toContain('ignored/b');
  });

  it('a 100,000-line .gitignore does not slow the walk to a crawl', async () => {
    const root = await tree('gitignore-100k', async (dir) => {
      const lines = Array.from({ length: 100_000 }, (_, index) => (index % 2 === 0 ? `generated/out${index}.yaml` : `*.tmp${index}`));
      await writeFile(path.join(dir, '.gitignore'), `${lines.join('\n')}\nsecret-*.yaml\n`);
      await mkdir(path.join(dir, 'apps'));
      for (let index = 0; index < 300; index += 1) await writeFile(path.join(dir, 'apps', `app${index}.txt`), `app ${index}\n`);
      await writeFile(path.join(dir, 'apps', 'secret-x.yaml'), POD_WITH('ignored/secret:1'));
    });
    const run = await scan(root);
    expectFinished(run);
    expect(run.code).toBe(0);
    expectGoodFileScanned(run);
    expect(run.stdout).not.toContain('ignored/secret');
  });
});
