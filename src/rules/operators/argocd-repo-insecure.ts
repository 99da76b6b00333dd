import { parse as parseYaml } from 'yaml';
import { isPlaceholder } from '../../secrets/placeholders.js';
import { defineRule, type RuleContext } from '../rule.js';
import { argocdSecrets, type SecretField } from './argocd-secrets.js';
import { argocdSettings } from './argocd-settings.js';
import { isClusterLocal, isPlainHttp, redactUrl } from './plain-urls.js';
import { CHART_VALUES_HOLDERS } from '../object-kinds.js';

export default defineRule({
  id: 'argocd-repo-insecure',
  layer: 'operators',
  severity: 'high',
  objectKinds: ['Secret', 'ExternalSecret', 'ConfigMap', ...CHART_VALUES_HOLDERS],
  summary: 'An Argo CD repository or credential Secret skips TLS or SSH host key checks, uses an `http://` URL, or is written in clear in chart values.',
  rationale:
    'Argo CD deploys whatever the repository serves. With `insecure: "true"` (no TLS certificate check), ' +
    '`insecureIgnoreHostKey: "true"` (no SSH host key check) or a plain `http://` URL, anyone on the network path can ' +
    'serve Argo CD other manifests and charts, and read the repository credentials: the cluster then runs what they ' +
    'chose, not what was reviewed. The same holds for cluster Secrets whose `tlsClientConfig` is insecure. A password or ' +
    'private key written in the argo-cd chart\'s `configs.repositories`/`credentialTemplates` values is committed in clear: ' +
    'whoever reads the repository can push to, or read, what Argo CD deploys from.',
  remediation:
    'Use an `https://` or SSH URL; add the server\'s CA to `argocd-tls-certs-cm` and its SSH host keys to ' +
    '`argocd-ssh-known-hosts-cm` (`argocd cert add-tls`, `argocd cert add-ssh`) instead of disabling verification. ' +
    'Keep credentials out of chart values: create the repository Secret with SOPS, Sealed Secrets or an ExternalSecret, ' +
    'and rotate any credential that was committed.',
  references: [
    'https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/#repositories',
    'https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/#repositories-using-self-signed-tls-certificates-or-are-signed-by-custom-ca',
    'https://argo-cd.readthedocs.io/en/stable/operator-manual/security/',
  ],
  messages: {
    insecure: '{secret} sets insecure: "true"{encoded}: TLS certificates of {url} are not verified.',
    hostKey: '{secret} sets insecureIgnoreHostKey: "true"{encoded}: SSH host keys of {url} are not verified.',
    http: '{secret} uses plain HTTP ({url}){encoded}: manifests and credentials travel unencrypted.',
    clusterTls: '{secret} connects to {url} with tlsClientConfig.insecure: the API server certificate is not verified.',
    plaintext: '{secret} holds {field} in clear: the chart renders it into a Secret, and everyone who can read this repository has the credential.',
  },
  examples: {
    bad: [{ file: 'repo.yaml', code: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: private-repo\n  namespace: argocd\n  labels:\n    argocd.argoproj.io/secret-type: repository\nstringData:\n  url: https://git.example.com/acme/deploy.git\n  insecure: "true" # expect: argocd-repo-insecure\n' }],
    good: [{ file: 'repo.yaml', code: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: private-repo\n  namespace: argocd\n  labels:\n    argocd.argoproj.io/secret-type: repository\nstringData:\n  url: git@github.com:acme/deploy.git\n  insecure: "false"\n' }],
  },
  check(context) {
    for (const { label: secret, type, fields, chartValues } of argocdSecrets(context.workspace)) {
      const url = fields.get(type === 'cluster' ? 'server' : 'url');
      const shownUrl = url && !url.value.includes('{{') ? redactUrl(url.value.trim()) : type === 'cluster' ? 'the cluster' : 'the repository';
      const encoded = (field: SecretField): string => (field.encoded ? ' (base64 in data)' : '');
      if (type === 'cluster') {
        const config = fields.get('config');
        if (config && /"insecure"\s*:\s*true/.test(config.value)) context.report({ messageId: 'clusterTls', at: config.span, data: { secret, url: shownUrl }, subject: `${secret} config` });
      } else {
        const insecure = fields.get('insecure');
        if (insecure && insecure.value.trim().toLowerCase() === 'true') context.report({ messageId: 'insecure', at: insecure.span, data: { secret, url: shownUrl, encoded: encoded(insecure) }, subject: `${secret} insecure` });
        const hostKey = fields.get('insecureIgnoreHostKey');
        if (hostKey && hostKey.value.trim().toLowerCase() === 'true') context.report({ messageId: 'hostKey', at: hostKey.span, data: { secret, url: shownUrl, encoded: encoded(hostKey) }, subject: `${secret} insecureIgnoreHostKey` });
      }
      if (chartValues) reportPlaintext(context, secret, fields);
      if (url && isPlainHttp(url.value)) {
        context.report({
          messageId: 'http',
          at: url.span,
          data: { secret, url: shownUrl, encoded: encoded(url) },
          subject: `${secret} url`,
          // the URL may carry a password, in clear or in base64: the snippet shows it without
          snippet: `${type === 'cluster' ? 'server' : 'url'}: ${shownUrl}`,
          ...(isClusterLocal(url.value) ? { severity: 'medium' as const } : {}),
        });
      }
    }
    reportLegacyRepositories(context);
  },
});

/** Credential fields of repository and cluster Secrets; in chart values they are committed as written. */
const CREDENTIAL_FIELDS = ['password', 'sshPrivateKey', 'githubAppPrivateKey', 'tlsClientCertKey', 'gcpServiceAccountKey', 'bearerToken'];

function reportPlaintext(context: RuleContext<'plaintext'>, secret: string, fields: ReadonlyMap<string, SecretField>): void {
  for (const field of CREDENTIAL_FIELDS) {
    const value = fields.get(field);
    if (!value || isPlaceholder(value.value)) continue;
    // the snippet names the field, never the value
    context.report({ messageId: 'plaintext', at: value.span, data: { secret, field }, subject: `${secret} ${field}`, snippet: `${field}: ********` });
  }
}

/** The pre-2.x `repositories`/`repository.credentials` lists inside argocd-cm, a YAML string. */
function reportLegacyRepositories(context: RuleContext<'insecure' | 'hostKey' | 'http'>): void {
  for (const source of argocdSettings(context.workspace, 'argocd-cm')) {
    for (const setting of source.settings) {
      if (setting.key !== 'repositories' && setting.key !== 'repository.credentials') continue;
      let entries: unknown;
      try {
        entries = parseYaml(setting.value);
      } catch {
        continue;
      }
      if (!Array.isArray(entries)) continue;
      for (const entry of entries as Array<Record<string, unknown> | null>) {
        if (typeof entry !== 'object' || entry === null) continue;
        const url = typeof entry['url'] === 'string' ? entry['url'] : '';
        const data = { secret: `${source.label} ${setting.key}`, url: url ? redactUrl(url) : 'the repository', encoded: '' };
        if (String(entry['insecure']) === 'true') context.report({ messageId: 'insecure', at: setting.span, data, subject: `${data.secret} ${url} insecure` });
        if (String(entry['insecureIgnoreHostKey']) === 'true') context.report({ messageId: 'hostKey', at: setting.span, data, subject: `${data.secret} ${url} hostKey` });
        if (isPlainHttp(url)) context.report({ messageId: 'http', at: setting.span, data, subject: `${data.secret} ${url} http` });
      }
    }
  }
}
