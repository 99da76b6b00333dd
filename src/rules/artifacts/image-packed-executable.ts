import { defineRule } from '../rule.js';

/** Reported by `rampart image` (src/image/tamper/), never on a repository's files. */
export default defineRule({
  id: 'image-packed-executable',
  layer: 'artifacts',
  severity: 'medium',
  runsWith: '`rampart image REF|PATH`',
  integrationTest: 'test/image-tamper.test.ts',
  summary: 'An executable compressed by a packer (UPX for ELF, PE and Mach-O; MPRESS for PE) in any layer of an image.',
  rationale:
    'Packed executables unpack themselves in memory: their code cannot be read by YARA rules, SBOM tools or Go/Rust ' +
    'build-info readers, which is why miners and bots are shipped UPX-packed. Distributions do not ship packed ' +
    'binaries; a packed one in an image deserves a look.',
  remediation: 'Find where the binary came from; use the unpacked release (or `upx -d`) so it can be inspected, or remove it.',
  references: ['https://upx.github.io/'],
  messages: {
    packed: '{image}: {path} (layer {layer}{step}) is packed with {packer}.',
  },
  examples: {
    bad: [{ file: 'image.txt', code: '# rampart image ./app.tar: usr/local/bin/agent carries a UPX! header\n' }],
    good: [{ file: 'image.txt', code: '# rampart image ./app.tar: no executable carries a packer\'s header\n' }],
  },
  check() {
    // image findings come from `rampart image`, which reads the image itself
  },
});
