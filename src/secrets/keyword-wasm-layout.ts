/**
 * The memory layout the keyword automaton's two WebAssembly walks share (keyword-hits.wat and
 * keyword-presence.wat): bytes 0-255 hold each byte's column in a row (its class × 4), the walks'
 * final states are stored from 256, and the table of rows starts at 4096.
 */
export const CLASSES = 0;
export const FINAL_STATES = 256;
export const TABLE = 4096;
export const PAGE = 64 * 1024;

/** the automaton's tables, as keyword-automaton.ts holds them */
export interface AutomatonTables {
  /** state × width + class → next state's row offset (state × width), `| accepts` where keywords end */
  readonly transitions: Int32Array;
  readonly width: number;
  readonly accepts: number;
  /** byte → character class */
  readonly byteClass: Uint8Array;
  readonly longest: number;
}

/** the few WebAssembly calls used here (Node 20's type declarations have none) */
export interface WasmMemory<Buffer extends ArrayBufferLike = ArrayBufferLike> {
  readonly buffer: Buffer;
}
interface WasmRuntime {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
  Memory: new (limits: { initial: number; maximum: number; shared?: boolean }) => WasmMemory;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmRuntime }).WebAssembly;
const compiled = new Map<string, object>();

/** A memory of `pages` pages that cannot grow (shared between threads when asked). */
export function fixedMemory(pages: number): WasmMemory<ArrayBuffer>;
export function fixedMemory(pages: number, shared: true): WasmMemory<SharedArrayBuffer>;
export function fixedMemory(pages: number, shared = false): WasmMemory {
  return new wasm.Memory({ initial: pages, maximum: pages, shared });
}

/** The exports of an instance, over `memory`, of the module whose base64 is `moduleBase64` (compiled once). */
export function instantiate<Exports>(moduleBase64: string, memory: WasmMemory): Exports {
  let module = compiled.get(moduleBase64);
  if (!module) {
    module = new wasm.Module(Buffer.from(moduleBase64, 'base64'));
    compiled.set(moduleBase64, module);
  }
  return new wasm.Instance(module, { env: { memory } }).exports as Exports;
}

/** each byte's column in a row of the table: its character class × 4 (bytes of an i32 entry) */
export function byteColumns(byteClass: Uint8Array): Uint8Array {
  const columns = new Uint8Array(256);
  for (let byte = 0; byte < 256; byte += 1) columns[byte] = byteClass[byte]! * 4;
  return columns;
}

/** where data may start past a table of `tableBytes` at TABLE: the next page boundary */
export function pastTable(tableBytes: number): number {
  return Math.ceil((TABLE + tableBytes) / PAGE) * PAGE;
}
