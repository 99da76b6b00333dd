import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../model/source-file.js';
import type { Span } from '../../model/span.js';
import { secretsInFile } from '../kubernetes-secret.js';
import { secretsInChangedDocuments, sopsEncryptedWithoutData } from './secret-documents.js';
import { secretMatches } from './version-secrets.js';

const CONFIG = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata:\n  level: info\n';
const SECRET = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: "Xq7mPz2LwR9tKv4N"\n';
const SEALED = 'apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: api\nspec:\n  encryptedData:\n    token: AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq\n';
const stream = `${CONFIG}---\n${SECRET}---\n${SEALED}`;
const path = 'apps/secrets.yaml';
const at = (part: string): { start: number; end: number } => ({ start: stream.indexOf(part), end: stream.indexOf(part) + part.length });
const whole = secretsInFile(new SourceFile(path, stream))!;
const valueSpans = (found: ReturnType<typeof secretsInChangedDocuments>): unknown[] => found?.manifests.flatMap((manifest) => manifest.values.map((value) => ({ key: value.key, span: value.span }))) ?? [];

describe('secretsInChangedDocuments', () => {
  it('reads every document of a new file, with the offsets of the whole stream', () => {
    const found = secretsInChangedDocuments(path, stream, undefined, [at('AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq')]);
    expect(valueSpans(found)).toEqual(valueSpans(whole));
    expect(found?.claimed).toEqual(whole.claimed);
    expect(stream.slice(found!.claimed[1]!.start, found!.claimed[1]!.end)).toBe('AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq');
  });

  it('reads the Secret document where the file changed, not the others', () => {
    const inSecret = secretsInChangedDocuments(path, stream, at('Xq7mPz2LwR9tKv4N'), []);
    expect(valueSpans(inSecret)).toEqual(valueSpans(whole));
    expect(secretsInChangedDocuments(path, stream, at('level: info'), [])).toBeUndefined();
  });

  it('reads a SealedSecret only under a generic match, for the span it claims', () => {
    expect(secretsInChangedDocuments(path, stream, at('token: AgBy'), [])).toBeUndefined();
    const claimed = secretsInChangedDocuments(path, stream, at('level: info'), [at('AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq')]);
    expect(claimed?.manifests).toEqual([]);
    expect(claimed?.claimed).toEqual([{ path, ...at('AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq') }]);
  });

  it('counts a document as changed when the marker after it changed', () => {
    // the change starts right at the `---` that ends the Secret document: it may have ended elsewhere before
    const marker = stream.indexOf('---\napiVersion: bitnami');
    expect(valueSpans(secretsInChangedDocuments(path, stream, { start: marker, end: marker + 4 }, []))).toEqual(valueSpans(whole));
  });

  it('reads a stream with directives or end markers whole', () => {
    const directive = `%YAML 1.2\n---\n${SECRET}---\n${CONFIG}`;
    const found = secretsInChangedDocuments(path, directive, { start: directive.indexOf('level'), end: directive.indexOf('level') + 5 }, []);
    expect(found?.manifests).toHaveLength(1);
  });
});

const SOPS_SECRET = `apiVersion: v1
kind: Secret
metadata:
  name: cluster-secrets
  namespace: flux-system
stringData:
  #ENC[AES256_GCM,data:T8c/kZ1TgUIUPUOdS2apBs8GKDOl,iv:zEP80N0kAqm4+ZZvx6gAvYQNX2PJ9M7pe68/NNptdlw=,tag:Ce7sATXBAUb5y68320eZGg==,type:comment]
  DB_PASSWORD: ENC[AES256_GCM,data:c7Nqt0TVIusLXvep5UAD7Xt398A=,iv:O/7AJJhaAoJlfb1O0ZKBcoK/7+5IlhTOz74RNBqsGT0=,tag:UgeODqKs19VqG9vwFsUyDA==,type:str]
sops:
  age:
    - recipient: age1x5h7rdsk4cy6ge0jsh64yqgk8tqvquhh5kez8nljv4t7ry8p8vfqt5tkue
      enc: |
        -----BEGIN AGE ENCRYPTED FILE-----
        YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBhYmNkZWZnaGlqa2xtbm9w
        -----END AGE ENCRYPTED FILE-----
  lastmodified: "2023-04-01T10:00:00Z"
  mac: ENC[AES256_GCM,data:bW9yZS1jaXBoZXJ0ZXh0LWhlcmU=,iv:O/7AJJhaAoJlfb1O0ZKBcoK/7+5IlhTOz74RNBqsGT0=,tag:UgeODqKs19VqG9vwFsUyDA==,type:str]
  encrypted_regex: ^(data|stringData)$
  version: 3.7.3
`;

