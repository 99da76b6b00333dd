import { isActionFile, isWorkflowFile } from '../../model/extract/yaml-tool-images.js';
import { isGitHubOwnedAction, parseActionUses } from '../../model/action-uses.js';
import { classifyGitRef, describeGitRef, isTemplatedValue } from '../../model/git-ref.js';
import { spanWithin } from '../../model/remote-refs.js';
import { getNode, mapEntries, seqItems, type Node, type YamlDocument } from '../../model/yaml.js';
import { defineRule } from '../rule.js';
import { deref, scalarText } from './support.js';

interface UsesSite {
  readonly node: Node | undefined;
  readonly where: string;
}

/** `jobs.<id>.uses` (reusable workflows), `jobs.<id>.steps[].uses`, and a composite action's `runs.steps[].uses`. */
function usesSites(document: YamlDocument): UsesSite[] {
  const sites: UsesSite[] = [];
  for (const { key: job, value } of mapEntries(deref(document, getNode(document.root, 'jobs')))) {
    const jobNode = deref(document, value);
    sites.push({ node: deref(document, getNode(jobNode, 'uses')), where: `job ${job}` });
    for (const step of seqItems(deref(document, getNode(jobNode, 'steps')))) {
      sites.push({ node: deref(document, getNode(deref(document, step), 'uses')), where: `job ${job} step` });
    }
  }
  for (const step of seqItems(deref(document, getNode(deref(document, getNode(document.root, 'runs')), 'steps')))) {
    sites.push({ node: deref(document, getNode(deref(document, step), 'uses')), where: 'composite action step' });
  }
  return sites;
}

export default defineRule({
  id: 'action-not-pinned',
  layer: 'dependencies',
  severity: 'high',
  objectKinds: [],
  summary: 'A GitHub Actions `uses:` is not pinned to a full commit SHA.',
  rationale:
    'An action or reusable workflow runs with the job\'s token and secrets. Its tag or branch is a pointer the ' +
    'action\'s owner (or whoever compromises them) can move: in March 2025 the tags of `tj-actions/changed-files` ' +
    'were re-pointed to code that dumped CI secrets into public logs. A full commit SHA is the only immutable ' +
    'reference. Tags of actions published by GitHub itself (`actions/*`, `github/*`) are reported at medium ' +
    'severity: still mutable, but held by the platform that runs the workflow. Local actions (`./…`) come from this ' +
    'repository and are not reported; `docker://` images are left to the image rules.',
  remediation:
    'Pin to the full commit SHA and keep the version in a comment: `uses: actions/checkout@<40-hex sha> # v4.2.2`. ' +
    'Dependabot and Renovate update SHA-pinned actions and their comments through pull requests.',
  references: [
    'https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions',
    'https://github.com/ossf/scorecard/blob/main/docs/checks.md#pinned-dependencies',
    'https://www.cisa.gov/news-events/alerts/2025/03/18/supply-chain-compromise-third-party-tj-actionschanged-files-cve-2025-30066-and-reviewdogaction-setup-cve-2025-30154',
  ],
  messages: {
    unpinned: '{what} {action} ({where}) is not pinned to a commit: it follows {ref}, and whoever can push to {owner}/{repo} changes the code this job runs with its secrets.',
    tag: '{what} {action} ({where}) is pinned to {ref}, not to a commit: tags can be moved to other code.',
    githubTag: '{what} {action} ({where}) is pinned to {ref}, not to a commit (medium severity: an action published by GitHub, but its tags are still mutable).',
  },
  examples: {
    bad: [{ file: '.github/workflows/ci.yml', code: 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4 # expect: action-not-pinned\n      - uses: tj-actions/changed-files@main # expect: action-not-pinned\n' }],
    good: [{ file: '.github/workflows/ci.yml', code: 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n      - uses: ./.github/actions/setup\n      - uses: docker://alpine:3.20\n' }],
  },
  check(context) {
    for (const document of context.workspace.yamlDocuments()) {
      const file = document.file;
      if (!isWorkflowFile(file.path) && !isActionFile(file.path)) continue;
      for (const site of usesSites(document)) {
        const value = scalarText(file, site.node);
        if (!value || isTemplatedValue(value.value)) continue;
        const uses = parseActionUses(value.value);
        if (uses?.kind !== 'remote') continue;
        const kind = classifyGitRef(uses.ref);
        if (kind === 'commit') continue;
        const at = uses.refRange && uses.refRange.end > uses.refRange.start ? spanWithin(value.span, uses.refRange) : value.span;
        const data = {
          what: uses.reusableWorkflow ? 'Reusable workflow' : 'Action',
          action: value.value,
          where: site.where,
          ref: describeGitRef(kind, uses.ref),
          owner: uses.owner,
          repo: uses.repo,
        };
        const properties = { action: `${uses.owner}/${uses.repo}${uses.path ? `/${uses.path}` : ''}`, ...(uses.ref !== undefined ? { ref: uses.ref } : {}) };
        if (kind === 'tag' && isGitHubOwnedAction(uses.owner)) {
          context.report({ messageId: 'githubTag', at, data, subject: value.value, severity: 'medium', properties });
        } else {
          context.report({ messageId: kind === 'tag' ? 'tag' : 'unpinned', at, data, subject: value.value, properties });
        }
      }
    }
  },
});
