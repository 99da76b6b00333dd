import { describe, expect, it } from 'vitest';
import { SourceFile } from '../source-file.js';
import { dockerfileImages, isDockerfile } from './dockerfile-images.js';

function images(text: string) {
  const file = new SourceFile('Dockerfile', text);
  return dockerfileImages(file).map((image) => ({
    text: image.text,
    at: file.text.slice(image.span.start, image.span.end),
    pin: image.pin.kind === 'text' ? file.text.slice(image.pin.span.start, image.pin.span.end) : image.pin.kind,
  }));
}

describe('Dockerfile images', () => {
  it('substitutes ARG defaults, skips stages and scratch, and reads COPY --from', () => {
    expect(images([
      'ARG REGISTRY=docker.io',
      'ARG BASE="golang:1.22"',
      'FROM ${BASE} AS build',
      'FROM --platform=$BUILDPLATFORM ${REGISTRY}/library/alpine:3.19 AS tools',
      'COPY --from=build /a /b',
      'COPY --from=0 /a /b',
      'COPY --from=gcr.io/distroless/base:nonroot /etc/passwd /etc/passwd',
      'FROM scratch',
      'FROM tools',
      'FROM ${UNKNOWN:-debian:12}',
      'FROM $NOT_DEFINED',
    ].join('\n'))).toEqual([
      { text: 'golang:1.22', at: '${BASE}', pin: 'golang:1.22' },
      { text: 'docker.io/library/alpine:3.19', at: '${REGISTRY}/library/alpine:3.19', pin: 'none' },
      { text: 'gcr.io/distroless/base:nonroot', at: 'gcr.io/distroless/base:nonroot', pin: 'gcr.io/distroless/base:nonroot' },
      { text: 'debian:12', at: '${UNKNOWN:-debian:12}', pin: 'none' },
    ]);
  });

  it('joins continuation lines, keeps exact spans and handles CRLF and lowercase keywords', () => {
    expect(images('# syntax=docker/dockerfile:1\r\nfrom \\\r\n  node:20-alpine \\\r\n  as web\r\n')).toEqual([
      { text: 'node:20-alpine', at: 'node:20-alpine', pin: 'node:20-alpine' },
    ]);
  });

  it('recognises Dockerfile names', () => {
    for (const name of ['Dockerfile', 'Dockerfile.prod', 'Containerfile', 'api.Dockerfile', 'web.dockerfile', 'Dockerfile-WINDOWS_LTSC2019', 'Dockerfile_arm', 'Dockerfile-update']) expect(isDockerfile(name), name).toBe(true);
    for (const name of ['Dockerfile.md', 'Dockerfile.yaml', 'dockerfile-lint.yaml', 'README', 'Dockerfiles', 'Dockerfile-generator.py', 'Dockerfile_test.go']) expect(isDockerfile(name), name).toBe(false);
  });
});
