import path from 'node:path';
import { isScalar, type Node } from 'yaml';
import { parseDotEnv } from '../model/extract/compose-env.js';
import { isKustomizationFile } from '../model/file-kinds.js';
import type { SourceFile } from '../model/source-file.js';
import type { Span } from '../model/span.js';
import type { Workspace } from '../model/workspace.js';
import { getNode, innerSpanOf, parseYamlFile, seqItems, stringValue } from '../model/yaml.js';
import { isClearSecretValue } from './kubernetes-secret.js';

/** A value a kustomize `secretGenerator` puts into a Secret, as committed. */
export interface GeneratedValue {
  readonly key: string;
  readonly clear: string;
  /** where the value is written: the literal, the env file line, the file */
  readonly span: Span;
  /** the kustomization's list item that brings it in: the literal's value, the `envs`/`files` entry */
  readonly at: Span;
}

export interface GeneratedSecret {
  /** the generator entry's `name` */
  readonly name: string;
  /** the `secretGenerator` entry, to report at */
  readonly at: Span;
  readonly values: readonly GeneratedValue[];
}

/** What SOPS, age and OpenPGP leave in a file they encrypted. */
const ENCRYPTED = /ENC\[AES256_GCM,|-----BEGIN AGE ENCRYPTED FILE-----|-----BEGIN PGP MESSAGE-----|^sops_mac=/m;

/**
 * The Secrets kustomization files generate from values in the tree: `secretGenerator` `literals`
 * (`KEY=value`), `envs` (and the older `env`) dotenv files, and `files` (`[key=]path`), each value
 * as committed. Files that SOPS, age or OpenPGP encrypted are left out, as are files the scan did
 * not read; values are kept when they are secrets in clear by the rules of a Secret manifest.
 */
export function generatedSecrets(workspace: Workspace): GeneratedSecret[] {
  const found: GeneratedSecret[] = [];
  // only the kustomizations that name a generator are parsed: `--layer secrets` parses no other YAML
  const kustomizations = workspace.files.filter((file) => isKustomizationFile(file.baseName) && file.text.includes('secretGenerator'));
  for (const document of kustomizations.flatMap((file) => parseYamlFile(file).documents)) {
    const { file } = document;
    for (const entry of seqItems(getNode(document.root, 'secretGenerator'))) {
      const values = [
        ...seqItems(getNode(entry, 'literals')).flatMap((literal) => literalValue(file, literal)),
        ...[...seqItems(getNode(entry, 'envs')), getNode(entry, 'env')].flatMap((env) => envValues(workspace, file, env)),
        ...seqItems(getNode(entry, 'files')).flatMap((source) => fileValue(workspace, file, source)),
      ].filter((value) => isClearSecretValue(value.key, value.clear, value.clear, value.span.path));
      const range = entry.range;
      if (values.length === 0 || !range) continue;
      found.push({ name: stringValue(getNode(entry, 'name')) ?? '(unnamed)', at: file.span(range[0], range[0]), values });
    }
  }
  return found;
}

function literalValue(file: SourceFile, node: Node): GeneratedValue[] {
  const written = stringValue(node);
  const span = isScalar(node) ? innerSpanOf(file, node) : undefined;
  const equals = written?.indexOf('=') ?? -1;
  if (written === undefined || !span || equals <= 0) return [];
  const clear = unquoted(written.slice(equals + 1));
  const exact = file.text.slice(span.start, span.end) === written;
  const start = exact ? span.start + equals + 1 : span.start;
  const at = exact ? file.span(start, span.end) : span;
  return clear === '' ? [] : [{ key: written.slice(0, equals).trim(), clear, span: at, at }];
}

function envValues(workspace: Workspace, kustomization: SourceFile, node: Node | undefined): GeneratedValue[] {
  const env = treeFile(workspace, kustomization, stringValue(node));
  const at = isScalar(node) ? innerSpanOf(kustomization, node) : undefined;
  if (!env || !at || ENCRYPTED.test(env.text)) return [];
  return [...parseDotEnv(env)].flatMap(([key, { value, span }]) => (value === '' ? [] : [{ key, clear: value, span, at }]));
}

function fileValue(workspace: Workspace, kustomization: SourceFile, node: Node): GeneratedValue[] {
  const written = stringValue(node);
  const at = isScalar(node) ? innerSpanOf(kustomization, node) : undefined;
  if (written === undefined || !at) return [];
  const equals = written.indexOf('=');
  const source = treeFile(workspace, kustomization, equals === -1 ? written : written.slice(equals + 1));
  if (!source || ENCRYPTED.test(source.text) || source.text.trim() === '') return [];
  const key = equals === -1 ? path.posix.basename(source.path) : written.slice(0, equals);
  const firstLine = source.text.indexOf('\n');
  return [{ key, clear: source.text, span: source.span(0, firstLine === -1 ? source.text.length : firstLine), at }];
}

/** A file of the scanned tree named relative to the kustomization's directory. */
function treeFile(workspace: Workspace, kustomization: SourceFile, written: string | undefined): SourceFile | undefined {
  if (written === undefined || written.trim() === '' || written.includes('://')) return undefined;
  const joined = path.posix.normalize(path.posix.join(kustomization.directory, written.trim()));
  return joined.startsWith('../') ? undefined : workspace.tree.file(joined);
}

function unquoted(value: string): string {
  const trimmed = value.trim();
  return /^(["']).*\1$/s.test(trimmed) ? trimmed.slice(1, -1) : trimmed;
}
