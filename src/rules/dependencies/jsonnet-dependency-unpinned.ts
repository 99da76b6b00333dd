import { isJsonnetfile, jsonnetDependencies, jsonnetDependencyKey } from '../../model/jsonnet-bundler.js';
import { defineRule } from '../rule.js';

const COMMIT = /^[0-9a-f]{40}$/i;

export default defineRule({
  id: 'jsonnet-dependency-unpinned',
  layer: 'dependencies',
  severity: 'medium',
  objectKinds: [],
  summary: 'A jsonnet-bundler `jsonnetfile.json` git dependency (Tanka, kube-prometheus, mixins) follows a branch or tag that no committed `jsonnetfile.lock.json` pins to a commit.',
  rationale:
    '`jb install` fetches each git dependency of `jsonnetfile.json` into `vendor/` and records the commit it got in ' +
    '`jsonnetfile.lock.json`; later installs take the locked commit. Without a lock entry, every install (each CI ' +
    'run, each fresh checkout) takes whatever the branch or tag holds at the time, and the Jsonnet that renders the ' +
    'manifests changes with no reviewed commit here. A dependency counts as locked when any jsonnetfile.lock.json of ' +
    'the tree has its repository and subdirectory at a commit (a library\'s own jsonnetfile is locked by the ' +
    'project that vendors it).',
  remediation:
    'Run `jb install` and commit `jsonnetfile.lock.json` (and, if you vendor, `vendor/`); or write the commit SHA as the ' +
    'dependency\'s `version`. Update with `jb update` in a reviewed pull request.',
  references: [
    'https://github.com/jsonnet-bundler/jsonnet-bundler',
    'https://tanka.dev/install#jsonnet-bundler',
  ],
  messages: {
    unlocked: '{file} depends on {remote}{subdir} at {version}, and no jsonnetfile.lock.json pins it to a commit: `jb install` takes whatever that holds when it runs.',
  },
  examples: {
    bad: [{ file: 'jsonnetfile.json', code: '{\n  "version": 1,\n  "dependencies": [\n    {\n      "source": {"git": {"remote": "https://github.com/grafana/jsonnet-libs.git", "subdir": "ksonnet-util"}},\n      "version": "master" # expect: jsonnet-dependency-unpinned\n    }\n  ]\n}\n' }],
    good: [{ file: 'jsonnetfile.json', code: '{\n  "version": 1,\n  "dependencies": [\n    {\n      "source": {"git": {"remote": "https://github.com/grafana/jsonnet-libs.git", "subdir": "ksonnet-util"}},\n      "version": "0123456789abcdef0123456789abcdef01234567"\n    },\n    {\n      "source": {"local": {"directory": "lib/acme"}},\n      "version": ""\n    }\n  ]\n}\n' }],
  },
  check(context) {
    const files = context.workspace.tree.files.filter(isJsonnetfile);
    const locked = new Set(files.filter((file) => file.baseName === 'jsonnetfile.lock.json').flatMap(jsonnetDependencies)
      .filter((dependency) => COMMIT.test(dependency.version?.value.trim() ?? '')).map((dependency) => jsonnetDependencyKey(dependency.remote, dependency.subdir)));
    for (const file of context.workspace.files) {
      if (file.baseName !== 'jsonnetfile.json') continue;
      for (const dependency of jsonnetDependencies(file)) {
        const version = dependency.version?.value.trim() ?? '';
        if (COMMIT.test(version) || locked.has(jsonnetDependencyKey(dependency.remote, dependency.subdir))) continue;
        context.report({
          messageId: 'unlocked',
          at: dependency.version?.span ?? dependency.span,
          data: { file: file.path, remote: dependency.remote, subdir: dependency.subdir ? ` (${dependency.subdir})` : '', version: version ? `\`${version}\`` : 'its default branch' },
          subject: jsonnetDependencyKey(dependency.remote, dependency.subdir),
        });
      }
    }
  },
});
