/**
 * Documentation: prose files (`*.md`, `*.mdx`, `*.rst`, `*.adoc`…) and doc trees (`docs/`, `doc/`,
 * `documentation/`, `website/`, Docusaurus `versioned_docs/`, `api-docs/`), and sample configuration
 * to copy and fill in (`*.sample`, `.env.example`, `values.example.yaml`, `sample/`, `examples/`). A password, a key
 * block or a Secret manifest there is nearly always an example for the reader (cert-manager's
 * acme-dns pages, a chart README's `password: bitnami1234`): those are reported at low severity,
 * saying so. A token with a checksum or a vendor's own marker (`ghp_…`, `xoxb-…`, `AKIA…`) keeps
 * its severity: pasted into a README it is as live as anywhere.
 */
/** prose files and web pages (a built docs site's `index.html`), and the search index a built MkDocs or Sphinx site holds every page's text in */
const DOC_FILE = /\.(?:md|mdx|markdown|rst|adoc|asciidoc|html?)$|(?:^|\/)(?:search_index\.json|searchindex\.js)$/i;
/**
 * configuration written as a sample to copy and fill in: `inventory.yml.sample`, `.env.example`,
 * `config.dist`, `values.example.yaml`, `settings-sample.json`
 */
const SAMPLE_FILE = /\.(?:sample|example|dist)$|[._-](?:sample|example)\.(?:ya?ml|json|toml|env|ini|conf|cfg|properties|tfvars|hcl)$/i;
/**
 * doc trees, and directories of samples and examples to copy (kubespray's `inventory/sample/`, a
 * chart repository's `examples/`, `config-samples/`): what they hold is written for the reader
 */
const DOC_DIRECTORY = /(?:^|\/)((?:[A-Za-z0-9]+[-_])?(?:docs?|samples?|examples?)|documentation|website|versioned_docs)\//i;

/** The part of `path` that marks it documentation (`docs/`, `.md`), or undefined. */
export function documentationMarker(path: string): string | undefined {
  const directory = DOC_DIRECTORY.exec(path);
  if (directory) return `${directory[1]}/`;
  const file = DOC_FILE.exec(path) ?? SAMPLE_FILE.exec(path);
  return file ? file[0].replace(/^[/_-]/, '') : undefined;
}
