/**
 * Values that say where a secret lives instead of holding it. Shared by every judgement of a
 * value written next to a credential key (see clear-values.ts).
 */

/**
 * Secret-manager and environment references: `env:NAME`, `vault:secret/data/x#key`,
 * `op://vault/item/field`, `ref+awssm://…`, `azurekeyvault://…`, Argo CD Image Updater's `ext:/script`,
 * `secret:ns/name#field` and `pullsecret:ns/name`, Argo CD's `$name` and
 * `$<secret>:key`, Symfony's `%env(NAME)%`, Azure App Service's `@Microsoft.KeyVault(…)`.
 */
const SCHEME_REFERENCE = /^(?:env|file|vault|op|sm|ssm|awssm|aws-?secrets?(?:manager)?|gcpsm|gcp-?secrets?|azkv|azure-?key-?vault|keyvault|akv|bw|bitwarden|doppler|infisical|onepassword|1password|sops|k8s|kubernetes|secretref|secretkeyref)(?::|\+|:\/\/)|^ref\+|^ext:\/|^(?:pull)?secret:[a-z0-9][a-z0-9.-]*\/[A-Za-z0-9._-]+(?:#[\w.-]+)?$|^\$[A-Za-z_][A-Za-z0-9_.-]*$|^\$[<{(]|^%env\(|^@Microsoft\.KeyVault\(/i;

/**
 * One word of a name: lower case (`signing`, `db2`, `k8s`, `v1`), capitalised or camel humps with
 * an acronym (`ArgoCD`, `apiToken`, `ClientSecret`), capitals (`DB`, `GH2`), or a number (a GCP
 * project number, a version). Random text is not cut into such words between separators.
 */
const WORD = /^(?:[a-z]{2,}\d{0,3}|[a-z]\d[a-z]|v\d{1,3}|(?:[A-Z][a-z]+|[a-z]{2,})(?:[A-Z][a-z]+)*[A-Z]{0,4}\d{0,3}|[A-Z]{2,}\d{0,3}|\d+)$/;
/**
 * A field names what it picks (`private_key`, `passphrase`, `apiToken`, `ClientSecret`): words
 * without a number, unlike a typed password (`Summer2024`), and not one capitalised word (`Marigold`).
 */
const FIELD_WORD = /^(?:[a-z]{2,}(?:[A-Z][a-z]+)*[A-Z]{0,4}|[A-Z][a-z]+(?:[A-Z][a-z]+)+[A-Z]{0,4}|[A-Z]{2,})$/;
/** The whole shape, checked before its words are: names between `/`, one `:` or `#`, then the field. */
const PATH_WITH_FIELD_SHAPE = /^[A-Za-z0-9_.-]{1,128}(?:\/[A-Za-z0-9_.-]{1,128}){0,16}[:#][A-Za-z0-9_.-]{2,64}$/;

/**
 * A path of names, then the field of the secret after `:` or `#`: Vault's `kv/data/team/argocd#token`,
 * grafana/shared-workflows' get-vault-secrets `helm-chart-signing-key:private_key`, an
 * ExternalSecret's or a CI's `ci/github-app:PrivateKey`. Without a `/`, the name must have two
 * words (`signing-key:private_key`), so `user:Secret` is not read as one.
 */
function isPathWithField(value: string): boolean {
  if (!PATH_WITH_FIELD_SHAPE.test(value)) return false;
  const split = value.search(/[:#]/);
  const names = value.slice(0, split).split('/');
  const field = value.slice(split + 1);
  const wordsOf = (name: string): string[] => name.split(/[-_.]/);
  if (names.length === 1 && wordsOf(names[0]!).length < 2) return false;
  return names.every((name) => wordsOf(name).every((word) => WORD.test(word))) && wordsOf(field).every((word) => FIELD_WORD.test(word));
}

export function isSecretReference(value: string): boolean {
  const trimmed = value.trim();
  return SCHEME_REFERENCE.test(trimmed) || isPathWithField(trimmed);
}
