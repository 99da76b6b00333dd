import { performance } from 'node:perf_hooks';
import { corpusRepositories } from './corpus.js';
import { DEFAULT_CONFIG } from '../src/config/schema.js';
import { runRules } from '../src/engine/run.js';
import { Workspace } from '../src/model/workspace.js';
import { dependencyRules } from '../src/rules/dependencies/index.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';

/** A synthetic tree: kustomizations with remote entries, Argo CD apps, Flux sources, workflows, charts, Terraform. */
function syntheticTexts(units: number): Record<string, string> {
  const texts: Record<string, string> = {};
  for (let index = 0; index < units; index += 1) {
    const ref = index % 3 === 0 ? SHA : index % 3 === 1 ? 'v1.2.3' : 'main';
    texts[`apps/a${index}/kustomization.yaml`] = `resources:\n  - deployment.yaml\n${Array.from({ length: 8 }, (_, entry) => `  - github.com/acme/r${entry}//p${index}?ref=${ref}\n`).join('')}  - https://raw.githubusercontent.com/acme/x/${ref}/crd.yaml\n`;
    texts[`apps/a${index}/deployment.yaml`] = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a${index}}\n`;
    texts[`argo/a${index}.yaml`] = `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a${index}}\nspec:\n  sources:\n    - repoURL: https://github.com/acme/a${index}\n      path: deploy\n      targetRevision: ${ref}\n    - repoURL: https://charts.example.com\n      chart: c${index}\n      targetRevision: ^1.${index % 9}.0\n---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: g${index}}\nspec:\n  url: https://github.com/acme/g${index}\n  ref: {branch: main}\n`;
    texts[`.github/workflows/w${index}.yml`] = `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n${Array.from({ length: 6 }, (_, step) => `      - uses: acme/action-${step}@${ref}\n`).join('')}`;
    if (index % 4 === 0) {
      texts[`charts/c${index}/Chart.yaml`] = `apiVersion: v2\nname: c${index}\nversion: 1.0.0\ndependencies:\n  - name: redis\n    version: ^20.0.0\n    repository: https://charts.bitnami.com/bitnami\n`;
      texts[`infra/t${index}/main.tf`] = `provider "google" {\n  project = "p"\n}\nmodule "vpc" {\n  source  = "terraform-google-modules/network/google"\n  version = "~> 9.0"\n}\nmodule "git" {\n  source = "git::https://github.com/acme/m.git//x?ref=${ref}"\n}\n`;
    }
  }
  return texts;
}

async function measure(label: string, build: () => Promise<Workspace> | Workspace): Promise<void> {
  const parseWorkspace = await build();
  const parseStart = performance.now();
  parseWorkspace.yamlDocuments();
  parseWorkspace.kubeObjects();
  parseWorkspace.kustomizations();
  parseWorkspace.helmCharts();
  parseWorkspace.terraformFiles();
  const parseMs = performance.now() - parseStart;
  const checksStart = performance.now();
  let reported = 0;
  for (const rule of dependencyRules) {
    const context = { workspace: parseWorkspace, config: DEFAULT_CONFIG, settings: {}, report: () => { reported += 1; } };
    const carried = rule.carried?.();
    await rule.check(context, carried);
    rule.finish?.(context, carried);
  }
  const checksMs = performance.now() - checksStart;
  const rulesStart = performance.now();
  const result = await runRules(parseWorkspace, DEFAULT_CONFIG, dependencyRules);
  const rulesMs = performance.now() - rulesStart;
  process.stdout.write(
    `${label.padEnd(34)} files ${String(parseWorkspace.files.length).padStart(6)}  baseline parse ${parseMs.toFixed(0).padStart(6)} ms` +
    `  checks ${checksMs.toFixed(0).padStart(5)} ms  checks+engine ${rulesMs.toFixed(0).padStart(5)} ms (${(rulesMs / Math.max(parseMs, 1) * 100).toFixed(0)}% of parse)` +
    `  findings ${result.findings.length}${reported === result.findings.length ? '' : ` (reported ${reported})`}\n`,
  );
}

export async function run(): Promise<void> {
  for (const units of [500, 2_000]) {
    const texts = syntheticTexts(units);
    await measure(`synthetic ${units} units`, () => Workspace.fromTexts(texts));
  }
  for (const { label, load } of corpusRepositories()) await measure(label, load);
}
