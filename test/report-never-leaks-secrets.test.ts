import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBaseline, serializeBaseline } from '../src/engine/baseline.js';
import { REPORTERS } from '../src/report/index.js';
import type { ScanReport } from '../src/report/report.js';
import { scan } from '../src/scan.js';
import { withCrc32Base62Suffix } from '../src/secrets/checksum.js';

// fake credentials in the shapes detectors look for (a GitHub token with a valid checksum, no
// documentation example values, which detectors rightly pass over); none is real
const SECRETS = [
  `ghp_${withCrc32Base62Suffix('R4nd0mT0k3nV4lu3F0rT3st1ngAbCd')}`,
  'AKIAQYLPMN5HHHFPZAM2',
  'q9Zr2LmVt7XwKp4NbHs8YdFc3GjUe6RaTo1WiSxQ',
  // longer than a detector reads a value: the part past what it matched must not show either
  Array.from({ length: 16 }, (_, index) => createHash('sha256').update(`session ${index}`).digest('base64url')).join(''),
];

/** A real scan of a tree holding credentials: no report format, and no baseline, may carry one. */
describe('reports never carry a secret', () => {
  let root: string;
  let report: ScanReport;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'rampart-leak-'));
    await writeFile(path.join(root, 'config.yaml'), [
      'apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: app}', 'data:',
      `  GITHUB_TOKEN: ${SECRETS[0]}`, `  AWS_ACCESS_KEY_ID: ${SECRETS[1]}`, `  AWS_SECRET_ACCESS_KEY: ${SECRETS[2]}`,
      `  SESSION_TOKEN: ${SECRETS[3]}`, '',
    ].join('\n'));
    await writeFile(path.join(root, '.env'), `TOKEN=${SECRETS[0]}\n`);
    report = (await scan(root)).report;
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('finds the credentials (so the checks below are meaningful)', () => {
    expect(report.findings.filter((finding) => finding.layer === 'secrets').length).toBeGreaterThanOrEqual(2);
  });

  for (const format of Object.keys(REPORTERS)) {
    it(`--format ${format}`, () => {
      const output = REPORTERS[format]!(report, { color: false });
      for (const secret of SECRETS) {
        expect(output.includes(secret), `${format} holds ${secret.slice(0, 6)}…`).toBe(false);
        expect(output.includes(secret.slice(-24)), `${format} holds the end of ${secret.slice(0, 6)}…`).toBe(false);
      }
    });
  }

  it('the baseline file', () => {
    const text = serializeBaseline(createBaseline(report.findings));
    for (const secret of SECRETS) expect(text.includes(secret) || text.includes(secret.slice(-24))).toBe(false);
  });
});
