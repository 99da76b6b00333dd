import { stringValue } from '../../model/yaml.js';
import { field, usesAction, type Workflow, type WorkflowStep } from './workflow-model.js';

/** Third-party actions that download another run's artifacts (the list CodeQL's artifact-poisoning query uses). */
const CROSS_RUN_DOWNLOADERS = [
  'dawidd6/action-download-artifact', 'marcofaggian/action-download-multiple-artifacts', 'benday-inc/download-latest-artifact',
  'blablacar/action-download-last-artifact', 'levonet/action-download-last-artifact', 'bettermarks/action-artifact-download',
  'aochmann/actions-download-artifact', 'cytopia/download-artifact-retry-action', 'alextompkins/download-prior-artifact',
  'nmerget/download-gzip-artifact', 'benday-inc/download-artifact', 'synergy-au/download-workflow-artifacts-action',
  'ishworkh/docker-image-artifact-download', 'ishworkh/container-image-artifact-download', 'marocchino/on_artifact',
];

export interface ArtifactDownload {
  readonly step: WorkflowStep;
  /** `actions/download-artifact with run-id`, `dawidd6/action-download-artifact` */
  readonly how: string;
  /** where the files land, relative to the workspace; '.' for the workspace itself */
  readonly path: string;
}

/** A step that downloads artifacts of another workflow run (not this run's own), and where they land. */
export function crossRunDownloadOf(workflow: Workflow, step: WorkflowStep): ArtifactDownload | undefined {
  const input = (name: string): string | undefined => stringValue(field(workflow.document, step.with, name));
  const landing = (value: string | undefined): string => normalisePath(value ?? '.');
  if (usesAction(step.uses, 'actions/download-artifact')) {
    // only with `run-id` (and a token) does v4 reach into another run
    const runId = input('run-id');
    if (runId === undefined) return undefined;
    return { step, how: `actions/download-artifact with run-id: ${runId.trim()}`, path: landing(input('path')) };
  }
  const downloader = CROSS_RUN_DOWNLOADERS.find((name) => usesAction(step.uses, name));
  if (downloader) return { step, how: downloader, path: landing(input('path') ?? (downloader === 'marocchino/on_artifact' ? input('name') : undefined)) };
  const script = stringValue(step.run);
  if (script !== undefined) {
    // the GitHub CLI: `gh run download <run> [--dir D]`, or the REST API's artifact archives
    const cli = /\bgh\s+run\s+download\b[^\n]*/.exec(script);
    if (cli) return { step, how: '`gh run download`', path: landing(/\s(?:--dir|-D)[=\s]+["']?([^\s"']+)/.exec(cli[0])?.[1]) };
    if (/\bartifacts_url\b|\barchive_download_url\b|\/actions\/artifacts\/[^\s]*\/zip/.test(script)) // zip archives: only the unzip that follows puts their files anywhere
      return { step, how: 'the artifacts REST API', path: '$RUNNER_TEMP' };
  }
  if (usesAction(step.uses, 'actions/github-script')) {
    const code = input('script') ?? '';
    if (/\bdownloadArtifact\s*\(/.test(code)) return { step, how: 'actions/github-script downloadArtifact', path: '.' };
  }
  return undefined;
}

export function normalisePath(value: string): string {
  const trimmed = value.trim().replace(/^\$\{\{\s*github\.workspace\s*\}\}\/?/, '').replace(/^\$\{?GITHUB_WORKSPACE\}?\/?/, '').replace(/^\.\//, '').replace(/\/+$/, '');
  return trimmed === '' ? '.' : trimmed;
}
