import { findSuppressions } from '../../engine/suppress.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'suppression-missing-reason',
  layer: 'repository',
  severity: 'medium',
  summary: 'A `rampart-ignore` directive that gives no reason.',
  rationale:
    'Suppressions silence a security check for good. Without a reason, reviewers cannot tell an accepted risk from a ' +
    'convenient way to get a red build green, and nobody can revisit the decision later.',
  remediation: 'Add the reason after `--`: `# rampart-ignore image-latest-tag -- local dev only, never deployed`.',
  references: ['https://eslint.org/docs/latest/use/configure/rules#comment-descriptions'],
  messages: { missing: 'Suppression of {rules} gives no reason; add `-- <reason>`.' },
  examples: {
    bad: [{ file: 'pod.yaml', code: 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    # rampart-ignore image-latest-tag # expect: suppression-missing-reason\n    - image: nginx\n' }],
    good: [{ file: 'pod.yaml', code: 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    # rampart-ignore image-latest-tag -- throwaway debug pod\n    - image: nginx\n' }],
  },
  check(context) {
    for (const file of context.workspace.files) {
      for (const suppression of findSuppressions(file)) {
        if (suppression.reason) continue;
        context.report({
          messageId: 'missing',
          at: file.span(suppression.start, suppression.end),
          data: { rules: suppression.ruleIds.join(', ') },
          subject: suppression.ruleIds.join(','),
        });
      }
    }
  },
});
