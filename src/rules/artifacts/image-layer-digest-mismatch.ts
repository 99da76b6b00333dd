import { defineRule } from '../rule.js';

/** Reported by `rampart image` while it reads an image (src/image/), never on a repository's files. */
export default defineRule({
  id: 'image-layer-digest-mismatch',
  layer: 'artifacts',
  severity: 'critical',
  runsWith: '`rampart image REF|PATH`',
  integrationTest: 'test/image.test.ts',
  summary: 'A blob or uncompressed layer of an image whose bytes do not hash to its descriptor digest or diff_id (`rampart image`).',
  rationale:
    'An image is content-addressed: the reference pins the manifest digest, the manifest pins the config and each ' +
    'layer blob, and the config pins each uncompressed layer (rootfs.diff_ids). A runtime that verifies them refuses ' +
    'the image; a tool or cache that does not can run whatever replaced the bytes. A mismatch means the image was ' +
    'altered after it was built (a tampered mirror, a modified archive, a poisoned cache) or was assembled wrongly, ' +
    'and nothing read from it can be trusted.',
  remediation:
    'Do not deploy the image. Pull it again from the registry that built it by digest and compare; find out who could ' +
    'write the mirror, archive or cache that served these bytes. Rebuild and re-sign the image if the registry copy ' +
    'itself is affected.',
  references: [
    'https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests',
    'https://github.com/opencontainers/image-spec/blob/main/config.md#layer-diffid',
  ],
  messages: {
    mismatch: '{image}: {detail}.',
  },
  examples: {
    bad: [{ file: 'image.txt', code: '# rampart image ./app.tar: a layer was edited after `docker save`\n' }],
    good: [{ file: 'image.txt', code: '# rampart image ./app.tar: every blob hashes to its digest\n' }],
  },
  check() {
    // image findings come from `rampart image`, which reads the image itself
  },
});
