/**
 * Code nobody in the repository wrote: Yarn's committed release bundle, plugins and editor SDKs,
 * Plug'n'Play loaders, installed packages (`node_modules/`, `bower_components/`) and vendored
 * dependencies (`vendor/`, `third_party/`, godep's `Godeps/_workspace/`). Their strings are other
 * projects' examples, defaults and public keys (the Algolia search key in every Yarn release), so
 * the rules that recognise a credential only by a key name or a placement do not look there; tokens
 * with a checksum or a vendor marker still do.
 */
const VENDORED = /(?:^|\/)(\.yarn\/(?:releases|plugins|sdks)\/|node_modules\/|bower_components\/|vendor\/|third_party\/|Godeps\/_workspace\/)|(?:^|\/)(\.pnp\.[cm]?js)$/;
/** languages whose build output is written on a few very long lines */
const BUNDLED_LANGUAGE = /\.(?:[cm]?js|jsx|css)$/i;
/** a line longer than this, in a JS-family file, is minified build output */
const MINIFIED_LINE = 1_000;

export function isVendoredPath(path: string): boolean {
  return VENDORED.test(path);
}

/**
 * The part of `path` that marks it vendored (`vendor/`, `node_modules/`), or undefined. Keys and
 * structured tokens there (etcd's and docker/distribution's test certificates, jwt-go's example
 * tokens in a Go `vendor/` tree) are another project's test data: reported at low severity.
 */
export function vendoredMarker(path: string): string | undefined {
  const match = VENDORED.exec(path);
  return match ? match[1] ?? match[2] : undefined;
}

/** Whether the JS-family file at `path` is minified where its line [lineStart, lineEnd) is: a line no one writes by hand. */
export function isBundledLanguage(path: string): boolean {
  return BUNDLED_LANGUAGE.test(path);
}

export function isMinifiedLine(path: string, lineStart: number, lineEnd: number): boolean {
  return lineEnd - lineStart > MINIFIED_LINE && BUNDLED_LANGUAGE.test(path);
}
