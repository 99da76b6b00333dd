import { describe, expect, it } from 'vitest';
import { SourceFile } from '../source-file.js';
import { parseHcl } from '../terraform.js';
import { terraformImages } from './terraform-images.js';

const images = (text: string): string[] => terraformImages(parseHcl(new SourceFile('main.tf', text))).map((occurrence) => occurrence.text);

describe('terraformImages', () => {
  it('lists the images of a block before those of the blocks inside it, leaving out machine images at any depth', () => {
    const text = [
      'resource "kubernetes_deployment" "web" {',
      '  spec { template { spec {',
      '    container { image = "nginx:1.25" }',
      '    container { image = "redis:7" }',
      '  } } }',
      '  image = "busybox:1"',
      '}',
      'resource "google_compute_instance" "vm" {',
      '  boot_disk { initialize_params { image = "debian-cloud/debian-12" } }',
      '}',
      'module "m" { image = "ghcr.io/acme/app:2" }',
    ].join('\n');
    expect(images(text)).toEqual(['busybox:1', 'nginx:1.25', 'redis:7', 'ghcr.io/acme/app:2']);
  });

  it('reads 100,000 nested blocks (every image rule failed with Maximum call stack size exceeded at 5,000)', () => {
    const depth = 100_000;
    expect(images(`${'a {\n'.repeat(depth)}image = "nginx:1.25"\n${'}\n'.repeat(depth)}image = "redis:7"\n`)).toEqual(['redis:7', 'nginx:1.25']);
  });
});
