import { describe, expect, it } from 'vitest';
import { DETECTORS } from './catalogue.js';
import { findSecrets } from './scan-text.js';

const strip = (text: string): string => text.replace(/[ \t]*# expect:[^\n]*/g, '');
const idsIn = (text: string, file: string): string[] => findSecrets(strip(text), file).map((match) => match.detector.id);

describe('secret detectors', () => {
  it('cover at least 60 provider formats, with rule ids of the form secret-<provider>-<kind>', () => {
    const providers = DETECTORS.filter((detector) => !['secret-generic-credential', 'secret-connection-string'].includes(detector.id));
    expect(providers.length).toBeGreaterThanOrEqual(60);
    for (const detector of DETECTORS) expect(detector.id).toMatch(/^secret-[a-z0-9]+(-[a-z0-9]+)+$/);
    expect(new Set(DETECTORS.map((detector) => detector.id)).size).toBe(DETECTORS.length);
  });

  for (const detector of DETECTORS) {
    describe(detector.id, () => {
      it('finds each of its true samples exactly once, as itself', () => {
        expect(detector.samples.positives.length).toBeGreaterThan(0);
        for (const sample of detector.samples.positives) {
          expect(idsIn(sample, detector.samples.file), sample.slice(0, 120)).toEqual([detector.id]);
        }
      });

      it('stays quiet on its false samples', () => {
        expect(detector.samples.negatives.length).toBeGreaterThan(0);
        for (const sample of detector.samples.negatives) {
          expect(idsIn(sample, detector.samples.file).filter((id) => id === detector.id), sample.slice(0, 120)).toEqual([]);
        }
      });
    });
  }
});

/** The list of things that are not credentials; no detector may fire on any of them. */
const NOT_CREDENTIALS: Record<string, string> = {
  'templated values': 'password: ${DB_PASSWORD}\ntoken: "{{ .Values.github.token }}"\napiKey: <your-token>\nsecret: REPLACE_ME\nclient_secret: xxxxxxxxxxxxxxxxxxxxxxxx\npassword: ""\ntoken:\n',
  'documented AWS example': 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n',
  'the jwt.io sample': 'token: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c\n',
  'image digests': 'image: ghcr.io/acme/api@sha256:9b2a4c8f3e6d1a7b5c0f2e4d6a8b1c3e5f7a9b0d2c4e6f8a1b3c5d7e9f0a2b4c\ndigest: sha256:4f1c2e9a7b3d5c8e0f6a2b4d7c9e1f3a5b8d0c2e4f6a8b1d3c5e7f9a0b2c4d6e\n',
  'lockfile integrity': '"integrity": "sha512-Xk9a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6==",\nintegrity sha1-3Fd9bWqZAzN1sAZnKzZl3dW8kQk=\n',
  'Chart.lock': 'dependencies:\n- name: redis\n  repository: oci://registry-1.docker.io/bitnamicharts\n  version: 19.6.4\ndigest: sha256:d2c2b0b1ff9fa4c3c5d2e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7\ngenerated: "2024-09-12T10:00:00Z"\n',
  'commit ids and UUIDs': 'targetRevision: 3f786850e387550fdab836ed7e6dc881de23001b\nref: "sha=3f786850e387550fdab836ed7e6dc881de23001b"\nclientId: 123e4567-e89b-12d3-a456-426614174000\ntenantId: 9f3c1a2b-4d5e-6f70-8192-a3b4c5d6e7f8\n',
  'public keys and certificates': '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2F0Y2hNZUlmWW91Q2FuMB4XDTI0MDEwMTAwMDAwMFo=\n-----END CERTIFICATE-----\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE ci@acme\n',
  'SOPS ciphertext': 'password: ENC[AES256_GCM,data:Tr7oQ2Vk9w==,iv:0xXbqFQ3rJz5U0mH3nM1Yw==,tag:b2l1aHhvZ2Q=,type:str]\nsops:\n  mac: ENC[AES256_GCM,data:bWFjbWFjbWFj,iv:aXZpdml2aXZpdml2,tag:dGFndGFndGFn,type:str]\n  age:\n    - recipient: age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq\n',
  'secret references': 'env:\n  - name: GITHUB_TOKEN\n    valueFrom:\n      secretKeyRef:\n        name: github\n        key: token\nexistingSecret: grafana-admin-credentials\nexistingSecretPasswordKey: admin-password\npasswordSecretRef: {name: db, key: password}\n',
};

describe('false positives named by the issue', () => {
  for (const [name, text] of Object.entries(NOT_CREDENTIALS)) {
    it(`stay quiet: ${name}`, () => {
      expect(idsIn(text, 'values.yaml')).toEqual([]);
    });
  }
});
