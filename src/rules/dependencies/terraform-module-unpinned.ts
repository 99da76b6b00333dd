import { classifyGitRef, classifyVersion, describeGitRef } from '../../model/git-ref.js';
import { spanWithin } from '../../model/remote-refs.js';
import { parseTerraformSource } from '../../model/terraform-source.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'terraform-module-unpinned',
  layer: 'dependencies',
  severity: 'medium',
  objectKinds: [],
  summary: 'A Terraform module comes from git without `ref=<full commit SHA>`, or from a registry without an exact `version`.',
  rationale:
    '`terraform init` downloads module sources again on every fresh checkout, and the module\'s code runs with the ' +
    'credentials of whoever applies it. A git source without `?ref=` (the default branch), with a branch, or the ' +
    '`github.com/org/repo` shorthand, and a registry module whose `version` is a range (`~> 5.0`, `>= 1.0`) or ' +
    'missing, let someone else\'s push or release change your infrastructure with no commit here. A git tag is ' +
    'mutable too and is reported at low severity, as are HTTP/S3/GCS archives (their content is not checked). ' +
    'Local modules (`./`, `../`) are part of this tree and are never reported.',
  remediation:
    'Pin git sources to a commit: `source = "git::https://github.com/org/repo.git//modules/x?ref=<40-hex sha>"`; give ' +
    'registry modules an exact `version = "5.8.1"`. Renovate updates both through pull requests.',
  references: [
    'https://developer.hashicorp.com/terraform/language/modules/sources',
    'https://developer.hashicorp.com/terraform/language/expressions/version-constraints#terraform-core-and-provider-versions',
    'https://github.com/ossf/scorecard/blob/main/docs/checks.md#pinned-dependencies',
  ],
  messages: {
    git: 'Module {module} comes from {repository} at {ref}: a push there changes what `terraform init` fetches. Pin `?ref=` to a full commit SHA.',
    tag: 'Module {module} comes from {repository} at {ref}: a git tag can be moved (low severity); pin `?ref=` to a full commit SHA.',
    registry: 'Module {module} ({address}) has {version}: modules are not in the lock file, so every fresh `terraform init` takes the newest matching release. Use an exact version.',
    oci: 'Module {module} comes from an OCI tag {ref}: a tag can be re-pushed; pin `?digest=`.',
    archive: 'Module {module} is an archive fetched from {source} with nothing pinning its content (low severity).',
  },
  examples: {
    bad: [{ file: 'main.tf', code: 'module "vpc" {\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "~> 5.0" # expect: terraform-module-unpinned\n}\n' }],
    good: [{ file: 'main.tf', code: 'module "vpc" {\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "5.8.1"\n}\nmodule "local" {\n  source = "./modules/local"\n}\n' }],
  },
  check(context) {
    for (const hcl of context.workspace.terraformFiles()) {
      for (const block of hcl.body.blocks) {
        if (block.type !== 'module') continue;
        const source = block.attributes.find((attribute) => attribute.name === 'source');
        if (source?.stringValue === undefined || !source.stringSpan) continue;
        const parsed = parseTerraformSource(source.stringValue);
        if (!parsed || parsed.kind === 'local') continue;
        const module = `"${block.labels[0] ?? '?'}"`;
        const subject = `${block.labels[0] ?? ''}\0${source.stringValue}`;
        const properties = { module: block.labels[0] ?? '', source: source.stringValue };
        if (parsed.kind === 'registry') {
          const version = block.attributes.find((attribute) => attribute.name === 'version');
          if (version && version.stringValue === undefined) continue;
          const kind = classifyVersion(version?.stringValue);
          if (kind === 'exact' || kind === 'partial') continue;
          const described = version?.stringValue !== undefined ? `version \`${version.stringValue}\`, a range` : 'no `version`, so the newest release';
          context.report({ messageId: 'registry', at: version?.valueSpan ?? source.valueSpan, data: { module, address: parsed.address, version: described }, subject, properties });
        } else if (parsed.kind === 'git' || parsed.kind === 'hg') {
          const ref = parsed.kind === 'git' ? parsed.remote.ref : parsed.ref;
          const range = parsed.kind === 'git' ? parsed.remote.refRange : parsed.refRange;
          const kind = classifyGitRef(ref);
          if (kind === 'commit') continue;
          const repository = parsed.kind === 'git' ? parsed.remote.repository : source.stringValue.replace(/\?.*$/, '');
          const at = range ? spanWithin(source.stringSpan, range) : source.stringSpan;
          const data = { module, repository, ref: describeGitRef(kind, ref) };
          if (kind === 'tag') context.report({ messageId: 'tag', at, data, subject, severity: 'low', properties });
          else context.report({ messageId: 'git', at, data, subject, properties });
        } else if (parsed.kind === 'oci') {
          if (parsed.digest) continue;
          const at = parsed.refRange ? spanWithin(source.stringSpan, parsed.refRange) : source.stringSpan;
          context.report({ messageId: 'oci', at, data: { module, ref: `\`${parsed.ref ?? 'latest'}\`` }, subject, properties });
        } else {
          context.report({ messageId: 'archive', at: source.stringSpan, data: { module, source: source.stringValue }, subject, severity: 'low', properties });
        }
      }
    }
  },
});
