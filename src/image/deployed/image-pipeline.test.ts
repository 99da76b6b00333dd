import { describe, expect, it } from 'vitest';
import type { LayerPipeline } from '../analyze.js';
import type { ImageReference } from '../../model/image-ref.js';
import type { HttpRegistryClient } from '../../resolve/registry-client.js';
import { BlobSpool } from './blob-spool.js';
import { ImagePipeline } from './image-pipeline.js';

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));
const digestOf = (name: string): string => `sha256:${Buffer.from(name).toString('hex').padEnd(64, '0')}`;
const reference = { canonical: 'registry.test/app:1' } as unknown as ImageReference;

/** a registry answering every blob with 1 KiB, noting which it was asked for */
function fakeClient(asked: string[]): HttpRegistryClient {
  return {
    async streamBlob(_reference: ImageReference, digest: string, sink: (body: AsyncIterable<Buffer>) => Promise<void>): Promise<void> {
      asked.push(digest);
      await tick();
      await sink((async function* () { yield Buffer.alloc(1024); })());
    },
  } as unknown as HttpRegistryClient;
}

/** one image's whole analysis through `lane`: its read, then its tail */
async function analyse(lane: LayerPipeline, read: () => Promise<void>, events: string[], name: string): Promise<string> {
  await lane.readTurn(async () => {
    events.push(`${name} reads`);
    await read();
  });
  events.push(`${name} finishes`);
  await tick(); // the tail (secret answers, tampering, vulnerabilities) overlaps the next image's reading
  return name;
}

describe('ImagePipeline', () => {
  it('analyses at most two images at once, reads one image\'s layers at a time in the order asked, and lets the next read while one finishes', async () => {
    const pipeline = new ImagePipeline(new BlobSpool());
    const events: string[] = [];
    let analysing = 0;
    let most = 0;
    let reading = 0;
    const image = (name: string) => pipeline.admit((lane) => analyse(lane, async () => {
      analysing += 1;
      most = Math.max(most, analysing);
      reading += 1;
      expect(reading).toBe(1);
      await tick();
      reading -= 1;
    }, events, name).finally(() => { analysing -= 1; }));
    const results = await Promise.all(['a', 'b', 'c', 'd'].map(image));
    expect(results).toEqual(['a', 'b', 'c', 'd']);
    expect(most).toBe(2);
    expect(events.filter((event) => event.endsWith('reads'))).toEqual(['a reads', 'b reads', 'c reads', 'd reads']);
  });

  it('opens images beyond the two analysed and downloads their blobs while the first is still read; a later image that fails leaves the others whole', async () => {
    const spool = new BlobSpool();
    const asked: string[] = [];
    const client = fakeClient(asked);
    const pipeline = new ImagePipeline(spool);
    const events: string[] = [];
    let askedWhileFirstRead: string[] = [];
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const image = (name: string) => pipeline.admit(async (lane) => {
      spool.prefetch(client, reference, digestOf(name), 1024);
      events.push(`${name} opened`);
      if (name === 'd') throw new Error('d: the config is not JSON');
      return analyse(lane, async () => {
        const file = await spool.file(digestOf(name));
        expect(file?.length).toBe(1024);
        if (name === 'e') throw new Error('e: layer 0 is not a tar');
        if (name === 'a') {
          for (let waited = 0; waited < 40 && asked.length < names.length; waited += 1) await tick();
          askedWhileFirstRead = [...asked];
        }
        spool.release(digestOf(name));
      }, events, name);
    });
    const results = await Promise.allSettled(names.map(image));
    await spool.close();
    expect(results.map((result) => (result.status === 'fulfilled' ? result.value : (result.reason as Error).message))).toEqual(['a', 'b', 'c', 'd: the config is not JSON', 'e: layer 0 is not a tar', 'f']);
    // every image's blob was asked for before the first image had read its layers: the downloads ran ahead
    expect(askedWhileFirstRead.sort()).toEqual(names.map(digestOf).sort());
    expect(events.indexOf('f opened')).toBeLessThan(events.indexOf('a finishes'));
    expect(events.filter((event) => event.endsWith('reads'))).toEqual(['a reads', 'b reads', 'c reads', 'e reads', 'f reads']);
  });

  it('opens no image ahead while the spool is full, and one at a time still gets through', async () => {
    const spool = new BlobSpool(2048);
    const client = fakeClient([]);
    spool.prefetch(client, reference, digestOf('big'), 2048);
    const pipeline = new ImagePipeline(spool);
    const events: string[] = [];
    const image = (name: string) => pipeline.admit(async (lane) => {
      events.push(`${name} opened`);
      spool.prefetch(client, reference, digestOf(name), 1024);
      return analyse(lane, async () => {
        await spool.file(digestOf(name));
        spool.release(digestOf(name));
        if (name === 'a') {
          await spool.file(digestOf('big'));
          spool.release(digestOf('big'));
        }
      }, events, name);
    });
    expect(await Promise.all(['a', 'b', 'c'].map(image))).toEqual(['a', 'b', 'c']);
    await spool.close();
    expect(events.indexOf('b opened')).toBeGreaterThan(events.indexOf('a finishes'));
  });

  it('lets the next image read once one passes the turn on, before its read is over', async () => {
    const pipeline = new ImagePipeline(new BlobSpool());
    const events: string[] = [];
    let finishFirst!: () => void;
    const first = pipeline.admit((lane) => lane.readTurn(async (pass) => {
      events.push('a reads its last layer');
      pass();
      await new Promise<void>((resolve) => { finishFirst = resolve; }); // the workers' answers on it
      events.push('a done');
    }));
    const second = pipeline.admit((lane) => lane.readTurn(async () => { events.push('b reads'); }));
    await second;
    expect(events).toEqual(['a reads its last layer', 'b reads']);
    finishFirst();
    await first;
    expect(events).toEqual(['a reads its last layer', 'b reads', 'a done']);
  });

  it('lets a failed read pass the turn on', async () => {
    const pipeline = new ImagePipeline(new BlobSpool());
    const failed = pipeline.admit((lane) => lane.readTurn(async () => { throw new Error('broken layer'); }));
    const next = pipeline.admit((lane) => lane.readTurn(async () => 'read'));
    await expect(failed).rejects.toThrow('broken layer');
    await expect(next).resolves.toBe('read');
  });

  it('names a layer key first once per run, whichever image asks', async () => {
    const pipeline = new ImagePipeline(new BlobSpool());
    const answers = await Promise.all([
      pipeline.admit(async (lane) => [lane.firstToRead('k'), lane.firstToRead('k'), lane.firstToRead('j')]),
      pipeline.admit(async (lane) => [lane.firstToRead('k'), lane.firstToRead('i')]),
    ]);
    expect(answers).toEqual([[true, false, true], [false, true]]);
  });
});
