import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { counter, post } from '../test/helpers/admission-server.js';
import { pushImage, startRegistry, type LocalRegistry } from '../test/helpers/registry.js';
import { pushLegacySignatures, signBytes, simpleSigningPayload } from '../test/verify-cosign-sign.js';
import { publicPem } from '../test/verify-sigstore-pki.js';
import { CONNECTIONS, RATE_CONNECTIONS, RATES, SECONDS, line, listening, load, podReview, selfSignedCertificate } from './admission.bench.js';

/**
 * Issue 20's goal is for pod admission *with signatures cached*: `serve admission --verify` with a
 * cosign key, judging a pod whose image is pinned by digest in a loopback registry and signed. The
 * first request verifies and fills the verdict cache; then the registry is stopped, so every request
 * of the load is served from the cache or fails closed (denied). Any denial or verdict-cache miss
 * after warm-up fails the bench: a warm request must need no network. Baseline: the same pod without
 * `--verify`, in the same run.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.join(here, '..', 'bin', 'rampart.js');
const work = path.join(here, '..', '.bench', 'admission-verify');

interface Counts { readonly hits: number; readonly misses: number; readonly allowed: number; readonly denied: number }

async function counts(port: number, ca: string): Promise<Counts> {
  const text = (await post(port, ca, '', '/metrics', 'GET')).body;
  return {
    hits: counter(text, 'rampart_admission_cache_lookups_total{cache="verdict",result="hit"}'),
    misses: counter(text, 'rampart_admission_cache_lookups_total{cache="verdict",result="miss"}'),
    allowed: counter(text, 'rampart_admission_decisions_total{result="allowed"}'),
    denied: counter(text, 'rampart_admission_decisions_total{result="denied"}'),
  };
}

async function admitOnce(port: number, ca: string, body: string): Promise<{ allowed: boolean; message?: string }> {
  const reply = await post(port, ca, body);
  const response = (JSON.parse(reply.body) as { response: { allowed: boolean; status?: { message?: string } } }).response;
  return { allowed: response.allowed, ...(response.status?.message ? { message: response.status.message } : {}) };
}

/** A signed image pinned by digest in `registry`, and the cosign public key that signed it. */
async function signedImage(registry: LocalRegistry): Promise<{ image: string; keyFile: string }> {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyFile = path.join(work, 'cosign.pub');
  writeFileSync(keyFile, publicPem(publicKey));
  const pushed = await pushImage(registry, 'shop/web', 'v1', { files: { 'app.txt': 'web' } });
  const payload = simpleSigningPayload(`${registry.host}/shop/web`, pushed.digest);
  await pushLegacySignatures(registry, 'shop/web', pushed.digest, [{ payload, annotations: { 'dev.cosignproject.cosign/signature': signBytes(privateKey, payload) } }]);
  return { image: `${registry.host}/shop/web@${pushed.digest}`, keyFile };
}

export async function run(): Promise<void> {
  const { cert, key } = selfSignedCertificate(work);
  const ca = readFileSync(cert, 'utf8');
  const registry = await startRegistry();
  let registryStopped = false;
  try {
    const { image, keyFile } = await signedImage(registry);
    const body = podReview(image);
    process.stdout.write(`admission webhook --verify, pod with a signed image pinned by digest (loopback registry, cosign key), ${SECONDS} s per run after 2 s warm-up; registry stopped after the first request:\n`);
    process.stdout.write(`  load average ${loadavg().map((value) => value.toFixed(1)).join(' ')} at the start\n`);
    const serve = [bin, 'serve', 'admission', '--tls-cert', cert, '--tls-key', key, '--host', '127.0.0.1', '--port', '0'];
    const verify = ['--verify', '--key', keyFile, '--insecure-ignore-tlog', '--insecure-registry', registry.host];
    const servers: Array<[string, string[], boolean]> = [
      ['serve admission, same pod (baseline)', serve, false],
      ['serve admission --verify, warm', [...serve, ...verify], true],
    ];
    for (const [label, args, verifying] of servers) {
      const child = spawn(process.execPath, args, { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
      try {
        const port = await listening(child);
        const first = await admitOnce(port, ca, body);
        if (!first.allowed) throw new Error(`${label}: the signed pod was denied on the first request: ${first.message ?? ''}`);
        if (verifying) {
          const cold = await counts(port, ca);
          process.stdout.write(`  first request (cold): verdict cache ${cold.misses} miss, ${cold.hits} hit; stopping the registry\n`);
          await registry.stop();
          registryStopped = true;
        }
        const start = await counts(port, ca);
        process.stdout.write(line(`${label}, ${CONNECTIONS} conns, max`, await load(port, body, child.pid!, CONNECTIONS)));
        for (const rate of RATES) process.stdout.write(line(`${label}, ${RATE_CONNECTIONS} conns, ${rate}/s`, await load(port, body, child.pid!, RATE_CONNECTIONS, rate)));
        const end = await counts(port, ca);
        if (!verifying) continue;
        const hits = end.hits - start.hits;
        const misses = end.misses - start.misses;
        const denied = end.denied - start.denied;
        process.stdout.write(`  warm (registry stopped): ${end.allowed - start.allowed} allowed, ${denied} denied; verdict cache ${hits} hits, ${misses} misses: hit rate ${(100 * hits / Math.max(1, hits + misses)).toFixed(2)}%\n`);
        if (denied > 0 || misses > 0 || hits === 0) {
          throw new Error(`warm --verify requests needed the registry: ${denied} denied, ${misses} verdict-cache misses, ${hits} hits after warm-up`);
        }
      } finally {
        child.kill('SIGTERM');
      }
    }
  } finally {
    if (!registryStopped) await registry.stop();
  }
}
