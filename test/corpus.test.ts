import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { scan } from '../src/scan.js';
import { describeWithShared } from './helpers/shared.js';

/**
 * Real GitOps repositories (../shared/corpus): nothing may crash, every finding must point at
 * text that says what it claims, and per-rule counts are kept in a snapshot so that any change in
 * behaviour shows up in review.
 */
describeWithShared('corpus', 'corpus', (corpusDir) => {
  const repositories = readdirSync(corpusDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  for (const repository of repositories) {
    it(repository, async () => {
      const { report } = await scan(path.join(corpusDir, repository));
      const ruleFailures = report.diagnostics.filter((diagnostic) => diagnostic.message.startsWith('rule '));
      expect(ruleFailures).toEqual([]);

      for (const finding of report.findings) {
        expect(finding.location.line).toBeGreaterThan(0);
        const image = finding.properties?.['image'];
        if (typeof image === 'string') {
          const repositoryName = image.split('@')[0]!.split(':')[0]!.replace(/^docker\.io\/(library\/)?/, '');
          const lastSegment = repositoryName.slice(repositoryName.lastIndexOf('/') + 1);
          const tag = /:([^:@/]+)(@|$)/.exec(image)?.[1];
          // Kustomize `images:` findings point at the `newTag` line, which names the tag, not the image
          // Helm blocks may split the name (`repository: org` + `image: name`): any segment of it will do
          const segments = repositoryName.split('/');
          const expected = finding.snippet.includes(lastSegment)
            || segments.some((segment) => finding.snippet.includes(segment))
            || (tag !== undefined && finding.snippet.includes(tag));
          expect(expected, `${finding.ruleId} at ${finding.location.path}:${finding.location.line}: "${finding.snippet}" for ${image}`).toBe(true);
        }
      }

      const counts: Record<string, number> = {};
      for (const finding of report.findings) counts[finding.ruleId] = (counts[finding.ruleId] ?? 0) + 1;
      const sorted = Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
      expect({ complete: report.complete, findings: sorted }).toMatchSnapshot();
    });
  }
});
