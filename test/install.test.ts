import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, PROJECT } from './cli-run.js';

const run = promisify(execFile);

interface Outcome { code: number; stdout: string; stderr: string }

async function shell(command: string, options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run('bash', ['-c', command], { ...options, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** The commands of the README's ```sh blocks under `heading` (comments and continuations removed). */
async function readmeCommands(heading: RegExp): Promise<string[]> {
  const readme = await readFile(path.join(PROJECT, 'README.md'), 'utf8');
  const sections = readme.split(/^(?=## )/m).filter((section) => heading.test(section.split('\n', 1)[0]!));
  const commands: string[] = [];
  for (const section of sections) {
    for (const block of section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)) {
      const joined = block[1]!.replace(/\\\n\s*/g, ' ');
      for (const line of joined.split('\n')) {
        // `rampart scan [PATH]` shows an optional argument: use its default
        const command = line.replace(/\s+#.*$/, '').replace(/ \[PATH\]/g, ' .').trim();
        if (command !== '' && !command.startsWith('#')) commands.push(command);
      }
    }
  }
  return commands;
}

/**
 * The documented way to get the command: `npm pack` in a clone, then `npm install -g` of the tarball.
 * Installed here under a scratch prefix, offline and with an empty npm cache, so that the tarball must
 * carry everything the command needs and nothing is resolved from a registry.
 */
describe('installing the packed tarball', () => {
  let scratch = '';
  let env: NodeJS.ProcessEnv = {};
  let bin = '';

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'rampart-install-'));
    const prefix = path.join(scratch, 'prefix');
    env = {
      ...process.env,
      npm_config_cache: path.join(scratch, 'npm-cache'),
      npm_config_offline: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      NO_COLOR: '1',
      CI: 'true',
    };
    for (const key of Object.keys(env)) if (key.startsWith('npm_package_') || key === 'npm_lifecycle_event') delete env[key];
    // `npm test` built dist/ already; `prepare` would build it again
    const packed = await shell(`npm pack --ignore-scripts --silent --pack-destination ${JSON.stringify(scratch)}`, { cwd: PROJECT, env });
    expect(packed.code, packed.stderr).toBe(0);
    const tarball = (await readdir(scratch)).find((name) => name.endsWith('.tgz'));
    expect(tarball).toMatch(/^rampart-gitops-rampart-\d+\.\d+\.\d+\.tgz$/);
    const installed = await shell(`npm install -g --prefix ${JSON.stringify(prefix)} ./${tarball}`, { cwd: scratch, env });
    expect(installed.code, installed.stderr).toBe(0);
    bin = path.join(prefix, 'bin');
    env = { ...env, PATH: `${bin}${path.delimiter}${process.env['PATH'] ?? ''}` };
  }, 300_000);

  afterAll(async () => {
    if (scratch !== '') await rm(scratch, { recursive: true, force: true });
  });

  it('puts `rampart` on PATH with the version of package.json', async () => {
    const manifest = JSON.parse(await readFile(path.join(PROJECT, 'package.json'), 'utf8')) as { version: string };
    const result = await shell(`${JSON.stringify(path.join(bin, 'rampart'))} --version`, { cwd: scratch, env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(manifest.version);
  });

  it('scans the examples from anywhere', async () => {
    const result = await shell(`rampart scan ${JSON.stringify(DEMO)}`, { cwd: scratch, env });
    expect(result.stderr).not.toMatch(/command not found|Error:/);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\d+ findings? in \d+ files/);
  });

  it('runs every offline example of the README (Usage, Rules, Operators, Secrets, CI workflows, Output, Baselines)', async () => {
    const workspace = path.join(scratch, 'repository');
    await mkdir(workspace);
    await cp(DEMO, workspace, { recursive: true });
    const git = 'git -c user.name=t -c user.email=t@example.com';
    // the refs the examples name: origin/main, v1.4.0..v1.5.0
    const setup = `git init -q -b main && ${git} add -A && ${git} commit -qm demo && git tag v1.4.0 && `
      + `${git} commit -q --allow-empty -m next && git tag v1.5.0 && git update-ref refs/remotes/origin/main v1.4.0`;
    expect((await shell(setup, { cwd: workspace, env })).code).toBe(0);

    const commands = [
      ...await readmeCommands(/^## (Usage|Rules|Repository layer|Operators|Secrets|Baselines)/),
      ...(await readmeCommands(/^## Output formats/)).map((command) => command.replace(/ && gh pr comment.*$/, '')),
    ];
    expect(commands.length).toBeGreaterThan(20);
    for (const command of commands) {
      expect(command, 'README examples call the installed command, never npx').toMatch(/^rampart /);
      const result = await shell(command, { cwd: workspace, env });
      // 0 clean, 1 findings; 2 would be a usage or runtime error
      expect([0, 1], `${command}\n${result.stderr}`).toContain(result.code);
    }
  }, 300_000);
});

describe('README quick start', () => {
  it('has exactly two commands: one installs the command and scans the examples, one runs the test suite', async () => {
    const readme = await readFile(path.join(PROJECT, 'README.md'), 'utf8');
    const block = /^## Quick start\n\n```sh\n([\s\S]*?)^```$/m.exec(readme)?.[1] ?? '';
    const commands = block.split('\n').filter((line) => line.trim() !== '');
    expect(commands).toHaveLength(2);
    expect(commands[0]).toMatch(/npm pack/);
    expect(commands[0]).toMatch(/npm install (-g|--global) .*rampart-gitops-rampart-.*\.tgz/);
    expect(commands[0]).toMatch(/&& rampart scan examples\//);
    expect(commands[1]).toMatch(/npm test$/);
  });

  it('never sends the user to a name the npm registry resolves (`npx rampart`, `npm install rampart`)', async () => {
    for (const file of ['README.md', 'examples/demo/README.md', 'action.yml', '.pre-commit-hooks.yaml']) {
      const text = await readFile(path.join(PROJECT, file), 'utf8');
      expect(text, file).not.toMatch(/npx (--yes |-y )?rampart|npm (install|i|exec) (-g |--global )?rampart\b|npm exec .*rampart/);
    }
  });
});
