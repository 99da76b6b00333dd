import { describe, expect, it } from 'vitest';
import { SourceFile } from '../source-file.js';
import { interpolate, parseDotEnv } from './compose-env.js';

const envOf = (text: string) => parseDotEnv(new SourceFile('app/.env', text));

describe('Compose .env and interpolation', () => {
  it('reads KEY=value lines as Compose does: export, quotes, comments after blanks', () => {
    const text = [
      '# images', 'export API_IMAGE=ghcr.io/acme/api:1.2 # pinned later', 'WEB_IMAGE="ghcr.io/acme/web:2.0"',
      "WORKER_IMAGE='ghcr.io/acme/worker:3'", 'EMPTY=', 'HASH=a#b', '',
    ].join('\n');
    const env = envOf(text);
    expect(env.get('API_IMAGE')?.value).toBe('ghcr.io/acme/api:1.2');
    expect(env.get('WEB_IMAGE')?.value).toBe('ghcr.io/acme/web:2.0');
    expect(env.get('WORKER_IMAGE')?.value).toBe('ghcr.io/acme/worker:3');
    expect(env.get('EMPTY')?.value).toBe('');
    expect(env.get('HASH')?.value).toBe('a#b');
    // spans point at the value itself, inside its quotes
    for (const name of ['API_IMAGE', 'WEB_IMAGE', 'WORKER_IMAGE']) {
      const { value, span } = env.get(name)!;
      expect(text.slice(span.start, span.end)).toBe(value);
    }
  });

  it('interpolates $VAR, ${VAR} and the default, error and alternative forms', () => {
    const env = envOf('TAG=1.4.2\nEMPTY=\nIMAGE=ghcr.io/acme/api:2.0\n');
    expect(interpolate('ghcr.io/acme/api:$TAG', env)?.text).toBe('ghcr.io/acme/api:1.4.2');
    expect(interpolate('${REGISTRY:-docker.io}/acme/api:${TAG}', env)?.text).toBe('docker.io/acme/api:1.4.2');
    expect(interpolate('api:${EMPTY:-9}', env)?.text).toBe('api:9');
    expect(interpolate('api:${EMPTY-9}', env)?.text).toBe('api:');
    expect(interpolate('api:${TAG:?tag needed}', env)?.text).toBe('api:1.4.2');
    expect(interpolate('api${TAG:+-pinned}', env)?.text).toBe('api-pinned');
    expect(interpolate('$$HOME/api', env)?.text).toBe('$HOME/api');
    expect(interpolate('${IMAGE}', env)?.wholeFrom?.name).toBe('IMAGE');
    expect(interpolate('${IMAGE:-nginx}', env)?.wholeFrom).toBeUndefined();
  });

  it('leaves alone what only the shell running Compose decides, and syntax it does not read', () => {
    const env = envOf('TAG=1\n');
    expect(interpolate('${UNSET}', env)).toBeUndefined();
    expect(interpolate('api:${UNSET:?set it}', env)).toBeUndefined();
    expect(interpolate('${A:-${B:-nginx}}', env)).toBeUndefined();
  });

  it('reads a hostile .env (a line of 200,000 blanks, an unclosed quote) in linear time', () => {
    const text = `A=${' '.repeat(200_000)}x\nB="${'a'.repeat(200_000)}\nC=${' \t'.repeat(100_000)}# comment\n`;
    const started = performance.now();
    const env = envOf(text);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(env.get('A')?.value).toBe(`${' '.repeat(200_000)}x`.trim());
    expect(env.has('B')).toBe(false);
    expect(env.get('C')?.value).toBe('');
  });
});
