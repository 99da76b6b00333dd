import { describe, expect, it } from 'vitest';
import { parseBatchOutput } from '../src/sources/git/commit-objects.js';
import { splitSignedObject } from '../src/verify/git-object.js';

const HEADERS = 'tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A U Thor <a@example.com> 1700000000 +0100\ncommitter C O Mitter <c@example.com> 1700000100 -0200\n';
const SSH = '-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----';
const indent = (text: string): string => text.split('\n').join('\n ');

describe('splitting signed git objects as git does', () => {
  it('removes the gpgsig header with its continuation lines and keeps every other byte', () => {
    const raw = Buffer.from(`${HEADERS}gpgsig ${indent(SSH)}\nencoding ISO-8859-1\n\nmessage\n\n body \n`);
    const split = splitSignedObject('commit', raw);
    expect(split.payload.toString()).toBe(`${HEADERS}encoding ISO-8859-1\n\nmessage\n\n body \n`);
    expect(split.signature).toBe(`${SSH}\n`);
    expect(split.format).toBe('ssh');
    expect(split.signer).toEqual({ name: 'C O Mitter', email: 'c@example.com', date: new Date(1700000100 * 1000) });
    expect(split.author?.email).toBe('a@example.com');
    expect(split.subjectLine).toBe('message');
  });

  it('strips both gpgsig and gpgsig-sha256 from the payload and verifies the SHA-1 one', () => {
    const pgp = '-----BEGIN PGP SIGNATURE-----\n\niQ\n-----END PGP SIGNATURE-----';
    const raw = Buffer.from(`${HEADERS}gpgsig-sha256 ${indent(SSH)}\ngpgsig ${indent(pgp)}\n\nmsg\n`);
    const split = splitSignedObject('commit', raw);
    expect(split.payload.toString()).toBe(`${HEADERS}\nmsg\n`);
    expect(split.format).toBe('openpgp');
  });

  it('treats a header-like line in the message as message', () => {
    const raw = Buffer.from(`${HEADERS}\ngpgsig not a header\n`);
    expect(splitSignedObject('commit', raw).signature).toBeUndefined();
  });

  it('splits a tag at its trailing armored signature; x509 signatures are recognised', () => {
    const tag = 'object 4b825dc642cb6eb9a060e54bf8d69288fbee4904\ntype commit\ntag v1\ntagger T <t@example.com> 1700000000 +0000\n\nrelease v1\n';
    const signed = splitSignedObject('tag', Buffer.from(`${tag}-----BEGIN SIGNED MESSAGE-----\nMIAG\n-----END SIGNED MESSAGE-----\n`));
    expect(signed.payload.toString()).toBe(tag);
    expect(signed.format).toBe('x509');
    expect(signed.signer?.email).toBe('t@example.com');
    expect(splitSignedObject('tag', Buffer.from(tag)).signature).toBeUndefined();
  });
});

describe('git cat-file --batch output', () => {
  it('reads objects by their sizes, even when bodies contain newlines and headers', () => {
    const body = Buffer.from('line one\n1234 commit 5\nline three\n');
    const output = Buffer.concat([Buffer.from(`aaaa commit ${body.length}\n`), body, Buffer.from('\nbbbb tag 3\nxyz\n')]);
    expect(parseBatchOutput(output).map((object) => [object.id, object.type, object.body.toString()])).toEqual([
      ['aaaa', 'commit', body.toString()],
      ['bbbb', 'tag', 'xyz'],
    ]);
    expect(() => parseBatchOutput(Buffer.from('cccc missing\n'))).toThrow(/missing/);
  });
});
