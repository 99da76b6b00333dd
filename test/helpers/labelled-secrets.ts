import { DETECTORS } from '../../src/secrets/catalogue.js';
import type { Detector } from '../../src/secrets/detector.js';
import { findSecrets } from '../../src/secrets/scan-text.js';

/**
 * A labelled set for recall and precision: every single-line credential format of the catalogue,
 * its generated true samples written the ways repositories write them (16 placements: YAML, JSON,
 * .env, shell, Dockerfile ENV/ARG in both syntaxes, Kubernetes env, a curl header, prose, TOML,
 * XML, Python, JavaScript, Go, Terraform, a workflow step), and its false samples beside them.
 */
export interface Planted {
  readonly detector: string;
  readonly placement: string;
  readonly path: string;
  readonly secret: string;
}

export interface LabelledSet {
  readonly files: ReadonlyArray<{ readonly path: string; readonly text: string }>;
  readonly planted: readonly Planted[];
  /** files holding only false samples: every finding there is a false positive */
  readonly negativeFiles: ReadonlySet<string>;
}

type Placement = readonly [name: string, file: string, write: (key: string, value: string) => string];

export const PLACEMENTS: readonly Placement[] = [
  ['YAML', 'config.yaml', (key, value) => `${key}: ${value}`],
  ['Helm values (quoted)', 'values.yaml', (key, value) => `app:\n  secrets:\n    ${key}: "${value}"`],
  ['JSON', 'settings.json', (key, value) => `{"${key}": "${value}", "retries": 3}`],
  ['.env', '.env', (key, value) => `${key}=${value}`],
  ['shell export', 'deploy.sh', (key, value) => `export ${key}='${value}'`],
  ['Dockerfile ENV', 'Dockerfile', (key, value) => `FROM alpine:3.20\nENV ${key}=${value}`],
  ['Dockerfile ENV (space)', 'legacy/Dockerfile', (key, value) => `FROM alpine:3.20\nENV ${key} ${value}`],
  ['Dockerfile ARG', 'build/Dockerfile', (key, value) => `FROM alpine:3.20\nARG ${key}=${value}`],
  ['Kubernetes env', 'deployment.yaml', (key, value) => `        env:\n          - name: ${key}\n            value: "${value}"`],
  ['curl header', 'scripts/call.sh', (_key, value) => `curl -sS -H 'Authorization: Bearer ${value}' https://api.internal.test/v1/me`],
  ['prose', 'docs/setup.md', (key, value) => `To try it, set \`${key}\` to ${value} and run the installer.`],
  ['TOML', 'app.toml', (key, value) => `[service]\n${key} = "${value}"`],
  ['XML', 'settings.xml', (key, value) => `<settings><${key}>${value}</${key}></settings>`],
  ['Python', 'app/settings.py', (key, value) => `${key} = "${value}"`],
  ['JavaScript', 'src/config.js', (key, value) => `export const config = { ${key}: '${value}' };`],
  ['Go', 'internal/config.go', (key, value) => `const ${key} = "${value}"`],
  ['Terraform', 'main.tf', (key, value) => `locals {\n  ${key} = "${value}"\n}`],
  ['workflow step', '.github/workflows/ci.yml', (key, value) => `      - uses: acme/deploy@v1\n        with:\n          ${key}: ${value}`],
];

const strip = (text: string): string => text.replace(/[ \t]*# expect:[^\n]*/g, '');

/** `KEY: value` of a detector's first true sample, and the secret it holds; none for multi-line formats. */
function sampleOf(detector: Detector, only: readonly Detector[]): { key: string; value: string; secret: string } | undefined {
  const first = strip(detector.samples.positives[0] ?? '');
  const parsed = /^([A-Za-z0-9_.-]+): "?([^"\n]+)"?$/.exec(first);
  if (!parsed || detector.samples.file !== 'config.yaml') return undefined;
  const match = findSecrets(first, detector.samples.file, only)[0];
  return match ? { key: parsed[1]!, value: parsed[2]!, secret: match.secret } : undefined;
}

const category = (char: string): string => (/[0-9]/.test(char) ? 'digit' : /[a-z]/.test(char) ? 'lower' : /[A-Z]/.test(char) ? 'upper' : char);

