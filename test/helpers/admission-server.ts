import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startAdmissionServer, type AdmissionServer, type AdmissionServerOptions } from '../../src/admission/server.js';
import { DEFAULT_CONFIG } from '../../src/config/schema.js';
import { RULES } from '../../src/rules/index.js';
import { loopbackCertificate } from './tls.js';

export interface TestWebhook {
  readonly server: AdmissionServer;
  /** the self-signed certificate to trust */
  readonly ca: string;
  /** where tls.crt and tls.key are (rewrite them to test reloads) */
  readonly directory: string;
  stop(): Promise<void>;
}

/** The webhook on 127.0.0.1 with a fresh certificate, default config and every rule; options override. */
export async function startTestWebhook(options: Partial<AdmissionServerOptions> = {}): Promise<TestWebhook> {
  const pair = await loopbackCertificate();
  const directory = await mkdtemp(path.join(tmpdir(), 'rampart-admission-'));
  await writeFile(path.join(directory, 'tls.crt'), pair.cert);
  await writeFile(path.join(directory, 'tls.key'), pair.key);
  const server = await startAdmissionServer({
    certFile: path.join(directory, 'tls.crt'),
    keyFile: path.join(directory, 'tls.key'),
    host: '127.0.0.1',
    port: 0,
    config: DEFAULT_CONFIG,
    rules: RULES,
    failOn: 'high',
    excludeNamespaces: new Set(['kube-system']),
    log: () => undefined,
    ...options,
  });
  return {
    server,
    ca: pair.cert,
    directory,
    stop: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

export interface Reply {
  readonly status: number;
  readonly body: string;
  json(): any;
}

/** One HTTPS request to the webhook on 127.0.0.1 trusting `ca`: POST a review, or GET a status page. */
export function post(port: number, ca: string, body: string | Buffer, urlPath = '/validate', method = 'POST'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: urlPath, method, ca, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text, json: () => JSON.parse(text) });
      });
    });
    req.on('error', reject);
    if (method === 'POST') req.end(body);
    else req.end();
  });
}

/** The value of one series in a Prometheus text exposition; 0 when absent. */
export function counter(text: string, series: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}
