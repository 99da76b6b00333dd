import { realpathSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { RampartError } from '../errors.js';
import { findWorkTree } from './git/work-tree.js';
import { describeType } from './safe-read.js';

/** What `rampart scan PATH` reads: a directory's files, or one file seen from its repository. */
export interface ScanTarget {
  /** the directory config is read from and paths are shown relative to */
  readonly root: string;
  /** `rampart scan FILE`: the one file to read */
  readonly file?: string;
}

export function resolveScanTarget(target: string): ScanTarget {
  const absolute = path.resolve(target);
  let info: Stats;
  try {
    info = statSync(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' || code === 'ENOTDIR' ? 'no such file or directory' : code === 'ELOOP' ? 'symbolic link loop' : String(code ?? error);
    throw new RampartError('path-not-found', `cannot scan ${target}: ${reason}`, { cause: error });
  }
  if (info.isDirectory()) return { root: absolute };
  if (!info.isFile()) throw new RampartError('path-not-found', `cannot scan ${target}: ${describeType(info)}, not a directory or regular file`);
  // a file is seen from its repository: that repository's .rampart.yaml, paths as the repository names them
  const directory = realpathSync.native(path.dirname(absolute));
  const file = path.join(directory, path.basename(absolute));
  return { root: findWorkTree(directory)?.top ?? directory, file };
}
