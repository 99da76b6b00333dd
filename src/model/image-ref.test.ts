import { describe, expect, it } from 'vitest';
import { isTemplated, parseImageReference } from './image-ref.js';

function parsed(raw: string) {
  const result = parseImageReference(raw);
  if (!result.ok) throw new Error(`${raw}: ${result.reason}`);
  return result.reference;
}

describe('parseImageReference (distribution reference grammar)', () => {
  it.each([
    ['nginx', 'docker.io', 'library/nginx', undefined, undefined],
    ['nginx:1.27', 'docker.io', 'library/nginx', '1.27', undefined],
    ['library/nginx:latest', 'docker.io', 'library/nginx', 'latest', undefined],
    ['bitnami/redis:7.2.4-debian-12-r0', 'docker.io', 'bitnami/redis', '7.2.4-debian-12-r0', undefined],
    ['docker.io/nginx', 'docker.io', 'library/nginx', undefined, undefined],
    ['index.docker.io/library/nginx:1', 'docker.io', 'library/nginx', '1', undefined],
    ['ghcr.io/org/team/app:v1.0.0', 'ghcr.io', 'org/team/app', 'v1.0.0', undefined],
    ['localhost/app', 'localhost', 'app', undefined, undefined],
    ['localhost:5000/app:dev', 'localhost:5000', 'app', 'dev', undefined],
    ['127.0.0.1:5000/a/b', '127.0.0.1:5000', 'a/b', undefined, undefined],
    ['[::1]:5000/app:1', '[::1]:5000', 'app', '1', undefined],
    ['registry.example.com/a__b/c--d.e_f:T_1.2-x', 'registry.example.com', 'a__b/c--d.e_f', 'T_1.2-x', undefined],
    ['quay.io/app@sha256:' + 'a'.repeat(64), 'quay.io', 'app', undefined, 'sha256:' + 'a'.repeat(64)],
    ['nginx:1.27@sha256:' + '0'.repeat(64), 'docker.io', 'library/nginx', '1.27', 'sha256:' + '0'.repeat(64)],
  ])('%s', (raw, registry, repository, tag, digest) => {
    const reference = parsed(raw);
    expect(reference.registry).toBe(registry);
    expect(reference.repository).toBe(repository);
    expect(reference.tag).toBe(tag);
    expect(reference.digest).toBe(digest);
  });

  it('builds a canonical form with the default registry', () => {
    expect(parsed('nginx:1').canonical).toBe('docker.io/library/nginx:1');
    expect(parsed('ghcr.io/a/b@sha256:' + 'f'.repeat(64)).canonical).toBe(`ghcr.io/a/b@sha256:${'f'.repeat(64)}`);
    expect(parsed('ghcr.io/a/b@sha512:' + 'e'.repeat(128)).digest).toBe(`sha512:${'e'.repeat(128)}`);
    expect(parsed('ghcr.io/a/b@blake3:' + 'e'.repeat(64)).digest).toBe(`blake3:${'e'.repeat(64)}`);
  });

  it.each([
    ['', /empty/],
    ['nginx :1', /white space/],
    ['Nginx:1.27', /lowercase/],
    ['MyOrg/app:1', /capital letters/],
    ['nginx@sha256:abc', /digest/],
    ['nginx@sha256:' + 'A'.repeat(64), /64 lowercase hex/],
    ['nginx@sha256:' + 'a'.repeat(63), /64 lowercase hex/],
    ['nginx@sha512:' + 'a'.repeat(64), /128 lowercase hex/],
    ['nginx@md5:' + 'a'.repeat(32), /not sha256, sha512 or blake3/],
    ['nginx@sha384:' + 'a'.repeat(96), /not sha256, sha512 or blake3/],
    ['nginx@blake3:' + 'a'.repeat(63), /64 lowercase hex/],
    ['nginx:-bad', /tag/],
    ['nginx:' + 'a'.repeat(129), /tag/],
    ['a//b', /valid image reference/],
    ['-leading/dash', /valid image reference/],
    [`registry.io/${'a'.repeat(260)}`, /longer than 255/],
  ])('rejects %j', (raw, reason) => {
    const result = parseImageReference(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('recognises templated values', () => {
    for (const value of ['{{ .Values.image }}', '${IMAGE}', '$(IMAGE)', '$IMAGE', 'repo:<%= tag %>', '<YOUR-CONTAINER>', 'registry.example.com/<team>/app:1.0', 'ko://github.com/acme/cmd/server', 'IMAGE', 'APP_IMAGE', '__IMAGE__', 'REPLACE_ME', '{IMAGE}', '{registry}/app:{tag}', 'gcr.io/@PROJECT_ID@/app', 'registry.example.com/app:@VERSION@', 'acme.azurecr.io/api:#{Build.BuildId}#',
      'REGION_NAME-docker.pkg.dev/PROJECT_ID/optimum-tpu/tgi-tpu:latest', 'us-central1-docker.pkg.dev/PROJECT_ID/models/t5-small:1.0-cpu', 'AWS_ACCOUNT_ID.dkr.ecr.REGION.amazonaws.com/app:1.0', 'REGION-docker.pkg.dev/my-project/repo/app']) expect(isTemplated(value)).toBe(true);
    for (const value of ['nginx:1', 'ghcr.io/a/b@sha256:' + 'a'.repeat(64), 'Ubuntu:22.04', 'NGINX:1.25', 'docker.io/Library/redis', 'ghcr.io/a/b:1.0@sha256:' + 'a'.repeat(64), 'MyOrg/app:1.0', 'ghcr.io/acme/API-gateway:1.0', 'registry.local/ab/APP']) expect(isTemplated(value)).toBe(false);
  });
});
