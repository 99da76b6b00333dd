import { defineRule } from '../rule.js';

/** Reported by `rampart image` (src/image/tamper/), never on a repository's files. */
export default defineRule({
  id: 'image-unowned-executable',
  layer: 'artifacts',
  severity: 'medium',
  runsWith: '`rampart image REF|PATH`',
  integrationTest: 'test/image-tamper.test.ts',
  summary: 'An executable in a system directory (`/bin`, `/sbin`, `/usr/bin`, `/usr/sbin`, `/usr/libexec`, `/lib`, `/usr/lib`) that no package database and no language package owns.',
  rationale:
    'In an image with a package database, the distribution\'s directories hold what packages installed. An executable ' +
    'there that no package owns was copied in by hand: it has no version, no advisories and no SBOM entry, and it is ' +
    'where a dropped binary hides among the real ones. `/usr/local` and application directories are not checked: ' +
    'that is where software installed outside the package manager belongs.',
  remediation:
    'Install the program from a package, or move it to `/usr/local/bin` or the application\'s own directory and record ' +
    'where it came from; remove it if nobody knows.',
  references: ['https://refspecs.linuxfoundation.org/FHS_3.0/fhs/ch04s04.html'],
  messages: {
    unowned: '{image}: {path} (layer {layer}{step}) is an executable in a system directory that no package owns.',
  },
  examples: {
    bad: [{ file: 'image.txt', code: '# rampart image ./app.tar: usr/sbin/kworkerd is in no dpkg file list\n' }],
    good: [{ file: 'image.txt', code: '# rampart image ./app.tar: every executable in /usr/bin belongs to a package\n' }],
  },
  check() {
    // image findings come from `rampart image`, which reads the image itself
  },
});
