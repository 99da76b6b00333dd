/** Hosts whose plain-HTTP traffic stays inside the cluster or the machine. */
const LOCAL_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|[^/]*\.svc(\.cluster\.local)?|[^/.]+)$/i;

/** A URL with the user and password taken out, so that messages never repeat a credential. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

export function isPlainHttp(url: string): boolean {
  return /^http:\/\//i.test(url.trim());
}

/** Whether a plain-HTTP URL stays inside the cluster (a `.svc` name, a bare service name, localhost). */
export function isClusterLocal(url: string): boolean {
  const host = redactUrl(url.trim()).replace(/^http:\/\//i, '').split(/[/?#]/)[0] ?? '';
  return LOCAL_HOST.test(host.replace(/:\d+$/, ''));
}
