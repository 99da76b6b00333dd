import type { LayerVisitor } from '../analyze.js';
import type { ImageEntry } from '../squash.js';

const HEAD_BYTES = 4096;
const DIVERSIONS = /^var\/lib\/dpkg\/diversions$/;

/** The packer whose marks a file's first bytes carry, if any. */
export function packerOf(head: Buffer): string | undefined {
  if (head.length < 64) return undefined;
  const elf = head.readUInt32BE(0) === 0x7f454c46;
  const pe = head[0] === 0x4d && head[1] === 0x5a;
  const machO = [0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe].includes(head.readUInt32BE(0));
  if (!elf && !pe && !machO) return undefined;
  // UPX writes its `UPX!` header (l_info / p_info) right after the program headers, and names PE sections UPX0/UPX1
  if ((elf || machO) && head.includes('UPX!')) return 'UPX';
  if (pe && (head.includes('UPX0\0') || head.includes('UPX!'))) return 'UPX';
  if (pe && head.includes('.MPRESS1')) return 'MPRESS';
  if (head.includes('$Info: This file is packed with the UPX')) return 'UPX';
  return undefined;
}

/** Reads what the tampering checks need beyond digests: packers' marks in executables, dpkg diversions. */
export class ExecutableProbe implements LayerVisitor {
  readonly packed: Array<{ path: string; layer: number; packer: string }> = [];
  readonly diversions: Array<{ path: string; layer: number; diverted: string[] }> = [];

  wanted(entry: ImageEntry): number {
    if (entry.type !== 'file') return 0;
    if (DIVERSIONS.test(entry.path)) return 4 * 1024 * 1024;
    return (entry.mode & 0o111) !== 0 || /\.(exe|dll|so(\.[0-9.]+)?)$/i.test(entry.path) ? HEAD_BYTES : 0;
  }

  visit(entry: ImageEntry, content: Buffer): void {
    if (DIVERSIONS.test(entry.path)) {
      // three lines per diversion: the original path, where it was diverted to, the diverting package
      const lines = content.toString('utf8').split('\n');
      const diverted: string[] = [];
      for (let index = 0; index + 2 < lines.length; index += 3) diverted.push(lines[index]!);
      this.diversions.push({ path: entry.path, layer: entry.layer, diverted });
      return;
    }
    const packer = packerOf(content);
    if (packer) this.packed.push({ path: entry.path, layer: entry.layer, packer });
  }

  saveLayer(layer: number): unknown {
    return { packed: this.packed.filter((item) => item.layer === layer), diversions: this.diversions.filter((item) => item.layer === layer) };
  }

  restoreLayer(layer: number, state: unknown): void {
    const saved = state as Pick<ExecutableProbe, 'packed' | 'diversions'>;
    for (const item of saved.packed) this.packed.push({ ...item, layer });
    for (const item of saved.diversions) this.diversions.push({ ...item, layer });
  }
}
