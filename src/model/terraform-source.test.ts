import { describe, expect, it } from 'vitest';
import { parseTerraformSource } from './terraform-source.js';

describe('parseTerraformSource', () => {
  it.each([
    ['./modules/x', 'local'], ['../shared', 'local'],
    ['hashicorp/consul/aws', 'registry'], ['app.terraform.io/acme/net/aws', 'registry'], ['hashicorp/consul/aws//modules/cluster', 'registry'],
    ['github.com/acme/modules', 'git'], ['bitbucket.org/acme/modules', 'git'], ['git::https://example.com/x.git?ref=v1', 'git'],
    ['git@github.com:acme/modules.git', 'git'], ['https://example.com/x.git?ref=main', 'git'],
    ['hg::http://example.com/vpc.hg?rev=v1.2.0', 'hg'], ['oci://ghcr.io/acme/mod?tag=1.0', 'oci'],
    ['https://example.com/vpc-module.zip', 'archive'], ['s3::https://s3-eu-west-1.amazonaws.com/b/vpc.zip', 'archive'],
    ['gcs::https://www.googleapis.com/storage/v1/b/vpc.zip', 'archive'], ['acme-modules.s3-eu-west-1.amazonaws.com/vpc.zip', 'archive'],
  ])('%s is %s', (source, kind) => {
    expect(parseTerraformSource(source)?.kind).toBe(kind);
  });

  it('keeps the registry address without a sub-directory', () => {
    expect(parseTerraformSource('hashicorp/consul/aws//modules/cluster')).toEqual({ kind: 'registry', address: 'hashicorp/consul/aws' });
  });

  it('finds git refs and OCI digests', () => {
    const git = parseTerraformSource('git::https://github.com/acme/m.git//net?depth=1&ref=v1.2.0');
    expect(git?.kind === 'git' && git.remote.ref).toBe('v1.2.0');
    expect(git?.kind === 'git' && git.remote.subPath).toBe('net');
    expect(parseTerraformSource('oci://ghcr.io/acme/mod?digest=sha256:abc')).toMatchObject({ kind: 'oci', digest: true, ref: 'sha256:abc' });
  });

  it('does not guess at what it cannot read', () => {
    expect(parseTerraformSource('')).toBeUndefined();
    expect(parseTerraformSource('just-a-name')).toBeUndefined();
  });
});
