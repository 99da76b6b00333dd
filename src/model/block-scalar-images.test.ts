import { describe, expect, it } from 'vitest';
import { Workspace } from './workspace.js';

describe('images written as block scalars', () => {
  it('read `image: >-` and `image: |` as their value, with the span on the value itself', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      image: >-\n        ghcr.io/acme/app:1.0\n    - name: b\n      image: |\n        ghcr.io/acme/web:2.0\n';
    const images = Workspace.fromTexts({ 'pod.yaml': text }).images();
    expect(images.map((image) => image.text.trim())).toEqual(['ghcr.io/acme/app:1.0', 'ghcr.io/acme/web:2.0']);
    expect(images.map((image) => text.slice(image.span.start, image.span.end))).toEqual(['ghcr.io/acme/app:1.0', 'ghcr.io/acme/web:2.0']);
  });
});
