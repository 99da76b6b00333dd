import { describe, expect, it } from 'vitest';
import { chooseTerraformVersion, terraformVersionMatches } from './terraform-registry.js';

describe('Terraform version constraints', () => {
  it('reads ~> as Terraform does: the rightmost written part may grow', () => {
    expect(terraformVersionMatches('1.9.0', '~> 1.2')).toBe(true);
    expect(terraformVersionMatches('2.0.0', '~> 1.2')).toBe(false);
    expect(terraformVersionMatches('1.2.9', '~> 1.2.0')).toBe(true);
    expect(terraformVersionMatches('1.3.0', '~> 1.2.0')).toBe(false);
    expect(terraformVersionMatches('1.1.0', '~> 1.2')).toBe(false);
  });

  it('joins comma-separated terms and keeps pre-releases to exact matches', () => {
    expect(terraformVersionMatches('1.5.0', '>= 1.0, < 2.0, != 1.4.0')).toBe(true);
    expect(terraformVersionMatches('1.4.0', '>= 1.0, < 2.0, != 1.4.0')).toBe(false);
    expect(terraformVersionMatches('2.0.0-beta1', '>= 1.0')).toBe(false);
    expect(terraformVersionMatches('2.0.0-beta1', '2.0.0-beta1')).toBe(true);
    expect(terraformVersionMatches('1.0.0', 'banana')).toBeUndefined();
  });

  it('picks the highest allowed version; no constraint means the newest release', () => {
    const versions = ['0.1.0', '0.2.0', '1.0.0', '1.1.0-beta'];
    expect(chooseTerraformVersion(versions, '~> 0.1')).toBe('0.2.0');
    expect(chooseTerraformVersion(versions, '')).toBe('1.0.0');
    expect(chooseTerraformVersion(versions, '> 1.0.0')).toBeUndefined();
  });
});
