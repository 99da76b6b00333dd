import { describe, expect, it } from 'vitest';
import k8sSecretPlaintext from '../rules/secrets/k8s-secret-plaintext.js';
import { checkExpectations } from '../rules/fixture-harness.js';
import { isWordlike, standInKind } from './clear-values.js';
import { insideText, textRangesOf } from './code-literals.js';

describe('standInKind', () => {
  const cases: Record<string, string[]> = {
    reference: ['env:DATADOG_API_KEY', 'vault:secret/data/db#password', 'op://platform/argocd/client-secret', 'ref+awssm://prod/db#password',
      '$dex.github.clientSecret', 'ext:/scripts/auth1.sh', 'pullsecret:argocd/regcred', 'secret:argocd/registry#creds', '$<plugin-secret>:plugin.token', '%env(SESSION_SECRET)%', '@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/x)',
      'helm-chart-signing-key:private_key', 'ci/Helm-Signing2:PrivateKey', 'kv/data/Team7/ArgoCD#apiToken', 'projects/123/secrets/db-password:latest'],
    placeholder: ['${{ secrets.GITHUB_TOKEN }}', '#{DbPassword}#', '__ADMIN_PASSWORD__', '<password>', '#API_KEY#', 'authelia_%s_', 'changeme', 'my-password'],
    filler: ['PleaseGenerateA50CharLul', 'mocked_token', 'vErrYS3c3tReFRe$hToken', 'p@ssw0rd!#%^&*()', 'testTEST1234!@#$', 'password123!', 'admin123456', 'aabbccddeeff00112233', 'abcdef123456', 'c3Ryb25nLXBhc3N3b3Jk'],
    documentation: ['AKIAIOSFODNN7EXAMPLE', 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'],
    'not-a-secret': ['application/json', 'true', '2019-03-20T17:54:53Z', '$2a$10$RncPyHW/B5ll2Z3J8s.IBOnbZ9uoJ4JhHLKzj5lzG/kU1KN1Oj3/K',
      'pbkdf2_sha256$36000$sT96yObJtsFk$F9YAJimsQqBXnff/QGLNTv100qhCNl/23hoBuNtSNZU=', '#jbcrypt:$2a$10$LP4bMhwyCPnsDm.XRcTZSuBqWYKGAiDAsQXrSrJGYcEd9padaPgsC',
      'user:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=', 'USWUXHGYZQYFYFFIT3RE%2F20170529%2Fus-east-1%2Fs3%2Faws4_request'],
  };
  for (const [kind, values] of Object.entries(cases)) {
    it(`recognises ${kind} values as stand-ins`, () => {
      for (const value of values) expect(standInKind(value), value).toBeDefined();
    });
  }

  it('leaves random values, and passwords that start with $, alone', () => {
    for (const value of ['eFY0JIs7J17X1BR8l4HM9Jnw', '495e90ea9d1c7536da6948aa256420f29f6eccbd', 'Skt2T0tjMk5PdQ==', '$k9!Tq2#Lm7xVw', 'hhZCp@D28z!n@NED*yB!ROMt+WzsY*iq',
      // a login and its password are no path with a field, nor is base64 with a colon after it
      'ci-bot:Summer2024', 'deploy:hunter42x', 'ops-bot:Marigold', 'Xk9aB2cD/3eF4gH5iJ6kL:name', 'ab3dk9x2/kq7Zp:name']) {
      expect(standInKind(value), value).toBeUndefined();
    }
  });
});

describe('isWordlike', () => {
  it('tells identifiers, header names and translations from random text', () => {
    for (const value of ['GetSecretByKeyV3', 'authorizedKeySecretKey1', 'Warden-Access-Token', 'Poświadczenie', 'tokensByRole']) expect(isWordlike(value), value).toBe(true);
    for (const value of ['rLABDrx87et5KvRHVUgTm3pezWWd8LMN', 'avtc41pn13asmra6zaiyf7dh6cgx97', 'eFY0JIs7J17X1BR8l4HM9Jnw']) expect(isWordlike(value), value).toBe(false);
  });

  it('reads camelCase of English words with consonant clusters as words (`longStringFromLinodeApi`), not random letters in humps', () => {
    for (const value of ['longStringFromLinodeApi', 'readStreamFromStorage', 'thirdPartyScriptsKey', 'SpringBootStarterWebToken2']) expect(isWordlike(value), value).toBe(true);
    for (const value of ['vZrEclFwOqeA', 'SSVmFDNCFfOHKXQAEckx', 'wjXKCFzOWEPRqhTmmbWtVQ', 'xQzvBnmPkrtWqsdLfgh', 'kJhgTrqwPlmnbVcxzQwe']) expect(isWordlike(value), value).toBe(false);
  });
});

describe('text ranges of source code', () => {
  const at = (text: string, path: string, needle: string): boolean => {
    const start = text.indexOf(needle);
    return insideText(textRangesOf(text, path)!, start, start + needle.length);
  };

  it('finds string literals and comments, not identifiers or regex literals', () => {
    const ts = "const a = b['token'];\nconst re = /token='(x)'/;\nconst s = `\nkey: inside\n`; // note here\n";
    expect(at(ts, 'a.ts', 'token')).toBe(true);
    expect(at(ts, 'a.ts', 'b[')).toBe(false);
    expect(at(ts, 'a.ts', '(x)')).toBe(false);
    expect(at(ts, 'a.ts', 'inside')).toBe(true);
    expect(at(ts, 'a.ts', 'note here')).toBe(true);
    const py = 'x = admin_user["password"]  # a comment\ny = """\nclientSecret: inside\n"""\n';
    expect(at(py, 'a.py', 'admin_user')).toBe(false);
    expect(at(py, 'a.py', 'password')).toBe(true);
    expect(at(py, 'a.py', 'inside')).toBe(true);
    expect(at(py, 'a.py', 'a comment')).toBe(true);
  });

  it('reads data, docs and shell as text', () => {
    expect(textRangesOf('token: x', 'values.yaml')).toBeUndefined();
    expect(textRangesOf('TOKEN=x', 'deploy.sh')).toBeUndefined();
    expect(textRangesOf('def x = 1', 'Jenkinsfile')).toBeDefined();
  });
});

describe('k8s-secret-plaintext lists only the keys that hold a value in clear', () => {
  it('leaves out references, filler, configuration and scripts without credentials', async () => {
    const manifest = [
      'apiVersion: v1', 'kind: Secret', 'metadata:', '  name: mixed', 'stringData:',
      '  apiKey: env:DATADOG_API_KEY', '  password: Tq9Vx2Lm7S3cWz4K', '  accept: application/json', '  sessionSecret: PleaseGenerateA50CharLul',
      '  run.sh: |', '    #!/bin/sh', '    exec curl -H "accept: application/json" "$URL"',
      '  setup.sh: |', '    #!/bin/sh', '    export REGISTRY_PASSWORD=Hx4Tq9Vb2Nm7Kz3Wp8', '',
    ].join('\n');
    const { findings } = await checkExpectations(k8sSecretPlaintext, { 'secret.yaml': manifest });
    expect(findings.map((finding) => finding.message)).toEqual(['Secret/mixed holds 2 value(s) in clear: password, setup.sh']);
  });

  it('takes an access key beside its secret key for the pair\'s id; alone it is the credential', async () => {
    const secret = (name: string, lines: string[]): string => ['apiVersion: v1', 'kind: Secret', 'metadata:', `  name: ${name}`, 'data:', ...lines.map((line) => `  ${line}`), ''].join('\n');
    const b64 = (text: string): string => Buffer.from(text).toString('base64');
    const { findings } = await checkExpectations(k8sSecretPlaintext, {
      'minio.yaml': secret('minio', [`accesskey: ${b64('enterprise-metrics')}`, `secretkey: ${b64('Tq9Vx2Lm7S3cWz4K')}`]),
      'aws.yaml': secret('aws', [`AWS_ACCESS_KEY_ID: ${b64('ci-uploader')}`, `AWS_SECRET_ACCESS_KEY: ${b64('Hx4Tq9Vb2Nm7Kz3Wp8Lr5Qs1Dg6Fj0Yc2Bn4Mv7X')}`]),
      'browserstack.yaml': secret('browserstack', [`BROWSERSTACK_ACCESS_KEY: ${b64('Hx4Tq9Vb2Nm7Kz3Wp8Lr')}`]),
    });
    expect(findings.map((finding) => finding.message).sort()).toEqual([
      'Secret/aws holds 1 value(s) in clear: AWS_SECRET_ACCESS_KEY', 'Secret/browserstack holds 1 value(s) in clear: BROWSERSTACK_ACCESS_KEY', 'Secret/minio holds 1 value(s) in clear: secretkey',
    ]);
  });
});
