import { describe, expect, it } from 'vitest';
import { sourceAllowed, sourceLocation, terraformRegistryLocation } from './source-allow-list.js';

describe('sourceLocation', () => {
  it.each([
    ['https://github.com/Acme/apps.git', 'github.com/acme/apps'],
    ['git@github.com:acme/apps.git', 'github.com/acme/apps'],
    ['ssh://git@gitlab.example.com:2222/acme/apps', 'gitlab.example.com/acme/apps'],
    ['oci://ghcr.io/acme/charts/', 'ghcr.io/acme/charts'],
    ['https://user:secret@charts.example.com/stable?x=1', 'charts.example.com/stable'],
    ['git::https://github.com/acme/modules.git//vpc?ref=v1', 'github.com/acme/modules'],
    ['ghcr.io/acme/charts', 'ghcr.io/acme/charts'],
  ])('%s is %s', (url, location) => {
    expect(sourceLocation(url)).toBe(location);
  });

  it.each(['', '@stable', 'alias:stable', 'file://../chart', './local', '../base'])('%s names no place', (url) => {
    expect(sourceLocation(url)).toBeUndefined();
  });

  it('puts registry modules without a host on the public Terraform registry', () => {
    expect(terraformRegistryLocation('terraform-aws-modules/vpc/aws')).toBe('registry.terraform.io/terraform-aws-modules/vpc/aws');
    expect(terraformRegistryLocation('app.terraform.io/acme/vpc/aws')).toBe('app.terraform.io/acme/vpc/aws');
  });
});

describe('sourceAllowed', () => {
  const allowed = ['https://github.com/acme/', 'oci://ghcr.io/*/charts', '*.corp.example'];
  it.each([
    ['github.com/acme/apps', true], ['github.com/acme', true], ['github.com/acme-evil/apps', false], ['github.com', false],
    ['ghcr.io/acme/charts/web', true], ['ghcr.io/acme/images/web', false], ['git.corp.example/x', true], ['a.b.corp.example/x', false],
  ])('%s: %s', (location, expected) => {
    expect(sourceAllowed(location, allowed)).toBe(expected);
  });
});
