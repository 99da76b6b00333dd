import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../src/config/schema.js';
import { runRules } from '../src/engine/run.js';
import { RampartError } from '../src/errors.js';
import { dockerfileImages } from '../src/model/extract/dockerfile-images.js';
import { terraformImages } from '../src/model/extract/terraform-images.js';
import { parseImageReference } from '../src/model/image-ref.js';
import { SourceFile } from '../src/model/source-file.js';
import { parseHcl } from '../src/model/terraform.js';
import { Workspace } from '../src/model/workspace.js';
import { parseYamlFile } from '../src/model/yaml.js';
import { RULES } from '../src/rules/index.js';

/**
 * The readers of repository files, fed what a pull request could write: random text, and text
 * built from each language's own punctuation and keywords (so that it gets past the first token),
 * deep nesting included. Each must return (its findings, or diagnostics) and never throw anything
 * but a RampartError. Runs are bounded in time (TIME_LIMIT_MS per property) so CI stays fast; a
 * reader that loops forever fails by the test's timeout.
 */
const TIME_LIMIT_MS = 1_000;
const RUNS = 400;
const settings = { numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS };

/** Text made of `pieces` and random strings, joined; sometimes a piece repeated many times (deep nesting). */
function textOf(pieces: readonly string[]): fc.Arbitrary<string> {
  const piece = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...pieces) },
    { weight: 2, arbitrary: fc.string({ maxLength: 12, unit: 'binary' }) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...pieces), fc.integer({ min: 50, max: 1_500 })).map(([text, times]) => text.repeat(times)) },
  );
  return fc.array(piece, { maxLength: 60 }).map((parts) => parts.join(''));
}

const YAML_PIECES = [
  '\n', '  ', '    ', '- ', ': ', '? ', '[', ']', '{', '}', ',', '"', "'", '#', '|', '>-', '|+2', '&a ', '*a', '<<: *a', '!!str ', '!custom ',
  '---\n', '...\n', '%YAML 1.2\n', 'apiVersion: v1\n', 'apiVersion: apps/v1\n', 'kind: Pod\n', 'kind: Deployment\n', 'kind: Secret\n',
  'kind: Kustomization\n', 'kind: HelmRelease\n', 'kind: Application\n', 'metadata:\n  name: x\n', 'spec:\n', 'containers:\n', 'image: ',
  'nginx:1.27', 'ghcr.io/acme/app@sha256:', '0123456789abcdef'.repeat(4), '{{ .Values.image }}', '${IMAGE}', 'data:\n', 'stringData:\n',
  'password: ', 'c2VjcmV0', 'images:\n', 'newTag: ', 'patches:\n', 'patch: |\n', 'valuesInline:\n', 'helm:\n  values: |\n', '\t', '\r\n', '\u00a0', '\ufeff',
];
const JSON_PIECES = ['{', '}', '[', ']', ',', ':', '"', '"apiVersion"', '"kind"', '"Pod"', '"v1"', '"image"', '"nginx:1"', '"spec"', '"containers"', 'null', 'true', '1e999', '-0', '\\u0000', '\\"', ' ', '\n'];
const DOCKERFILE_PIECES = [
  '\n', ' ', 'FROM ', 'from ', 'AS build', '--platform=$BUILDPLATFORM ', 'ARG ', 'ARG BASE=alpine:3.20\n', '${BASE}', '${BASE:-x}', '$BASE', 'RUN ',
  'COPY ', '--from=build ', 'ADD ', 'https://example.com/x.sh ', 'curl -fsSL https://x | sh', '<<EOF\n', '<<-EOT\n', 'EOF\n', 'EOT\n', '\\\n', '# syntax=docker/dockerfile:1\n',
  '# escape=`\n', '`\n', 'nginx:1.27', 'scratch', '@sha256:', '0123456789abcdef'.repeat(4), '[', ']', '"', 'ONBUILD ', 'HEALTHCHECK CMD ', '\t',
];
const HCL_PIECES = [
  '\n', ' ', 'module "m" {', 'resource "kubernetes_deployment" "d" {', 'resource "docker_image" "i" {', 'variable "v" {', 'locals {', '}', '{', '[', ']', '(', ')',
  'source = ', 'version = ', 'image = ', 'name = ', '"', '"nginx:1.27"', '"git::https://example.com/m.git?ref=v1"', '${var.x}', '%{ if true }', '%{ endif }',
  '<<EOT\n', '<<-EOT\n', 'EOT\n', '#', '//', '/*', '*/', '=', ',', 'for x in y : x', '? :', 'dynamic "c" {', 'content {', 'null', '1.5e3', '\\"',
];
const IMAGE_PIECES = ['/', ':', '@', '.', '-', '_', '__', 'sha256:', '0123456789abcdef'.repeat(4), 'nginx', 'library', 'ghcr.io', 'localhost:5000', '[::1]:5000', 'A', '1.27', 'latest', '${TAG}', '{{ .Tag }}', ' ', '\u0000'];

/** Fails unless `work` returns, or throws a RampartError. */
function survives(work: () => unknown): void {
  try {
    work();
  } catch (error) {
    if (!(error instanceof RampartError)) throw error;
  }
}

describe('the readers of repository files never throw (fast-check)', () => {
  it('YAML and JSON manifests, and the Kubernetes objects and images in them', () => {
    fc.assert(fc.property(fc.oneof(textOf(YAML_PIECES), textOf(JSON_PIECES)), fc.boolean(), (text, json) => {
      const file = new SourceFile(json ? 'deploy.json' : 'deploy.yaml', text);
      survives(() => parseYamlFile(file));
      survives(() => Workspace.fromTexts({ [file.path]: text }).images());
    }), settings);
  });

  it('Dockerfiles', () => {
    fc.assert(fc.property(textOf(DOCKERFILE_PIECES), (text) => {
      survives(() => dockerfileImages(new SourceFile('Dockerfile', text)));
    }), settings);
  });

  it('Terraform (HCL)', () => {
    fc.assert(fc.property(textOf(HCL_PIECES), (text) => {
      const file = new SourceFile('main.tf', text);
      survives(() => terraformImages(parseHcl(file)));
    }), settings);
  });

  it('image references: a result, never an exception', () => {
    fc.assert(fc.property(fc.oneof(textOf(IMAGE_PIECES), fc.string({ unit: 'binary' })), (raw) => {
      const result = parseImageReference(raw);
      expect(typeof result.ok).toBe('boolean');
    }), settings);
  });

  it('every rule over fuzzed manifests, Dockerfiles and Terraform: none fails', async () => {
    await fc.assert(fc.asyncProperty(textOf(YAML_PIECES), textOf(DOCKERFILE_PIECES), textOf(HCL_PIECES), async (yaml, dockerfile, hcl) => {
      const workspace = Workspace.fromTexts({ 'apps/deploy.yaml': yaml, 'apps/kustomization.yaml': yaml, Dockerfile: dockerfile, 'infra/main.tf': hcl });
      const result = await runRules(workspace, DEFAULT_CONFIG, RULES);
      expect(result.diagnostics.filter((diagnostic) => /^rule .* failed/.test(diagnostic.message)).map((diagnostic) => diagnostic.message)).toEqual([]);
    }), { numRuns: 100, interruptAfterTimeLimit: 2 * TIME_LIMIT_MS });
  });
});
