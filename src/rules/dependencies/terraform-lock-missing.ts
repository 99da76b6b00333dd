import path from 'node:path';
import type { HclBlock, HclFile } from '../../model/terraform.js';
import { parseTerraformSource } from '../../model/terraform-source.js';
import { defineRule } from '../rule.js';
import { joinPath } from './support.js';

/** Directories of test fixtures: roots nobody applies for real. */
const FIXTURE_DIRECTORY = /(?:^|\/)(?:\.terraform|test|tests|testdata|fixtures)(?:\/|$)/;
/** Terraform's standard module structure keeps reusable modules under `modules/`, called from elsewhere (often another repository) */
const NESTED_MODULE_DIRECTORY = /(?:^|\/)modules\/[^/]+/;

export default defineRule({
  id: 'terraform-lock-missing',
  layer: 'dependencies',
  severity: 'low',
  objectKinds: [],
  summary: 'A Terraform root module with providers has no committed `.terraform.lock.hcl`.',
  rationale:
    'The dependency lock file records the exact version and the checksums of every provider a root module uses. ' +
    'Without it, each `terraform init` on a fresh checkout (every CI run) picks the newest provider the constraints ' +
    'allow and trusts whatever the registry serves; with it, a changed provider package fails the checksum check. ' +
    'A root module is a directory that configures providers (a `provider` block) or state (`backend`/`cloud`), ' +
    'uses providers, and is not called as a local child module by another module of the tree; reusable modules ' +
    'must not commit a lock, so they are not reported. A directory under `modules/` (Terraform\'s standard module ' +
    'structure) is taken for a reusable module unless it configures state. Test fixture directories are left out.',
  remediation:
    'Run `terraform init` (and `terraform providers lock -platform=linux_amd64 -platform=darwin_arm64 …` for every ' +
    'platform you use) in the root module and commit `.terraform.lock.hcl`; make sure `.gitignore` does not exclude it.',
  references: [
    'https://developer.hashicorp.com/terraform/language/files/dependency-lock',
    'https://developer.hashicorp.com/terraform/cli/commands/providers/lock',
  ],
  messages: {
    missing: 'Root module {directory} uses providers ({providers}) and has no committed .terraform.lock.hcl: `terraform init` takes whatever provider versions and packages it finds.',
  },
  examples: {
    bad: [{ file: 'main.tf', code: 'provider "google" { # expect: terraform-lock-missing\n  project = "acme"\n}\n' }],
    good: [{ file: 'modules/bucket/main.tf', code: 'resource "google_storage_bucket" "b" {\n  name = "acme"\n}\n' }],
  },
  check(context) {
    const { workspace } = context;
    const byDirectory = new Map<string, HclFile[]>();
    for (const hcl of workspace.terraformFiles()) {
      const directory = hcl.file.directory;
      const files = byDirectory.get(directory);
      if (files) files.push(hcl);
      else byDirectory.set(directory, [hcl]);
    }
    const children = new Set<string>();
    for (const [directory, files] of byDirectory) {
      for (const block of files.flatMap((hcl) => hcl.body.blocks)) {
        const source = block.type === 'module' ? block.attributes.find((attribute) => attribute.name === 'source')?.stringValue : undefined;
        if (source !== undefined && parseTerraformSource(source)?.kind === 'local') children.add(path.posix.normalize(joinPath(directory, source)).replace(/\/+$/, ''));
      }
    }
    for (const [directory, files] of byDirectory) {
      if (FIXTURE_DIRECTORY.test(directory) || children.has(directory || '.')) continue;
      if (workspace.has(joinPath(directory, '.terraform.lock.hcl'))) continue;
      const located = files.flatMap((hcl) => hcl.body.blocks.map((block) => ({ hcl, block })));
      const providers = new Set<string>();
      for (const { block } of located) for (const name of providerNames(block)) providers.add(name);
      const stateMarker = located.find(({ block }) => block.type === 'terraform' && block.blocks.some((inner) => inner.type === 'backend' || inner.type === 'cloud'));
      // a module under modules/ is reusable even with provider blocks (a legacy style), unless it keeps state
      const providerMarker = NESTED_MODULE_DIRECTORY.test(directory) ? undefined : located.find(({ block }) => block.type === 'provider');
      const rootMarker = providerMarker ?? stateMarker;
      if (!rootMarker || providers.size === 0) continue;
      const { hcl, block } = rootMarker;
      const lineEnd = hcl.file.text.indexOf('\n', block.span.start);
      context.report({
        messageId: 'missing',
        at: hcl.file.span(block.span.start, lineEnd === -1 ? block.span.end : Math.min(lineEnd, block.span.end)),
        data: { directory: directory === '' ? '(root)' : directory, providers: [...providers].sort().join(', ') },
        subject: joinPath(directory, '.terraform.lock.hcl'),
      });
    }
  },
});

/** Providers a block uses: `provider "x"`, `required_providers { x = … }`, and the prefix of resource and data types. */
function providerNames(block: HclBlock): string[] {
  if (block.type === 'provider' && block.labels[0]) return [block.labels[0]];
  if (block.type === 'terraform') {
    return block.blocks.filter((inner) => inner.type === 'required_providers').flatMap((inner) => inner.attributes.map((attribute) => attribute.name));
  }
  if ((block.type === 'resource' || block.type === 'data' || block.type === 'ephemeral') && block.labels[0]) {
    const prefix = block.labels[0].split('_')[0];
    // `terraform_data` and `terraform_remote_state` are built in
    return prefix && prefix !== 'terraform' ? [prefix] : [];
  }
  return [];
}
