/**
 * Progress for long work (history scans, registry resolution, pinning).
 *
 * - interactive stderr (a TTY, `CI` unset): one bar redrawn in place;
 * - CI or not a TTY: plain log lines only, plus a line at most every `logEveryMs` saying how far along;
 * - quiet: nothing at all.
 */

export interface Progress {
  /** advance by n (default 1) */
  tick(n?: number): void;
  /** set or change the expected total (a bar needs one; without it a counter is shown) */
  setTotal(total: number): void;
  /** print one line without breaking the bar */
  log(line: string): void;
  /** clear the bar and print a final summary line (plain mode) */
  done(): void;
}

/** The parts of a stream progress needs: process.stderr fits. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressOptions {
  readonly label: string;
  readonly total?: number;
  readonly stream?: ProgressStream;
  readonly quiet?: boolean;
  /** defaults to process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** plain mode: minimum interval between "n/total" lines; default 5 s */
  readonly logEveryMs?: number;
  /** interactive mode: minimum interval between redraws; default 80 ms */
  readonly redrawEveryMs?: number;
  /** injectable clock for tests */
  readonly now?: () => number;
}

export type ProgressMode = 'bar' | 'plain' | 'silent';

export function progressMode(stream: ProgressStream, quiet: boolean, env: Readonly<Record<string, string | undefined>>): ProgressMode {
  if (quiet) return 'silent';
  const onCi = env['CI'] !== undefined && env['CI'] !== '' && env['CI'] !== 'false' && env['CI'] !== '0';
  if (stream.isTTY === true && !onCi && env['TERM'] !== 'dumb') return 'bar';
  return 'plain';
}

const BAR_WIDTH = 24;

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  const mode = progressMode(stream, options.quiet === true, options.env ?? process.env);
  const logEveryMs = options.logEveryMs ?? 5_000;
  const redrawEveryMs = options.redrawEveryMs ?? 80;
  let total = options.total;
  let count = 0;
  let finished = false;
  let barVisible = false;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let lastPlainLog = now();

  const status = (): string => (total !== undefined && total > 0 ? `${Math.min(count, total)}/${total}` : String(count));

  const clearBar = (): void => {
    if (barVisible) stream.write('\r\x1b[2K');
    barVisible = false;
  };

  const drawBar = (): void => {
    const columns = stream.columns ?? 80;
    let line: string;
    if (total !== undefined && total > 0) {
      const ratio = Math.min(1, count / total);
      const filled = Math.round(ratio * BAR_WIDTH);
      const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
      line = `${options.label} [${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${percent} ${status()}`;
    } else {
      line = `${options.label} ${status()}`;
    }
    stream.write(`\r\x1b[2K${line.slice(0, Math.max(10, columns - 1))}`);
    barVisible = true;
    lastDraw = now();
  };

  const maybeDraw = (force: boolean): void => {
    if (finished) return;
    if (mode === 'bar') {
      if (force || now() - lastDraw >= redrawEveryMs) drawBar();
    } else if (mode === 'plain' && now() - lastPlainLog >= logEveryMs) {
      stream.write(`${options.label}: ${status()}\n`);
      lastPlainLog = now();
    }
  };

  return {
    tick(n = 1) {
      count += n;
      maybeDraw(total !== undefined && count >= total);
    },
    setTotal(newTotal) {
      total = newTotal;
      if (mode === 'bar') maybeDraw(true);
    },
    log(line) {
      if (mode === 'silent') return;
      clearBar();
      stream.write(`${line}\n`);
      if (mode === 'bar' && !finished) drawBar();
    },
    done() {
      if (finished) return;
      finished = true;
      if (mode === 'silent') return;
      clearBar();
      if (mode === 'plain' && count > 0) stream.write(`${options.label}: ${status()} done\n`);
    },
  };
}
