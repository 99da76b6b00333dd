import { describe, expect, it } from 'vitest';
import { gitEnvironment, remoteGitEnvironment } from './git-env.js';

const CALLER = {
  PATH: '/usr/bin', GIT_DIR: '/elsewhere/.git', GIT_WORK_TREE: '/elsewhere', GIT_INDEX_FILE: '/elsewhere/index',
  GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'url.file:///mirror/.insteadOf', GIT_CONFIG_VALUE_0: 'https://github.com/',
  GIT_CONFIG_PARAMETERS: "'core.worktree'='/elsewhere'",
};

describe('git environments', () => {
  it('local repository reads drop repository selectors and environment configuration', () => {
    const env = gitEnvironment({}, CALLER);
    expect(env['PATH']).toBe('/usr/bin');
    for (const key of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_CONFIG_COUNT', 'GIT_CONFIG_KEY_0', 'GIT_CONFIG_PARAMETERS']) {
      expect(env[key], key).toBeUndefined();
    }
    expect(env['GIT_TERMINAL_PROMPT']).toBe('0');
  });

  it('remote calls keep the configuration CI hands over (insteadOf, credentials) but no repository selector', () => {
    const env = remoteGitEnvironment(CALLER);
    expect(env['GIT_DIR']).toBeUndefined();
    expect(env['GIT_WORK_TREE']).toBeUndefined();
    expect(env['GIT_CONFIG_COUNT']).toBe('1');
    expect(env['GIT_CONFIG_KEY_0']).toBe('url.file:///mirror/.insteadOf');
    expect(env['GIT_TERMINAL_PROMPT']).toBe('0');
  });
});
