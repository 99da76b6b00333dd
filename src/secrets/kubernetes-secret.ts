import { kubeObjectsOf, type KubeObject } from '../model/kubernetes.js';
import type { SourceFile } from '../model/source-file.js';
import type { Span } from '../model/span.js';
import type { Workspace } from '../model/workspace.js';
import { getNode, innerSpanOf, isMap, isScalar, mapEntries, parseYamlFile, stringValue } from '../model/yaml.js';
import { decodeBase64Text } from './base64-text.js';
import { standInKind } from './clear-values.js';
import { isCredentialKey } from './detectors/generic-key.js';
import { isRandomSecretValue } from './detectors/generic-value-shape.js';
import { isPlaceholder } from './placeholders.js';
import { findSecrets, type SecretMatch } from './scan-text.js';
import { secretObjectKinds } from './secret-object-lines.js';

export { decodeBase64Text };

export interface SecretValue {
  readonly key: string;
  readonly field: 'data' | 'stringData';
  /** the value as written (base64 under `data`) */
  readonly raw: string;
  /** the value in clear: decoded from base64 under `data`; undefined when it is not text */
  readonly clear: string | undefined;
  readonly span: Span;
  /** SOPS ciphertext (`ENC[…]`) */
  readonly encrypted: boolean;
}

export interface SecretManifest {
  readonly object: KubeObject;
  /** the document carries a `sops:` block: values are meant to be ciphertext */
  readonly sops: boolean;
  readonly values: readonly SecretValue[];
}

/** Keys whose values are public or not secret by nature (Argo CD repository secrets, TLS certificates). */
const PUBLIC_KEYS = /^(?:type|project|login|server|insecure|proxy|noproxy|enableoci|githubappid|githubappinstallationid|githubappenterprisebaseurl|clusterresources|shard|scheme|path|known_hosts|ssh_known_hosts|ca|cert|certificate|ca\.pem|.*\.(?:crt|pub|cer))$|(?:name|user|username|address|url|uri|host|hostname|endpoint|port|namespace|region|email|database|db|dbname|bucket|(?:client|tenant|subscription|project|app|application)[_.-]?id)(?:_in|_out)?$/i;

/** Values written in clear that are not placeholders and do not belong to a public key. */
export function plaintextValues(manifest: Pick<SecretManifest, 'values'>): SecretValue[] {
  const keys = new Set(manifest.values.map((value) => value.key.toLowerCase()));
  return manifest.values.filter((value) => !value.encrypted && value.clear !== undefined && !isKeyIdBesideSecret(value.key, value.clear, keys, value.span.path)
    && isClearSecretValue(value.key, value.raw, value.clear, value.span.path));
}

const ACCESS_KEY = /^(.*?)access[_.-]?key(?:[_.-]?id)?$/i;

/**
 * An access key beside its secret key in one Secret (MinIO's and S3 clients' `accesskey` and
 * `secretkey`, `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`): the access key is the pair's id,
 * a user name (`enterprise-metrics`), and the secret key the credential. A value a detector knows
 * (`AKIA…`) is still reported by that detector.
 */
function isKeyIdBesideSecret(key: string, clear: string, keys: ReadonlySet<string>, path: string): boolean {
  const access = ACCESS_KEY.exec(key);
  if (!access) return false;
  const prefix = access[1]!.toLowerCase();
  const separators = ['', '_', '-', '.'];
  const hasSecret = separators.some((separator) => keys.has(`${prefix}secret${separator}key`) || keys.has(`${prefix}secret${separator}access${separator}key`));
  return hasSecret && findSecrets(clear.trim(), path).length === 0;
}

/** A value a Secret holds under `key`, written as `raw` and reading `clear`, that is a secret in clear (the same judgement for manifests and generators). */
export function isClearSecretValue(key: string, raw: string, clear: string, path: string): boolean {
  return !PUBLIC_KEYS.test(key) && !isPlaceholder(raw) && holdsSecretInClear(key, clear, path);
}

