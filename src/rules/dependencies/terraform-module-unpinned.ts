import { classifyGitRef, classifyVersion, describeGitRef } from '../../model/git-ref.js';
import { spanWithin } from '../../model/remote-refs.js';
import { parseTerraformSource } from '../../model/terraform-source.js';
import { parseHcl, type HclAttribute } from '../../model/terraform.js';
import type { SourceFile } from '../../model/source-file.js';
import type { Span } from '../../model/span.js';
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
    'Local modules (`./`, `../`) are part of this tree and are never reported. Terragrunt\'s `terraform { source }` ' +
    '(in `terragrunt.hcl` and the `.hcl` files it includes) and `unit`/`stack` sources of `terragrunt.stack.hcl` are ' +
    'read the same way, `tfr:///namespace/name/provider?version=` being a registry module, and so is a literal `?ref=` ' +
    'after an address built from a local or an include (`"${include.envcommon.locals.base_source_url}?ref=v0.8.0"`).',
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
    computed: 'Module {module} comes from a source computed when Terragrunt runs ({source}): what it fetches cannot be checked here. Write the source literally, its `?ref=` a full commit SHA.',
  },
  examples: {
    bad: [{ file: 'main.tf', code: 'module "vpc" {\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "~> 5.0" # expect: terraform-module-unpinned\n}\n' }],
    good: [{ file: 'main.tf', code: 'module "vpc" {\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "5.8.1"\n}\nmodule "local" {\n  source = "./modules/local"\n}\n' }],
  },
  check(context) {
    const report = (finding: SourceFinding): void => context.report(finding);
    for (const hcl of context.workspace.terraformFiles()) {
      for (const block of hcl.body.blocks) {
        if (block.type !== 'module') continue;
        const source = block.attributes.find((attribute) => attribute.name === 'source');
        const version = block.attributes.find((attribute) => attribute.name === 'version');
        checkSource(source, `"${block.labels[0] ?? '?'}"`, block.labels[0] ?? '', version, report);
      }
    }
    // Terragrunt: `terraform { source = … }` in terragrunt.hcl and the .hcl files it includes (Terraform's own
    // `terraform` block has no `source`), `unit`/`stack` blocks in terragrunt.stack.hcl
    for (const file of context.workspace.files.filter(isTerragruntCandidate)) {
      const stack = file.baseName === 'terragrunt.stack.hcl';
      for (const block of parseHcl(file).body.blocks) {
        if (block.type !== 'terraform' && !(stack && (block.type === 'unit' || block.type === 'stack'))) continue;
        const source = block.attributes.find((attribute) => attribute.name === 'source');
        const name = block.type === 'terraform' ? `\`terraform { source }\` of ${file.path}` : `${block.type} "${block.labels[0] ?? '?'}" of ${file.path}`;
        const raw = source && source.stringValue === undefined ? file.text.slice(source.valueSpan.start, source.valueSpan.end) : undefined;
        const computed = raw === undefined ? undefined : computedSource(raw);
        const label = block.labels[0] ?? block.type;
        if (source && computed) {
          report({ messageId: 'computed', at: source.valueSpan, data: { module: name, source: `\`${computed.text}\`` }, subject: `${label}\0${computed.text}`, properties: { module: label, source: computed.text }, ...(computed.remote ? {} : { severity: 'low' as const }) });
        }
        if (source && raw !== undefined && !computed) checkLiteralRef(source.valueSpan, raw, name, label, report);
        checkSource(source, name, label, undefined, report);
      }
    }
  },
});

/**
 * A Terragrunt source that is an expression, not a literal: a remote address with an interpolation
 * (`"git::https://…?ref=${local.version}"`: medium), or a bare reference (`local.source`: low, it may
 * name a local path). A local path built from Terragrunt's functions (`"${get_repo_root()}/modules/vpc"`) is none.
 */
