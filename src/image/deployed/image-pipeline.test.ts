import { describe, expect, it } from 'vitest';
import { BlobSpool } from './blob-spool.js';
import { ImagePipeline } from './image-pipeline.js';

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

describe('ImagePipeline', () => {
  it('runs at most two images at once, reads one image\'s layers at a time in the order asked, and lets the next read while one finishes', async () => {
    const pipeline = new ImagePipeline(new BlobSpool());
    const events: string[] = [];
    let running = 0;
    let most = 0;
    let reading = 0;
    const image = (name: string) => pipeline.admit(async () => {
      running += 1;
      most = Math.max(most, running);
      await tick();
      await pipeline.readTurn(async () => {
        reading += 1;
        expect(reading).toBe(1);
        events.push(`${name} reads`);
        await tick();
        reading -= 1;
      });
      events.push(`${name} finishes`);
      await tick(); // the tail (secret answers, tampering, vulnerabilities) overlaps the next image's reading
      running -= 1;
      return name;
    });
    const results = await Promise.all(['a', 'b', 'c', 'd'].map(image));
    expect(results).toEqual(['a', 'b', 'c', 'd']);
    expect(most).toBe(2);
    expect(events.filter((event) => event.endsWith('reads'))).toEqual(['a reads', 'b reads', 'c reads', 'd reads']);
  });

  it('lets the next image read once one passes the turn on, before its read is over', async () => {
    const pipeline = new ImagePipeline(new BlobSpool());
    const events: string[] = [];
    let finishFirst!: () => void;
    const first = pipeline.readTurn(async (pass) => {
      events.push('a reads its last layer');
      pass();
      await new Promise<void>((resolve) => { finishFirst = resolve; }); // the workers' answers on it
      events.push('a done');
    });
    const second = pipeline.readTurn(async () => { events.push('b reads'); });
    await second;
    expect(events).toEqual(['a reads its last layer', 'b reads']);
    finishFirst();
    await first;
    expect(events).toEqual(['a reads its last layer', 'b reads', 'a done']);
  });

  it('lets a failed read pass the turn on', async () => {
    const pipeline = new ImagePipeline(new BlobSpool());
    const failed = pipeline.readTurn(async () => { throw new Error('broken layer'); });
    const next = pipeline.readTurn(async () => 'read');
    await expect(failed).rejects.toThrow('broken layer');
    await expect(next).resolves.toBe('read');
  });

  it('names a layer key first once per run', () => {
    const pipeline = new ImagePipeline(new BlobSpool());
    expect(pipeline.firstToRead('k')).toBe(true);
    expect(pipeline.firstToRead('k')).toBe(false);
    expect(pipeline.firstToRead('j')).toBe(true);
  });
});
