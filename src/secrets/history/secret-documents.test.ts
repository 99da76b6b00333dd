import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../model/source-file.js';
import { secretsInFile } from '../kubernetes-secret.js';
import { secretsInChangedDocuments } from './secret-documents.js';

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
