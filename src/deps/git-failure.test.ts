import { describe, expect, it } from 'vitest';
import { gitFailureReason } from '../resolve/git-refs.js';

describe('why a git command failed', () => {
  it('names the fatal line, not the advice ssh prints after it', () => {
    const stderr = 'ssh: Could not resolve hostname github.com: Name or service not known\r\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.\n';
    expect(gitFailureReason(stderr)).toBe('ssh: Could not resolve hostname github.com: Name or service not known');
    expect(gitFailureReason('fatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.\n')).toBe('fatal: Could not read from remote repository.');
    expect(gitFailureReason("fatal: unable to access 'https://github.com/x/y/': Could not resolve host: github.com\n")).toBe("fatal: unable to access 'https://github.com/x/y/': Could not resolve host: github.com");
    expect(gitFailureReason('remote: nope\nsomething went wrong\n')).toBe('something went wrong');
    expect(gitFailureReason('')).toBeUndefined();
  });
});
