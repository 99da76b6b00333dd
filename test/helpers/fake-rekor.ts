/**
 * A Rekor on 127.0.0.1 speaking the v1 API calls an online gitsign lookup makes: `POST
 * /api/v1/index/retrieve` by artifact hash and `GET /api/v1/log/entries/{uuid}`, answering as
 * rekor.sigstore.dev does (base64 body, hex log id, SET and inclusion proof under `verification`).
 * Entries come from `POST /upload[/<log>]` (the test signer's online mode) or `log()`.
 */
import { createHash, sign, type KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RekorProofLog } from '../verify-rekor-proof.js';
import type { TestSigstore } from '../verify-sigstore-pki.js';
import { startServer, type TestServer } from './http-servers.js';

/** `trusted`/`other`: SET by that Sigstore's Rekor key; `proof`: SET and inclusion proof of the proof log. */
export type FakeRekorLog = 'trusted' | 'other' | 'proof';

export interface FakeRekor extends TestServer {
  /** logs a hashedrekord of sha256(artifact) signed by `signer` with `certificatePem`; returns its UUID */
  log(artifact: Buffer, signer: KeyObject, certificatePem: string, log?: FakeRekorLog): string;
}

interface Logs {
  readonly trusted: TestSigstore;
  readonly other: TestSigstore;
  readonly proof: RekorProofLog;
}

const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};
const base64ToHex = (value: string): string => Buffer.from(value, 'base64').toString('hex');

export async function startFakeRekor(logs: Logs): Promise<FakeRekor> {
  const entries = new Map<string, Record<string, unknown>>();
  const byHash = new Map<string, string[]>();

  function record(artifact: Buffer, signature: string, certificatePem: string, log: FakeRekorLog): string {
    const hash = createHash('sha256').update(artifact).digest('hex');
    const body = {
      apiVersion: '0.0.1',
      kind: 'hashedrekord',
      spec: { data: { hash: { algorithm: 'sha256', value: hash } }, signature: { content: signature, publicKey: { content: Buffer.from(certificatePem).toString('base64') } } },
    };
    let entry: Record<string, unknown>;
    if (log === 'proof') {
      const made = logs.proof.append(body, { promise: true });
      const proof = made.inclusionProof;
      entry = {
        body: made.canonicalizedBody, integratedTime: Number(made.integratedTime), logID: base64ToHex(made.logId.keyId), logIndex: Number(made.logIndex),
        verification: {
          signedEntryTimestamp: made.inclusionPromise?.signedEntryTimestamp,
          inclusionProof: { logIndex: Number(proof.logIndex), rootHash: base64ToHex(proof.rootHash), treeSize: Number(proof.treeSize), hashes: proof.hashes.map(base64ToHex), checkpoint: proof.checkpoint.envelope },
        },
      };
    } else {
      const { SignedEntryTimestamp, Payload } = JSON.parse(logs[log].rekorAnnotation(artifact, signature, certificatePem)) as { SignedEntryTimestamp: string; Payload: Record<string, unknown> };
      entry = { ...Payload, verification: { signedEntryTimestamp: SignedEntryTimestamp } };
    }
    const uuid = createHash('sha256').update(Buffer.concat([Buffer.from([0]), Buffer.from(String(entry['body']), 'base64')])).digest('hex');
    entries.set(uuid, entry);
    byHash.set(hash, [...(byHash.get(hash) ?? []), uuid]);
    return uuid;
  }

  const server = await startServer(async (request, response) => {
    const url = request.url ?? '/';
    response.setHeader('content-type', 'application/json');
    if (request.method === 'POST' && url.startsWith('/upload')) {
      const upload = JSON.parse(await readBody(request)) as { artifact: string; signature: string; certificate: string };
      const log = (url.split('/')[2] ?? 'trusted') as FakeRekorLog;
      response.statusCode = 201;
      response.end(JSON.stringify(record(Buffer.from(upload.artifact, 'base64'), upload.signature, upload.certificate, log)));
    } else if (request.method === 'POST' && url === '/api/v1/index/retrieve') {
      const query = JSON.parse(await readBody(request)) as { hash?: string };
      response.end(JSON.stringify(byHash.get(String(query.hash).replace(/^sha256:/, '')) ?? []));
    } else if (request.method === 'GET' && url.startsWith('/api/v1/log/entries/')) {
      const uuid = url.slice('/api/v1/log/entries/'.length);
      const entry = entries.get(uuid);
      response.statusCode = entry ? 200 : 404;
      response.end(JSON.stringify(entry ? { [uuid]: entry } : { code: 404, message: 'not found' }));
    } else {
      response.statusCode = 404;
      response.end('{}');
    }
  });
  return Object.assign(server, {
    log: (artifact: Buffer, signer: KeyObject, certificatePem: string, log: FakeRekorLog = 'trusted') =>
      record(artifact, sign('sha256', artifact, signer).toString('base64'), certificatePem, log),
  });
}
