import { describe, expect, it } from 'vitest';
import { DETECTORS } from '../catalogue.js';
import { SampleRandom } from '../random.js';
import { findSecrets } from '../scan-text.js';

const random = new SampleRandom('generic-test-environment');
const generic = DETECTORS.filter((detector) => detector.id === 'secret-generic-credential');
const key = (): string => random.chars('ABCDEF0123456789', 64);
const token = (): string => random.chars('ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789', 28);

/** The secrets the generic rule reports in `text` at `path`. */
const found = (path: string, text: string): string[] => findSecrets(text, path, generic).map((match) => match.secret);

describe('a credential in a block that sets a test-run environment', () => {
  it('is not reported in a CI workflow env block with NODE_ENV: test, but is with NODE_ENV: production', () => {
    const secret = key();
    const workflow = (env: string): string => `name: CI\non:\n  push:\n    branches: [main]\n\nenv:\n  NODE_ENV: ${env}\n  REDIS_URL: redis://127.0.0.1:6379\n  SECRET_KEY: ${secret}\n  UTILS_SECRET: 123456\n\njobs:\n  test:\n    runs-on: ubuntu-latest\n`;
    expect(found('.github/workflows/ci.yml', workflow('test'))).toEqual([]);
    expect(found('.github/workflows/ci.yml', workflow('"testing"'))).toEqual([]);
    expect(found('.github/workflows/ci.yml', workflow('production'))).toEqual([secret]);
    // a test-like word that is no test run
    expect(found('.github/workflows/ci.yml', workflow('testnet'))).toEqual([secret]);
  });

  it('is not reported in a Kubernetes env list with RAILS_ENV test, in either order', () => {
    const secret = token();
    const after = `spec:\n  containers:\n    - name: app\n      env:\n        - name: RAILS_ENV\n          value: test\n        - name: SECRET_KEY_BASE\n          value: ${secret}\n`;
    const before = `spec:\n  containers:\n    - name: app\n      env:\n        - name: API_TOKEN\n          value: "${secret}"\n        - name: RACK_ENV\n          value: "test"\n`;
    expect(found('deploy/app.yaml', after)).toEqual([]);
    expect(found('deploy/app.yaml', before)).toEqual([]);
    expect(found('deploy/app.yaml', after.replace('value: test', 'value: production'))).toEqual([secret]);
  });

  it('is not reported in a .env file that sets APP_ENV=testing; a commented-out setting does not count', () => {
    const secret = token();
    expect(found('.env.ci', `APP_ENV=testing\nAPP_DEBUG=true\nAPI_TOKEN=${secret}\n`)).toEqual([]);
    expect(found('.env.ci', `# APP_ENV=testing\nAPP_ENV=production\nAPI_TOKEN=${secret}\n`)).toEqual([secret]);
  });

  it('in a compose file, only the service whose environment is the test one', () => {
    const test = token();
    const live = token();
    const compose = `services:\n  tests:\n    image: app\n    environment:\n      - MIX_ENV=test\n      - API_TOKEN=${test}\n  app:\n    image: app\n    environment:\n      MIX_ENV: prod\n      API_TOKEN: ${live}\n`;
    expect(found('docker-compose.yml', compose)).toEqual([live]);
  });

  it('a deployment named test by ENVIRONMENT elsewhere in the file does not hide another block', () => {
    const secret = token();
    const values = `global:\n  ENVIRONMENT: test\napp:\n  config:\n    API_TOKEN: ${secret}\n`;
    expect(found('values.yaml', values)).toEqual([secret]);
    expect(found('values.yaml', `global:\n  ENVIRONMENT: test\n  API_TOKEN: ${secret}\n`)).toEqual([]);
  });

  it('JSON: an ECS-style name/value list and a flat object', () => {
    const secret = token();
    expect(found('task.json', `{\n  "environment": [\n    {"name": "NODE_ENV", "value": "test"},\n    {"name": "API_TOKEN", "value": "${secret}"}\n  ]\n}\n`)).toEqual([]);
    expect(found('config.json', `{\n  "NODE_ENV": "test",\n  "apiToken": "${secret}"\n}\n`)).toEqual([]);
    expect(found('config.json', `{\n  "NODE_ENV": "production",\n  "apiToken": "${secret}"\n}\n`)).toEqual([secret]);
  });
});
