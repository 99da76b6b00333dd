/** `--rekor-url` and `rekorUrl` in the config: the base URL of a Rekor server, checked before any request. */
export function checkRekorUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RekorUrlError(`--rekor-url expects a URL such as https://rekor.sigstore.dev, not "${value}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new RekorUrlError(`--rekor-url expects an http(s) URL, not "${value}"`);
  if (url.username || url.password || url.search || url.hash) throw new RekorUrlError(`--rekor-url takes the base URL of a Rekor server, without credentials, query or fragment: "${value}"`);
  return value;
}

export class RekorUrlError extends Error {}
