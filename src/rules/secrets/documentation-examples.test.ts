import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../config/schema.js';
import { runRules } from '../../engine/run.js';
import { Workspace } from '../../model/workspace.js';
import type { Finding } from '../../model/finding.js';
import type { HistoryHit } from '../../secrets/history/history-hit.js';
import { documentationMarker } from '../../secrets/documentation.js';
import { pemBlock, sampleEcDer } from '../../secrets/pem.js';
import { SampleRandom } from '../../secrets/random.js';
import type { RuleContext } from '../rule.js';
import k8sSecretPlaintext from './k8s-secret-plaintext.js';
import { historyFinding, loweredFor } from './report-secrets.js';
import { generatedSecretRules } from './secret-rules.js';

const random = new SampleRandom('documentation-examples');
const rule = (id: string) => generatedSecretRules.find((candidate) => candidate.id === id)!;
const password = (): string => random.chars('ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789', 24);
const key = (): string => pemBlock('EC PRIVATE KEY', sampleEcDer(random));

async function findingsOf(files: Record<string, string>): Promise<Finding[]> {
  return (await runRules(Workspace.fromTexts(files), DEFAULT_CONFIG, [...generatedSecretRules, k8sSecretPlaintext])).findings;
}

describe('documentationMarker', () => {
  it('names the prose file type or the doc tree', () => {
    expect(documentationMarker('content/v1.9-docs/configuration/acme/dns01/acme-dns.md')).toBe('.md');
    expect(documentationMarker('bitnami/airflow/README.md')).toBe('.md');
    expect(documentationMarker('docs/snippets/azkv-pushsecret-key.yaml')).toBe('docs/');
    expect(documentationMarker('website/static/examples/issuer.yaml')).toBe('website/');
    expect(documentationMarker('website/versioned_docs/version-2/setup.mdx')).toBe('website/');
    expect(documentationMarker('guide/install.rst')).toBe('.rst');
    expect(documentationMarker('manual/secrets.adoc')).toBe('.adoc');
    expect(documentationMarker('api-docs/auth.yaml')).toBe('api-docs/');
    expect(documentationMarker('doc/config.json')).toBe('doc/');
    expect(documentationMarker('Documentation/setup/values.yaml')).toBe('Documentation/');
    expect(documentationMarker('search/search_index.json')).toBe('search_index.json');
    expect(documentationMarker('main/provider/azure-key-vault/index.html')).toBe('.html');
    expect(documentationMarker('_build/html/searchindex.js')).toBe('searchindex.js');
    expect(documentationMarker('contrib/network-storage/heketi/inventory.yml.sample')).toBe('.sample');
    expect(documentationMarker('.env.example')).toBe('.example');
    expect(documentationMarker('config/app.dist')).toBe('.dist');
    expect(documentationMarker('charts/app/values.example.yaml')).toBe('.example.yaml');
    expect(documentationMarker('settings-sample.json')).toBe('sample.json');
    expect(documentationMarker('inventory/sample/group_vars/all/vsphere.yml')).toBe('sample/');
    expect(documentationMarker('examples/app/values.yaml')).toBe('examples/');
    expect(documentationMarker('config/samples/app_v1_cluster.yaml')).toBe('samples/');
    expect(documentationMarker('deploy/helm-examples/values.yaml')).toBe('helm-examples/');
    expect(documentationMarker('charts/app/example/secret.yaml')).toBe('example/');
  });

  it('leaves configuration alone, also where a name only contains the word', () => {
    for (const path of ['clusters/prod/apps/secret.yaml', 'charts/app/values.yaml', 'dockerfiles/app.env', 'docsify.json', 'kubernetes/apps/docspell/secret.sops.yaml', 'docker/compose.yaml', 'src/docs.ts', 'README.txt', 'helm/templates/NOTES.txt', 'config/search_index_settings.json', 'apps/sampler/config.yaml', 'clusters/prod/example.com.yaml', 'src/example.ts', 'apps/example.com/secret.yaml', 'inventory/prod/group_vars/all.yml', 'clusters/examplecorp/secret.yaml', 'apps/resampler/values.yaml']) {
      expect(documentationMarker(path), path).toBeUndefined();
    }
  });
});

