import { defineRule } from '../rule.js';

/** Reported by `rampart image` (src/image/tamper/), never on a repository's files. */
export default defineRule({
  id: 'image-unowned-setuid',
  layer: 'artifacts',
  severity: 'high',
  runsWith: '`rampart image REF|PATH`',
  integrationTest: 'test/image-tamper.test.ts',
  summary: 'A setuid or setgid file that no package owns, or whose package records it without those bits (rpm).',
  rationale:
    'A setuid-root program runs as root for whoever starts it. Distributions ship a short, reviewed list of them; one ' +
    'that no package owns, or a packaged file that gained the bit, is a privilege-escalation path planted in the image.',
  remediation: 'Remove the setuid/setgid bit (`chmod u-s,g-s`) or the file; if the program needs privileges, give it a capability or run it as root explicitly.',
  references: ['https://man7.org/linux/man-pages/man2/execve.2.html'],
  messages: {
    unowned: '{image}: {path} (layer {layer}{step}) is set{bits} with mode {mode} and no package owns it.',
    changed: '{image}: {path} (layer {layer}{step}) is set{bits} with mode {mode}, but {package} records mode {recorded}.',
  },
  examples: {
    bad: [{ file: 'image.txt', code: '# rampart image ./app.tar: usr/local/sbin/helper is setuid root and in no package\n' }],
    good: [{ file: 'image.txt', code: '# rampart image ./app.tar: the only setuid files are passwd, su and mount from their packages\n' }],
  },
  check() {
    // image findings come from `rampart image`, which reads the image itself
  },
});