function computedSource(raw: string): { text: string; remote: boolean } | undefined {
  const text = raw.trim();
  if (text.length > 300) return undefined;
  // a ref written literally after a computed address (`"${local.base_url}?ref=v1.0.0"`) says what is fetched
  const ref = /[?&]ref=([^&"]*)/.exec(text)?.[1];
  if (ref !== undefined && !ref.includes('${')) return undefined;
  if (text.startsWith('"')) return text.includes('${') && /::|:\/\/|\?ref=|^"(?:github\.com|bitbucket\.org|tfr:)/.test(text) ? { text, remote: true } : undefined;
  return /^(?:local|var|include|dependency)\.[A-Za-z0-9_.]+$/.test(text) ? { text, remote: false } : undefined;
}

/**
 * The usual Terragrunt layout builds a unit's source from a shared address and a literal ref
 * (`"${include.envcommon.locals.base_source_url}?ref=v0.8.0"`): the ref is judged as in a literal
 * source, a tag at low severity, a branch or name at the rule's.
 */
function checkLiteralRef(at: Span, raw: string, module: string, label: string, report: (finding: SourceFinding) => void): void {
  const match = /[?&]ref=([^&"#\s]+)/.exec(raw);
  const ref = match?.[1];
  if (!match || ref === undefined || ref.includes('${')) return;
  const kind = classifyGitRef(ref);
  if (kind === 'commit') return;
  const text = raw.trim();
  const repository = `\`${text.replace(/^"/, '').replace(/[?&]ref=.*$/, '')}\``;
  const start = match.index + match[0].length - ref.length;
  const refAt = spanWithin(at, { start, end: start + ref.length });
  const data = { module, repository, ref: describeGitRef(kind, ref) };
  const properties = { module: label, source: text };
  const subject = `${label}\0${text}`;
  report(kind === 'tag' ? { messageId: 'tag', at: refAt, data, subject, severity: 'low', properties } : { messageId: 'git', at: refAt, data, subject, properties });
}

/** HCL that may be Terragrunt's: `terragrunt.hcl`, `root.hcl`, `_envcommon/*.hcl`; not lock files, not Packer templates. */
const isTerragruntCandidate = (file: SourceFile): boolean =>
  file.baseName.endsWith('.hcl') && file.baseName !== '.terraform.lock.hcl' && !file.baseName.endsWith('.pkr.hcl') && file.text.includes('source');

interface SourceFinding {
  readonly messageId: 'git' | 'tag' | 'registry' | 'oci' | 'archive' | 'computed';
  readonly at: Span;
  readonly data: Record<string, string>;
  readonly subject: string;
  readonly properties: Record<string, string>;
  readonly severity?: 'low';
}

/** One module source: a Terraform `module` block's (with its `version`), or a Terragrunt unit's (`tfr://…?version=`). */
function checkSource(source: HclAttribute | undefined, module: string, label: string, version: HclAttribute | undefined, report: (finding: SourceFinding) => void): void {
  if (source?.stringValue === undefined || !source.stringSpan) return;
  const registry = terragruntRegistry(source.stringValue);
  const parsed = registry ? { kind: 'registry' as const, address: registry.address } : parseTerraformSource(source.stringValue);
  if (!parsed || parsed.kind === 'local') return;
  const subject = `${label}\0${source.stringValue}`;
  const properties = { module: label, source: source.stringValue };
  if (parsed.kind === 'registry') {
    if (version && version.stringValue === undefined) return;
    const written = registry ? registry.version : version?.stringValue;
    const kind = classifyVersion(written);
    if (kind === 'exact' || kind === 'partial') return;
    const described = written !== undefined ? `version \`${written}\`, a range` : 'no `version`, so the newest release';
    const at = registry?.versionRange ? spanWithin(source.stringSpan, registry.versionRange) : version?.valueSpan ?? source.valueSpan;
    report({ messageId: 'registry', at, data: { module, address: parsed.address, version: described }, subject, properties });
  } else if (parsed.kind === 'git' || parsed.kind === 'hg') {
    const ref = parsed.kind === 'git' ? parsed.remote.ref : parsed.ref;
    const range = parsed.kind === 'git' ? parsed.remote.refRange : parsed.refRange;
    const kind = classifyGitRef(ref);
    if (kind === 'commit') return;
    const repository = parsed.kind === 'git' ? parsed.remote.repository : source.stringValue.replace(/\?.*$/, '');
    const at = range ? spanWithin(source.stringSpan, range) : source.stringSpan;
    const data = { module, repository, ref: describeGitRef(kind, ref) };
    report(kind === 'tag' ? { messageId: 'tag', at, data, subject, severity: 'low', properties } : { messageId: 'git', at, data, subject, properties });
  } else if (parsed.kind === 'oci') {
    if (parsed.digest) return;
    const at = parsed.refRange ? spanWithin(source.stringSpan, parsed.refRange) : source.stringSpan;
    report({ messageId: 'oci', at, data: { module, ref: `\`${parsed.ref ?? 'latest'}\`` }, subject, properties });
  } else {
    report({ messageId: 'archive', at: source.stringSpan, data: { module, source: source.stringValue }, subject, severity: 'low', properties });
  }
}

/** Terragrunt's registry scheme: `tfr:///namespace/name/provider?version=5.8.1` (`tfr://host/…` for another registry). */
function terragruntRegistry(source: string): { address: string; version?: string; versionRange?: { start: number; end: number } } | undefined {
  const match = /^tfr:\/\/([^/?]*)\/([^?]+?)(?:\/\/[^?]*)?(?:\?(.*))?$/.exec(source.trim());
  if (!match) return undefined;
  const address = match[1] ? `${match[1]}/${match[2]}` : match[2]!;
  const query = match[3];
  if (query === undefined) return { address };
  let offset = source.indexOf('?') + 1;
  for (const pair of query.split('&')) {
    if (pair.startsWith('version=')) {
      const start = offset + 'version='.length;
      return { address, version: pair.slice('version='.length), versionRange: { start, end: offset + pair.length } };
    }
    offset += pair.length + 1;
  }
  return { address };
}
