import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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
