import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyRawArguments } from '../../sources/git/raw-log.js';
import { withCrc32Base62Suffix } from '../checksum.js';
import { ALNUM, SampleRandom } from '../random.js';
import { scanBlobs } from './scan-blobs.js';

const random = new SampleRandom('scan-blobs-test');
const GITHUB = `GITHUB_TOKEN: ghp_${withCrc32Base62Suffix(random.chars(ALNUM, 30))}`;
const STRIPE = `stripe: sk_live_${random.chars(ALNUM, 32)}`;
const NPM = `NPM_TOKEN=npm_${withCrc32Base62Suffix(random.chars(ALNUM, 30))}`;

let repo = '';
const commits: string[] = [];

function git(...args: string[]): string {
  const result = spawnSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'Bob', GIT_AUTHOR_EMAIL: 'bob@acme.test', GIT_COMMITTER_NAME: 'Bob', GIT_COMMITTER_EMAIL: 'bob@acme.test' } });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

function commit(files: Record<string, string | Buffer>): void {
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    writeFileSync(path.join(repo, file), content);
  }
  git('add', '-A');
  git('commit', '-q', '-m', `change ${commits.length}`);
  commits.push(git('rev-parse', 'HEAD'));
}

// a text larger than one pipe read, so a blob arrives in several chunks
const filler = Array.from({ length: 4000 }, (_, line) => `line-${line}: ${'x'.repeat(40)}`).join('\n');

beforeAll(() => {
  repo = mkdtempSync(path.join(tmpdir(), 'rampart-blobs-'));
  git('init', '-q', '-b', 'main');
  commit({ 'app/config.yaml': `replicas: 1\n${GITHUB}\n` });
  commit({ 'app/config.yaml': `replicas: 2\n${GITHUB}\n` });
  commit({ 'app/new.yaml': `${filler}\n${STRIPE}\n`, 'app/image.bin': Buffer.from([0, 1, 2, 3]) });
  commit({ 'app/.env': `${NPM}\n`, 'app/big.txt': `${'y'.repeat(300_000)}\n` });
  // back to the first version: the same (blob, path) again, which a newest-first walk meets first
  commit({ 'app/config.yaml': `replicas: 1\n${GITHUB}\n` });
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

const request = (from: number, checkParents: boolean, maxFileSize = 250_000) => ({
  cwd: repo, args: historyRawArguments(''), input: `${commits.slice(from).join('\n')}\n`, firstOrder: from, maxFileSize, checkParents,
});

describe('scanBlobs', () => {
  it('reads every written blob once, whole, and attributes each secret to its first commit', async () => {
    const result = await scanBlobs(request(0, false));
    const found = result.hits.map((hit) => [hit.ruleId, hit.commit, hit.path, hit.line, hit.order]);
    expect(found).toEqual([
      ['secret-github-token', commits[0], 'app/config.yaml', 2, 0],
      ['secret-stripe-key', commits[2], 'app/new.yaml', 4001, 2],
      ['secret-npm-token', commits[3], 'app/.env', 1, 3],
    ]);
    expect(result).toMatchObject({ commits: 5, binary: 1, oversize: 1 });
    expect(JSON.stringify(result)).not.toContain(GITHUB.slice(-16));
  });

  it('finds the same when git walks the commits itself instead of reading them from stdin', async () => {
    const listed = await scanBlobs(request(0, false));
    const walked = await scanBlobs({ ...request(0, false), args: historyRawArguments('', ['--all']), input: '', newestFirst: true });
    expect(walked).toEqual(listed);
  });

  it('with part of history only, leaves out secrets the previous blob already held', async () => {
    const result = await scanBlobs(request(1, true));
    expect(result.hits.map((hit) => [hit.ruleId, hit.commit, hit.order])).toEqual([
      ['secret-stripe-key', commits[2], 2],
      ['secret-npm-token', commits[3], 3],
    ]);
    expect(result.commits).toBe(4);
  });

  it('skips and counts blobs over the size limit without reading them in', async () => {
    const result = await scanBlobs(request(0, false, 100));
    expect(result.hits.map((hit) => hit.ruleId)).toEqual(['secret-github-token', 'secret-npm-token']);
    expect(result).toMatchObject({ binary: 1, oversize: 2 });
  });
});
