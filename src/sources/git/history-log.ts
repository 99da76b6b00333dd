import { PatchParser, type PatchHandlers } from './patch-parser.js';
import { streamGit } from './stream-git.js';

/** What is staged in the index, as a patch against HEAD: added lines only are scanned. */
export function stagedDiffArguments(prefix: string): string[] {
  return ['-c', 'core.quotePath=false', 'diff', '--cached', '-U0', '--no-renames', '--no-color', '--no-ext-diff', '--no-textconv', '--relative', ...(prefix === '' ? [] : ['--', '.'])];
}

/** Streams a git command's patch output through a parser; resolves when git has finished. */
export function streamPatches(cwd: string, args: readonly string[], input: string, handlers: PatchHandlers, maxFileSize: number): Promise<void> {
  return streamGit(cwd, args, input, new PatchParser(handlers, maxFileSize));
}
