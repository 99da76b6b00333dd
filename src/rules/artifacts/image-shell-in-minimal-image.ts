import { defineRule } from '../rule.js';

/** Reported by `rampart image` (src/image/tamper/), never on a repository's files. */
export default defineRule({
  id: 'image-shell-in-minimal-image',
  layer: 'artifacts',
  severity: 'medium',
  runsWith: '`rampart image REF|PATH`',
  integrationTest: 'test/image-tamper.test.ts',
  summary: 'A shell or network tool (sh, bash, busybox, curl, wget, nc, socat, telnet) in an image that has no package manager (distroless, scratch-based).',
  rationale:
    'Distroless and scratch images leave shells and download tools out so that code execution in the container does not ' +
    'give an intruder a shell or a way to fetch a second stage. One of them in such an image was added on top — by a ' +
    'debug layer left in, or by someone who wanted it there.',
  remediation: 'Remove it from the final stage (use a debug variant only for debugging), or base the image on one that is meant to have a shell.',
  references: ['https://github.com/GoogleContainerTools/distroless#why-should-i-use-distroless-images'],
  messages: {
    tool: '{image}: {path} (layer {layer}{step}) is a shell or network tool in an image without a package manager.',
  },
  examples: {
    bad: [{ file: 'image.txt', code: '# rampart image ./app.tar: a distroless image with busybox copied into /bin\n' }],
    good: [{ file: 'image.txt', code: '# rampart image ./app.tar: a distroless image with only the application binary\n' }],
  },
  check() {
    // image findings come from `rampart image`, which reads the image itself
  },
});