describe('SOPS-encrypted Secrets in history', () => {
  it('are not parsed when nothing of them could be reported: no data to decode, no match a claim would hide', () => {
    expect(sopsEncryptedWithoutData(SOPS_SECRET)).toBe(true);
    expect(secretsInChangedDocuments(path, SOPS_SECRET, undefined, [])).toBeUndefined();
    expect(secretsInChangedDocuments(path, `---\n${SOPS_SECRET}`, undefined, [])).toBeUndefined();
    // what a parse would give: only claims (no plaintext in a SOPS Secret, nothing to decode)
    const parsed = secretsInFile(new SourceFile(path, SOPS_SECRET))!;
    expect(parsed.manifests.flatMap((manifest) => manifest.sops ? [] : manifest.values)).toEqual([]);
    expect(secretMatches(SOPS_SECRET, path)).toEqual([]);
  });

  it('are parsed in a stream only in their own document, and when a claimable match lies in them', () => {
    const sopsStream = `${CONFIG}---\n${SOPS_SECRET}`;
    expect(secretsInChangedDocuments(path, sopsStream, undefined, [])).toBeUndefined();
    const value = sopsStream.indexOf('ENC[AES256_GCM,data:c7Nq');
    const found = secretsInChangedDocuments(path, sopsStream, undefined, [], [{ start: value, end: value + 20 }]);
    expect(found?.claimed.some((span) => span.start <= value && value < span.end)).toBe(true);
  });

  it('are parsed where the lines cannot settle what they hold', () => {
    expect(sopsEncryptedWithoutData(SOPS_SECRET.replace('stringData:', 'data:'))).toBe(false);
    expect(sopsEncryptedWithoutData(SOPS_SECRET.replace('sops:', 'notsops:'))).toBe(false);
    expect(sopsEncryptedWithoutData(SOPS_SECRET.replace('metadata:', 'metadata: &meta'))).toBe(false);
    expect(sopsEncryptedWithoutData(`${SOPS_SECRET}extra: {data: x}\n`)).toBe(false);
    expect(sopsEncryptedWithoutData(SOPS_SECRET.replace('  name: cluster-secrets', '  "data": x'))).toBe(false);
  });

  it('still reports a clear value a quoted scalar hides a sops line in', () => {
    // go-yaml lets a quoted scalar continue at the left margin: this `sops:` is part of the value, not a key
    const hidden = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: "Xq7mPz2LwR9tKv4N\nsops:\n  Lr3vX1zT9mWp2K"\n';
    expect(sopsEncryptedWithoutData(hidden)).toBe(false);
    expect(secretMatches(hidden, path).map((match) => match.detector.id)).toContain('k8s-secret-plaintext');
    expect(secretMatches(hidden, path).map((match) => match.detector.id)).toEqual(secretMatches(hidden.replace('\nsops:\n', '\nnope:\n'), path).map((match) => match.detector.id));
  });
});

describe('a Secret document read once', () => {
  /** claims are looked up, not listed: their order is not compared */
  const byStart = (spans: readonly Span[]): Span[] => [...spans].sort((a, b) => a.start - b.start);
  /** what a parse of the whole file gives: each value's key, field, text and span, and the claimed spans */
  const reference = (filePath: string, text: string): unknown => {
    const parsed = secretsInFile(new SourceFile(filePath, text));
    return parsed && { values: parsed.manifests.flatMap((manifest) => manifest.values.map(({ key, field, raw, clear, span, encrypted }) => ({ key, field, raw, clear, span, encrypted }))), claimed: byStart(parsed.claimed) };
  };
  const read = (filePath: string, text: string): unknown => {
    const found = secretsInChangedDocuments(filePath, text, undefined, [{ start: 0, end: text.length }]);
    return found && { values: found.manifests.flatMap((manifest) => manifest.values.map(({ key, field, raw, clear, span, encrypted }) => ({ key, field, raw, clear, span, encrypted }))), claimed: byStart(found.claimed) };
  };

  it('is placed at the path and offset it is met at again', () => {
    const shapes: Array<[string, string]> = [
      ['a/first.yaml', stream],
      ['b/alone.yaml', SECRET],
      ['c/leading-marker.yaml', `---\n${SECRET}`],
      ['d/after-others.yaml', `${CONFIG}---\n${CONFIG}---\n${SEALED}---\n${SECRET}`],
      ['e/first.yaml', stream],
    ];
    for (const [filePath, text] of shapes) expect(read(filePath, text), filePath).toEqual(reference(filePath, text));
  });

  it('is read anew when its text differs, even by one character of the same length', () => {
    const other = SECRET.replace('Xq7mPz2LwR9tKv4N', 'Xq7mPz2LwR9tKv4M');
    expect(read(path, SECRET)).toEqual(reference(path, SECRET));
    expect(read(path, other)).toEqual(reference(path, other));
    expect(JSON.stringify(read(path, other))).toContain('Xq7mPz2LwR9tKv4M');
    const reindented = SECRET.replace('  password:', '    password:').replace('stringData:\n', 'stringData:\n  ');
    expect(read(path, `${CONFIG}---\n${reindented}`)).toEqual(reference(path, `${CONFIG}---\n${reindented}`));
  });

  it('gives what parsing each version whole gives, over many versions that repeat documents', () => {
    const documents = [CONFIG, SECRET, SEALED, SECRET.replace('db', 'cache'), SECRET.replace('stringData', 'data').replace('"Xq7mPz2LwR9tKv4N"', 'WHE3bVB6MkxXUjl0S3Y0Tg=='), `${SECRET}  token: ${'k'.repeat(3)}Lr3vX1zT9mWp2K\n`];
    let seed = 7;
    const next = (below: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % below;
    };
    for (let version = 0; version < 300; version += 1) {
      const parts = Array.from({ length: 1 + next(4) }, () => documents[next(documents.length)]!);
      const text = `${next(2) === 0 ? '---\n' : ''}${parts.join('---\n')}`;
      const filePath = `apps/app-${next(5)}/secrets.yaml`;
      expect(read(filePath, text), `${filePath}\n${text}`).toEqual(reference(filePath, text));
    }
  });
});
