/**
 * Where a registry host is reached. Plain HTTP only for hosts named with `--insecure-registry`:
 * `HOST` allows every port of that host, `HOST:PORT` only that port.
 */
export function registryBaseUrl(host: string, insecureRegistries: readonly string[]): string {
  const scheme = isInsecure(host, insecureRegistries) ? 'http' : 'https';
  return `${scheme}://${host === 'docker.io' ? 'registry-1.docker.io' : host}`;
}

export function isInsecure(host: string, insecureRegistries: readonly string[]): boolean {
  const bareHost = host.replace(/:\d+$/, '');
  return insecureRegistries.some((entry) => {
    const wanted = entry.trim().replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
    return wanted === host || (!/:\d+$/.test(wanted) && wanted === bareHost);
  });
}

/** A `--insecure-registry` value must be HOST or HOST:PORT, nothing else. */
export function checkInsecureRegistry(value: string): string | undefined {
  return /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:]+\])(?::\d{1,5})?$/.test(value)
    ? undefined
    : `--insecure-registry expects HOST or HOST:PORT, not "${value}"`;
}