/**
 * The n-th variant of a sample value: two near different characters of one kind (digits, lower
 * or upper case letters) swapped, so the shape holds; kept only when the detector still accepts it
 * (a checksum may not), so each placement holds its own credential and history, which reports a
 * credential once, can be scored per placement too.
 */
function variant(detector: Detector, only: readonly Detector[], key: string, value: string, secret: string, n: number): { value: string; secret: string } {
  const at = value.indexOf(secret);
  let found = 0;
  for (let pair = 0; pair < 2 * secret.length; pair += 1) {
    const [index, other] = [pair >> 1, (pair >> 1) + 1 + (pair & 1)];
    const [a, b] = [secret[index] ?? '', secret[other] ?? ''];
    if (a === b || !b || category(a) !== category(b) || category(a).length === 1) continue;
    const changed = secret.slice(0, index) + b + secret.slice(index + 1, other) + a + secret.slice(other + 1);
    const text = `${key}: ${value.slice(0, at)}${changed}${value.slice(at + secret.length)}`;
    if (findSecrets(text, detector.samples.file, only)[0]?.secret !== changed) continue;
    if (found === n) return { value: value.slice(0, at) + changed + value.slice(at + secret.length), secret: changed };
    found += 1;
  }
  return { value, secret };
}

export function labelledSet(detectors: readonly Detector[] = DETECTORS): LabelledSet {
  const files: Array<{ path: string; text: string }> = [];
  const planted: Planted[] = [];
  const negatives: string[] = [];
  for (const detector of detectors) {
    // one array per detector: the scanner prepares (and caches) its automaton per detector list
    const only = [detector];
    const sample = sampleOf(detector, only);
    if (!sample) continue;
    PLACEMENTS.forEach(([placement, file, write], index) => {
      const path = `${detector.id}/${file}`;
      const { value, secret } = variant(detector, only, sample.key, sample.value, sample.secret, index);
      files.push({ path, text: `${write(sample.key, value)}\n` });
      planted.push({ detector: detector.id, placement, path, secret });
    });
    // under a neutral key: a truncated token under `SLACK_TOKEN:` is still a generic credential, rightly
    negatives.push(...detector.samples.negatives.filter((text) => !text.includes('\n')).map((text) => text.replace(/^[A-Za-z0-9_.-]+: /, 'sample: ')));
  }
  files.push({ path: 'negatives/values.yaml', text: `${negatives.join('\n')}\n` });
  return { files, planted, negativeFiles: new Set(['negatives/values.yaml']) };
}

export interface Score {
  readonly recall: number;
  readonly precision: number;
  readonly missed: readonly Planted[];
  readonly falsePositives: ReadonlyArray<{ readonly path: string; readonly detector: string }>;
}

/**
 * Scores found (path, secret, rule) triples against the set: a plant counts when its secret is
 * found in its file, or anywhere with `anywhere` (history reports each credential once).
 */
export function score(set: LabelledSet, found: ReadonlyArray<{ path: string; secret: string; detector: string }>, anywhere = false): Score {
  const key = (path: string, secret: string): string => (anywhere ? secret : `${path}\u0000${secret}`);
  const plantedKeys = new Set(set.planted.map((plant) => key(plant.path, plant.secret)));
  const foundKeys = new Set(found.map((item) => key(item.path, item.secret)));
  const missed = set.planted.filter((plant) => !foundKeys.has(key(plant.path, plant.secret)));
  const falsePositives = found.filter((item) => !plantedKeys.has(key(item.path, item.secret)));
  const truePositives = found.length - falsePositives.length;
  return {
    recall: (set.planted.length - missed.length) / set.planted.length,
    precision: found.length === 0 ? 1 : truePositives / found.length,
    missed,
    falsePositives: falsePositives.map((item) => ({ path: item.path, detector: item.detector })),
  };
}

/** The tree scan of the set: `findSecrets` on each file, as `rampart scan` runs it. */
export function scanLabelledTree(set: LabelledSet): Score {
  const found = set.files.flatMap((file) => findSecrets(file.text, file.path).map((match) => ({ path: file.path, secret: match.secret, detector: match.detector.id })));
  return score(set, found);
}
