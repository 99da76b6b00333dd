import v8 from 'node:v8';

let set = false;

/**
 * Keeps WebAssembly on V8's baseline compiler (--liftoff-only), called before the first HTTP request
 * of a process. undici parses HTTP with WebAssembly, which V8 compiled again with TurboFan once hot:
 * about 0.25 s of CPU in a run that downloads image layers, for a parser that only finds where body
 * chunks begin and end; the baseline compiler's code downloads as fast (a 48 MB blob: same CPU after
 * the first). Set here, not at start-up: loading node:v8 costs every run ~5 ms, and most make no request.
 */
export function keepWasmOnBaseline(): void {
  if (set) return;
  v8.setFlagsFromString('--liftoff-only');
  set = true;
}