describe('credentials in documentation', () => {
  it('a password, a key block and a Secret manifest there are low, saying they were taken for examples; the same in configuration keep their severity', async () => {
    const value = password();
    const block = key();
    const manifest = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: acme-dns\nstringData:\n  password: ${password()}\n`;
    const findings = await findingsOf({
      'docs/configuration/acme-dns.md': `Write the account as:\n\n\`\`\`json\n{"password": "${value}"}\n\`\`\`\n`,
      'clusters/prod/acme-dns.json': `{"password": "${value}"}\n`,
      'content/docs/configuration/ca.md': `\`\`\`\n${block}\n\`\`\`\n`,
      'clusters/prod/ca.key': `${block}\n`,
      'docs/examples/secret.yaml': manifest,
      'clusters/prod/secret.yaml': manifest,
    });
    const at = (path: string, ruleId: string): Finding => {
      const found = findings.find((finding) => finding.location.path === path && finding.ruleId === ruleId);
      expect(found, `${ruleId} at ${path}: ${JSON.stringify(findings.map((finding) => [finding.ruleId, finding.location.path]))}`).toBeDefined();
      return found!;
    };
    for (const [path, ruleId, marker] of [['docs/configuration/acme-dns.md', 'secret-generic-credential', 'docs/'], ['content/docs/configuration/ca.md', 'secret-private-key', 'docs/'], ['docs/examples/secret.yaml', 'k8s-secret-plaintext', 'docs/']] as const) {
      const finding = at(path, ruleId);
      expect(finding.severity, path).toBe('low');
      expect(finding.message, path).toContain(`in documentation (\`${marker}\`): low severity, taken for an example`);
      expect(finding.properties, path).toMatchObject({ documentation: marker });
    }
    expect(at('clusters/prod/acme-dns.json', 'secret-generic-credential').severity).not.toBe('low');
    expect(at('clusters/prod/ca.key', 'secret-private-key').severity).toBe('critical');
    expect(at('clusters/prod/secret.yaml', 'k8s-secret-plaintext').severity).toBe('high');
    expect(at('clusters/prod/secret.yaml', 'k8s-secret-plaintext').message).not.toContain('documentation');
  });

  it('a sample inventory or an examples/ tree is documentation: a password there is low, a vendor token keeps its severity', async () => {
    const value = password();
    const github = rule('secret-github-token').examples.bad[0]!.code.split('\n')[0]!.replace(/ # expect:.*$/, '');
    const findings = await findingsOf({
      'inventory/sample/group_vars/all/vsphere.yml': `external_vsphere_password: "${value}"\n`,
      'inventory/prod/group_vars/all/vsphere.yml': `external_vsphere_password: "${value}"\n`,
      'examples/ci/env.yaml': `${github}\n`,
    });
    const generic = findings.filter((finding) => finding.ruleId === 'secret-generic-credential');
    expect(generic.map((finding) => [finding.location.path, finding.severity, finding.properties?.['documentation']]).sort()).toEqual([
      ['inventory/prod/group_vars/all/vsphere.yml', 'high', undefined],
      ['inventory/sample/group_vars/all/vsphere.yml', 'low', 'sample/'],
    ]);
    const token = findings.find((finding) => finding.ruleId === 'secret-github-token');
    expect(token?.location.path).toBe('examples/ci/env.yaml');
    expect(token?.severity).not.toBe('low');
  });

  it('a token with a vendor marker or a checksum keeps its severity in a README', async () => {
    const slack = `https://hooks.slack.com/services/T0A1B2C3D/B0A1B2C3D/${random.chars('ABCDEFGHIJKLMNOPQRSTUVWXabcdefghijklmnopqrstuvwx0123456789', 24)}`;
    const github = rule('secret-github-token').examples.bad[0]!.code.split('\n')[0]!.replace(/ # expect:.*$/, '');
    const findings = await findingsOf({ 'README.md': `Alerts go to ${slack}\n\n${github}\n` });
    const byRule = new Map(findings.map((finding) => [finding.ruleId, finding]));
    expect([...byRule.keys()]).toEqual(expect.arrayContaining(['secret-slack-webhook', 'secret-github-token']));
    for (const finding of findings) {
      expect(finding.severity, finding.ruleId).not.toBe('low');
      expect(finding.properties?.['documentation'], finding.ruleId).toBeUndefined();
    }
  });

  it('a provider value known only by its key name (the AWS secret access key) is an example there too', async () => {
    const secret = random.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+', 40);
    const findings = await findingsOf({ 'Documentation/object-storage.md': `\`\`\`console\nexport AWS_SECRET_ACCESS_KEY=${secret}\n\`\`\`\n`, 'clusters/prod/s3.env': `AWS_SECRET_ACCESS_KEY=${secret}\n` });
    const aws = findings.filter((finding) => finding.ruleId === 'secret-aws-secret-key');
    expect(aws.map((finding) => [finding.location.path, finding.severity, finding.properties?.['documentation']]).sort()).toEqual([
      ['Documentation/object-storage.md', 'low', 'Documentation/'],
      ['clusters/prod/s3.env', 'critical', undefined],
    ]);
  });

  it('a Secret manifest in vendored code is low, taken for another project\'s example', async () => {
    const manifest = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ceph-secret\ndata:\n  key: ${Buffer.from(password()).toString('base64')}\n`;
    const findings = (await findingsOf({ 'vendor/k8s.io/kubernetes/examples/volumes/cephfs/secret/ceph-secret.yaml': manifest })).filter((finding) => finding.ruleId === 'k8s-secret-plaintext');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'low', properties: { vendored: 'vendor/' } });
    expect(findings[0]!.message).toContain("in vendored code (`vendor/`): low severity, taken for another project's test data or example");
  });

  it('a key generated for the tests under a doc tree stays a test fixture', () => {
    expect(loweredFor({ localKey: true, priority: 1 }, 'docs/testdata/tls.key')).toEqual({ property: 'testFixture', marker: 'testdata/', taken: 'a key generated for the tests' });
    expect(loweredFor({ localKey: true, priority: 1 }, 'docs/tls.key')).toEqual({ property: 'documentation', marker: 'docs/' });
    expect(loweredFor({ priority: 2 }, 'docs/tls.md')).toBeUndefined();
  });

  it('in history: a value a commit added to a doc page is low, saying why', () => {
    const hit: HistoryHit = { ruleId: 'secret-generic-credential', hash: 'a1b2c3d4e5f60718', preview: 'Xy7k', order: 0, commit: '0123456789abcdef0123456789abcdef01234567', author: 'dev', date: '2024-01-01', path: 'content/en/flagger/usage/webhooks.md', line: 3, column: 1, endLine: 3, endColumn: 20, snippet: '' };
    const context = { config: DEFAULT_CONFIG } as unknown as RuleContext;
    const generic = rule('secret-generic-credential');
    const finding = historyFinding(context, generic, 'generic credential', hit, loweredFor({ priority: 0 }, hit.path));
    expect(finding.severity).toBe('low');
    expect(finding.message).toContain('added in commit 0123456789ab in documentation (`.md`): low severity, taken for an example');
    expect(finding.properties).toMatchObject({ documentation: '.md' });
    expect(historyFinding(context, generic, 'generic credential', { ...hit, path: 'apps/webhooks.yaml' }, loweredFor({ priority: 0 }, 'apps/webhooks.yaml')).severity).toBe(generic.severity);
  });
});
