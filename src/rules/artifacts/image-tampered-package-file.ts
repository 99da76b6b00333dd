import { defineRule } from '../rule.js';

/** Reported by `rampart image` (src/image/tamper/), never on a repository's files. */
export default defineRule({
  id: 'image-tampered-package-file',
  layer: 'artifacts',
  severity: 'critical',
  runsWith: '`rampart image REF|PATH`',
  integrationTest: 'test/image-tamper.test.ts',
  summary: 'A file an OS package owns whose content in the image differs from the digest its package database recorded (dpkg md5sums and Conffiles, apk Z: checksums, rpm file digests); edited configuration files are info.',
  rationale:
    'Package databases record a digest for every file a package installed. A binary or library whose bytes no longer ' +
    'match was replaced after the package was installed — by a later build step, a compromised base image or an ' +
    'intruder hiding a backdoor in `/usr/bin/ls` — and scanners that trust the package list never look at it again: ' +
    'vulnerability matching and SBOMs still report the packaged version. The finding names the layer and the ' +
    'history step (`created_by`) that wrote the changed file. Configuration files (dpkg conffiles, rpm %config) are ' +
    'meant to be edited, so a change there is reported as info.',
  remediation:
    'Find the build step that wrote the file (the finding names it) and why; rebuild without it, or reinstall the ' +
    'package. If the change is intended (a patched binary), build a package for it so the database tells the truth.',
  references: [
    'https://man7.org/linux/man-pages/man1/dpkg.1.html',
    'https://wiki.alpinelinux.org/wiki/Apk_spec',
    'https://rpm-software-management.github.io/rpm/manual/tags.html',
  ],
  messages: {
    tampered: '{image}: {path} belongs to {package} {version}, but its {algorithm} is {actual}, not {expected} as the package database says; layer {layer} changed it{step}.',
    conffile: '{image}: configuration file {path} of {package} {version} was edited (its {algorithm} differs from the package\'s) in layer {layer}{step}.',
  },
  examples: {
    bad: [{ file: 'image.txt', code: '# rampart image ./app.tar: usr/bin/ls differs from coreutils\' md5sums, written by RUN cp /tmp/ls /usr/bin/ls\n' }],
    good: [{ file: 'image.txt', code: '# rampart image ./app.tar: every packaged file matches its package database\n' }],
  },
  check() {
    // image findings come from `rampart image`, which reads the image itself
  },
});
