import { constants, createGunzip, type Gunzip } from 'node:zlib';

/** the synchronous write of Node's zlib binding (src/node_zlib.cc), the one `zlib.gunzipSync` uses */
interface ZlibHandle {
  writeSync(flush: number, input: Uint8Array, inOffset: number, inLength: number, output: Uint8Array, outOffset: number, outLength: number): void;
}

interface GunzipFields {
  readonly _handle?: ZlibHandle | null;
  /** [output bytes left, input bytes left] after each write */
  readonly _writeState?: Uint32Array;
}

const EMPTY = new Uint8Array(0);

/**
 * gunzip into memory the caller owns, synchronously. A zlib stream allocates a new buffer for every
 * output chunk and hands every write to the thread pool and back: on a 400 MB layer that was half
 * again the CPU of the inflating itself (fresh pages, context switches, collections). This drives
 * the binding a `Gunzip` stream holds, as `zlib.gunzipSync` does, so the same C++ decides what a
 * stream is: concatenated members are read on, zeros after the last one end it, anything else is
 * an error with zlib's message.
 */
export class GzipInto {
  /** the stream ended before its input did (zeros after it): later input is not decompressed */
  ended = false;

  private constructor(private readonly stream: Gunzip, private readonly handle: ZlibHandle, private readonly state: Uint32Array) {}

  /** undefined where this Node's Gunzip does not have the fields (callers then use the stream) */
  static create(): GzipInto | undefined {
    const stream = createGunzip();
    stream.on('error', () => undefined); // thrown by `inflate` instead
    const { _handle: handle, _writeState: state } = stream as unknown as GunzipFields;
    if (typeof handle?.writeSync !== 'function' || !(state instanceof Uint32Array) || state.length < 2) {
      stream.destroy();
      return undefined;
    }
    return new GzipInto(stream, handle, state);
  }

  /**
   * Decompresses `input` (all of it, or none when it is undefined and the stream is to finish)
   * into `output`, stopping when that is full. Returns the input bytes consumed and the output bytes
   * written: call again with the rest of the input while the output was filled. Throws zlib's error
   * for corrupt data, and `unexpected end of file` when finishing a stream cut short.
   */
  inflate(input: Uint8Array | undefined, output: Uint8Array): { consumed: number; produced: number } {
    const source = input ?? EMPTY;
    this.handle.writeSync(input ? constants.Z_NO_FLUSH : constants.Z_FINISH, source, 0, source.length, output, 0, output.length);
    if (this.stream.destroyed) throw this.stream.errored ?? new Error('gzip: the decompressor failed');
    const outputLeft = this.state[0]!;
    const inputLeft = this.state[1]!;
    if (outputLeft > 0 && inputLeft > 0) this.ended = true;
    return { consumed: source.length - inputLeft, produced: output.length - outputLeft };
  }

  close(): void {
    this.stream.destroy();
  }
}