/** `KEY=value`, `key: value`, `"key": "value"` lines of a config file or script held in a Secret. */
const ASSIGNMENT_LINE = /^[ \t]*(?:export[ \t]+|-[ \t]+)?["']?([A-Za-z0-9_.-]{2,80})["']?[ \t]*[:=][ \t]*["']?([^\s"'#,;]{4,})/gm;

/**
 * Whether a Secret value is a secret in clear. One line: unless it only stands for one (a
 * reference, a placeholder, a documentation value, filler, a MIME type), when its key names a
 * credential, it looks random, or a detector recognises it; a word under another key
 * (`accept: application/json`, `region: eu-west-1`) is configuration kept in a Secret. A file (a
 * script, a config, a key): when it holds a credential a detector recognises, or assigns a clear
 * value to a credential key; a shell script or a config of public settings is no secret.
 */
function holdsSecretInClear(key: string, clear: string, path: string): boolean {
  const text = clear.trim();
  // one `KEY=value` line (a section of an INI config held key by key: `metrics: ENABLED=false`) is read as a config
  if (!text.includes('\n') && !CONFIG_LINE.test(text)) {
    if (standInKind(text) !== undefined) return false;
    return isCredentialKey(key) || (!isProse(text) && isRandomSecretValue(text, 8)) || findSecrets(text, path).length > 0;
  }
  if (findSecrets(text, path).length > 0) return true;
  for (const [, name, value] of text.matchAll(ASSIGNMENT_LINE)) {
    if (isCredentialKey(name!) && standInKind(value!) === undefined) return true;
  }
  return false;
}

/** One `KEY=value` assignment: upper-case or dotted config keys, a value without blanks. */
const CONFIG_LINE = /^[A-Za-z_][A-Za-z0-9_.-]{1,80}[ \t]*=[ \t]*[^\s=][^\s]*$/;

/**
 * A sentence (`this is id_rsa base64 string`, a sample's stand-in for a key): three or more words,
 * most of them plain lower-case words. Its mix of spaces, letters and digits is no randomness.
 */
function isProse(text: string): boolean {
  const words = text.split(/\s+/);
  return words.length >= 3 && words.filter((word) => /^[A-Za-z][a-z]*[.,:;!?]?$/.test(word)).length >= words.length * 0.6;
}

/** `kind: Secret` in YAML, `"kind": "Secret"` in JSON (and YAML flow style), on one line */
const SECRET_KIND = /^[ \t]*(?:-[ \t]+)?kind:[ \t]*["']?(?:Secret|SealedSecret)["']?[ \t]*(?:#.*)?$|"kind"[ \t]*:[ \t]*"(?:Secret|SealedSecret)"/;

/**
 * Secret and SealedSecret objects. Only files that declare one of these kinds are parsed: a
 * secrets-only scan of a large tree need not parse every manifest (other layers share nothing here).
 */
function secretObjects(workspace: Workspace): KubeObject[] {
  return workspace.derived('secret-objects', () => workspace.manifestFiles()
    .filter((file) => declaresSecret(file.text))
    .flatMap((file) => workspace.parsedYaml(file).documents.flatMap(kubeObjectsOf))
    .filter((object) => object.kind === 'Secret' || object.kind === 'SealedSecret'));
}

/** Every `v1` Secret manifest of the tree with its values. */
export function secretManifests(workspace: Workspace): SecretManifest[] {
  return manifestsOf(secretObjects(workspace));
}

function manifestsOf(objects: readonly KubeObject[]): SecretManifest[] {
  return objects.flatMap((object) => {
    const manifest = secretManifestOf(object);
    return manifest ? [manifest] : [];
  });
}

/** A `v1` Secret object's values, decoded; undefined for other objects. */
export function secretManifestOf(object: KubeObject): SecretManifest | undefined {
  if (object.kind !== 'Secret' || object.apiVersion !== 'v1') return undefined;
  const file = object.source.file;
  const sops = isMap(object.source.root) && getNode(object.source.root, 'sops') !== undefined;
  const values: SecretValue[] = [];
  for (const field of ['data', 'stringData'] as const) {
    for (const entry of mapEntries(getNode(object.node, field))) {
      const raw = stringValue(entry.value);
      if (raw === undefined || !isScalar(entry.value)) continue;
      const span = innerSpanOf(file, entry.value);
      if (!span) continue;
      const encrypted = raw.startsWith('ENC[');
      const clear = field === 'data' ? decodeBase64Text(raw) : raw;
      values.push({ key: entry.key, field, raw, clear: encrypted ? undefined : clear, span, encrypted });
    }
  }
  return { object, sops, values };
}

/** Credentials inside the base64 `data` values of a Secret, each with the value it was decoded from. */
export function decodedDataMatches(manifest: Pick<SecretManifest, 'values'>): Array<{ readonly value: SecretValue; readonly match: SecretMatch }> {
  return manifest.values.flatMap((value) => (value.field === 'data' && value.clear !== undefined
    ? findSecrets(value.clear, value.span.path).map((match) => ({ value, match }))
    : []));
}

/** Whether a file declares a Secret or SealedSecret: only those need parsing for this layer. */
export function declaresSecret(text: string): boolean {
  // only lines that name `Secret` are tested: a multiline regex tries every position of the text
  for (let at = text.indexOf('Secret'); at !== -1;) {
    let start = at;
    while (start > 0 && !isLineBreak(text.charCodeAt(start - 1))) start -= 1;
    let end = at;
    while (end < text.length && !isLineBreak(text.charCodeAt(end))) end += 1;
    if (SECRET_KIND.test(text.slice(start, end))) return true;
    at = text.indexOf('Secret', end);
  }
  return false;
}

/** where a regex's `^` and `$` see a line end (with the `m` flag) */
function isLineBreak(code: number): boolean {
  return code === 0x0a || code === 0x0d || code === 0x2028 || code === 0x2029;
}

/**
 * One file version's Secret manifests and claimed spans (history); undefined when it holds none.
 * Parsed only when a Secret object may be there, or a SealedSecret's claims may hide a generic match
 * (`genericMatches`): a HelmRelease's `valuesFrom: [{kind: Secret}]` is not parsed for nothing.
 */
export function secretsInFile(file: SourceFile, genericMatches = true): { manifests: SecretManifest[]; claimed: Span[] } | undefined {
  if (!declaresSecret(file.text)) return undefined;
  const kinds = secretObjectKinds(file.text);
  if (!kinds.secret && !(kinds.sealed && genericMatches)) return undefined;
  return parsedSecrets(file);
}

/** A file's Secret manifests and claimed spans, parsed whatever its lines say (`secretsInFile` checks them first). */
export function parsedSecrets(file: SourceFile): { manifests: SecretManifest[]; claimed: Span[] } {
  const objects = parseYamlFile(file).documents.flatMap(kubeObjectsOf);
  const manifests = manifestsOf(objects);
  return { manifests, claimed: claimedSpansIn(objects, manifests) };
}

/** Spans whose generic-looking values other rules already judge: Secret values, SealedSecret ciphertext. */
export function claimedSpans(workspace: Workspace, manifests: readonly SecretManifest[]): Span[] {
  return claimedSpansIn(secretObjects(workspace), manifests);
}

function claimedSpansIn(objects: readonly KubeObject[], manifests: readonly SecretManifest[]): Span[] {
  const spans = manifests.flatMap((manifest) => manifest.values.map((value) => value.span));
  for (const object of objects) {
    if (object.kind !== 'SealedSecret') continue;
    const encrypted = getNode(getNode(object.node, 'spec'), 'encryptedData');
    for (const entry of mapEntries(encrypted)) {
      if (isScalar(entry.value)) {
        const span = innerSpanOf(object.source.file, entry.value);
        if (span) spans.push(span);
      }
    }
  }
  return spans;
}

/**
 * A generic-credential match on a claimed span is not reported: `k8s-secret-plaintext` judges
 * Secret values, and SealedSecret ciphertext is safe. Nor is a base64-encoded key there: the
 * Secret's decoded data reports the key itself.
 */
export function claimedByManifest(match: { readonly detector: { readonly id: string }; readonly start: number; readonly end: number }, claimed: readonly Span[], path: string): boolean {
  return claimable(match) && claimed.some((span) => span.path === path && match.start < span.end && span.start < match.end);
}

/** Matches a claimed span hides (see `claimedByManifest`). */
export function claimable(match: { readonly detector: { readonly id: string } }): boolean {
  return isGeneric(match) || match.detector.id === BASE64_KEY_ID;
}

const GENERIC_ID = 'secret-generic-credential';
const BASE64_KEY_ID = 'secret-base64-private-key';

/** Matches of the generic detector: the only ones a claimed span hides. */
export function isGeneric(match: { readonly detector: { readonly id: string } }): boolean {
  return match.detector.id === GENERIC_ID;
}
