import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { redacted } from '../src/secrets/redact.js';
import { findSecrets } from '../src/secrets/scan-text.js';

/**
 * Recall on the peers' own test data: Nosey Parker's rule examples, the literal true samples of
 * gitleaks' rule generators, and the valid patterns of TruffleHog's detector tests. Each peer is
 * read at bench time from a local git mirror (`NOSEYPARKER_REPO`, `GITLEAKS_REPO`,
 * `TRUFFLEHOG_REPO`; skipped when absent) and the samples taken from it are cached under
 * .bench/peer-samples by commit — none of it is committed to Rampart. Each sample is written in
 * five file formats; it counts as found when Rampart reports a finding on it.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const CACHE = path.join(here, '..', '.bench', 'peer-samples');
const MIRRORS = process.env['PEER_MIRRORS'] ?? '/work/.mirror';
const REPOS = {
  'Nosey Parker': process.env['NOSEYPARKER_REPO'] ?? `${MIRRORS}/praetorian-inc+noseyparker/repo`,
  gitleaks: process.env['GITLEAKS_REPO'] ?? `${MIRRORS}/gitleaks+gitleaks/repo`,
  TruffleHog: process.env['TRUFFLEHOG_REPO'] ?? `${MIRRORS}/trufflesecurity+trufflehog/repo`,
} as const;
type Peer = keyof typeof REPOS;

interface Sample {
  /** the peer's rule or detector */
  readonly rule: string;
  /** `specific` (a provider format) or `generic` (fuzzy, keyword-gated rules of the peer) */
  readonly kind: 'specific' | 'generic';
  readonly text: string;
}

/** Each placement: the text before the sample, and how the sample is written there. */
const PLACEMENTS: ReadonlyArray<readonly [file: string, before: string, write: (sample: string) => string]> = [
  ['notes.md', 'Notes from setting up the service:\n\n', (sample) => sample],
  ['deploy.sh', '#!/bin/sh\nset -eu\n', (sample) => sample],
  ['ci.yaml', 'steps:\n  - run: |\n      ', (sample) => sample.replace(/\n/g, '\n      ')],
  ['Dockerfile', 'FROM alpine:3.20\nRUN ', (sample) => sample],
  ['app.py', '# kept for reference\n', (sample) => sample],
];

function git(repo: string, ...args: string[]): string {
  const result = spawnSync('git', ['--git-dir', repo, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return result.status === 0 ? result.stdout : '';
}

function files(repo: string, dir: string, suffix: RegExp): Array<readonly [string, string]> {
  return git(repo, 'ls-tree', '-r', '--name-only', 'HEAD', dir).split('\n').filter((name) => suffix.test(name))
    .map((name) => [name, git(repo, 'show', `HEAD:${name}`)] as const);
}

interface GoLiteral {
  readonly value: string;
  readonly index: number;
  /** joined to generated text (`"x" + fmt.Sprintf(…)`), a map key (`"k": v`), or an argument of a call that generates */
  readonly partial: boolean;
}

/** The string literals of Go source, raw and interpreted, with comments skipped. */
function goLiterals(source: string): GoLiteral[] {
  const literals: GoLiteral[] = [];
  for (let at = 0; at < source.length; at += 1) {
    const char = source[at]!;
    if (char === '/' && source[at + 1] === '/') {
      at = source.indexOf('\n', at);
      if (at === -1) break;
    } else if (char === '`' || char === '"') {
      let end = at + 1;
      while (end < source.length && source[end] !== char && !(char === '"' && source[end] === '\n')) end += source[end] === '\\' && char === '"' ? 2 : 1;
      const raw = source.slice(at, end + 1);
      let value: string | undefined;
      try {
        value = char === '`' ? raw.slice(1, -1) : JSON.parse(raw.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1')) as string;
      } catch {
        value = undefined;
      }
      const before = source.slice(Math.max(0, at - 60), at);
      const after = source.slice(end + 1, end + 4);
      const partial = /\+\s*$/.test(before) || /^\s*[+:]/.test(after) || /(?:NewSecret|Sprintf|Numeric|AlphaNumeric|Hex|Regex|Prefix)\w*\([^()]*$/.test(before);
      if (value !== undefined) literals.push({ value, index: at, partial });
      at = end;
    }
  }
  return literals;
}

interface NpRule {
  readonly name: string;
  readonly categories?: readonly string[];
  readonly examples?: readonly string[];
}

/** Nosey Parker: every example of a rule for a secret (identifiers, password hashes and public keys are not credentials). */
function noseyParker(repo: string): Sample[] {
  return files(repo, 'crates/noseyparker/data/default/builtin/rules', /\.yml$/)
    .flatMap(([, text]) => (parse(text) as { rules?: NpRule[] } | null)?.rules ?? [])
    .filter((rule) => {
      const categories = rule.categories ?? [];
      return !(categories.includes('identifier') && !categories.includes('secret')) && !categories.includes('hashed') && !/\bpublic (?:key|access)|recipient/i.test(rule.name);
    })
    .flatMap((rule) => (rule.examples ?? []).map((text) => ({
      rule: rule.name,
      kind: (rule.categories ?? []).some((category) => category === 'fuzzy' || category === 'generic') ? 'generic' as const : 'specific' as const,
      text,
    })));
}

/** gitleaks: the literal true samples (`tps`) of each rule generator; generated ones are made at its run time and left out. */
function gitleaks(repo: string): Sample[] {
  const samples: Sample[] = [];
  for (const [name, source] of files(repo, 'cmd/generate/config/rules', /\.go$/)) {
    const rule = path.basename(name, '.go');
    const generic = /generic|curl|password|jwt/.test(rule);
    for (const block of source.matchAll(/\btps\s*:?=\s*([\s\S]*?)(?=\n\s*(?:fps\s*:?=|return\b|tps\s*=\s*utils)|\n\}\n)/g)) {
      const identifier = /GenerateSampleSecrets\(\s*"([^"]+)"/.exec(block[1]!)?.[1] ?? rule;
      for (const literal of goLiterals(block[1]!)) {
        const value = literal.value;
        if (literal.partial || value.length < 12 || /%[sdvq]/.test(value) || value === identifier) continue;
        const bare = !/[\s=:]/.test(value);
        samples.push({ rule, kind: generic ? 'generic' : 'specific', text: bare ? `${identifier.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_TOKEN=${value}` : value });
      }
    }
  }
  return samples;
}

/** TruffleHog: the values its pattern tests expect to find, resolved from literals and `var` blocks, under a key naming the detector. */
function truffleHog(repo: string): Sample[] {
  const samples: Sample[] = [];
  for (const [name, source] of files(repo, 'pkg/detectors', /(?<!integration)_test\.go$/)) {
    const detector = path.basename(path.dirname(name)).replace(/^v\d+$/, path.basename(path.dirname(path.dirname(name))));
    const variables = new Map<string, string>();
    for (const literal of goLiterals(source)) {
      const name = /(\w+)\s*:?=\s*$/.exec(source.slice(Math.max(0, literal.index - 80), literal.index))?.[1];
      if (name && !literal.partial && /^\s*(?:\n|$)/.test(source.slice(literal.index).replace(/^(?:`[^`]*`|"(?:[^"\\\n]|\\.)*")/, ''))) variables.set(name, literal.value);
    }
    const seen = new Set<string>();
    for (const test of source.matchAll(/name:\s*"([^"]*)"[\s\S]*?want:\s*(?:\[\]string\{([^}]*)\}|nil)/g)) {
      if (/invalid|not |false|no match|without/i.test(test[1]!) || !test[2]) continue;
      for (const want of test[2].split(',').map((entry) => entry.trim()).filter(Boolean)) {
        const value = want.startsWith('"') || want.startsWith('`') ? goLiterals(want)[0]?.value : variables.get(want);
        if (!value || value.length < 12 || /\s/.test(value) || seen.has(value)) continue;
        // pairs the detector joins itself (`id:secret`) are not written that way
        if (/^[^/]*[:;|][^/]*$/.test(value) && !/^[a-z]+:\/\//.test(value)) continue;
        seen.add(value);
        samples.push({ rule: detector, kind: 'specific', text: /^https?:\/\//.test(value) ? value : `${detector.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_API_KEY=${value}` });
      }
    }
  }
  return samples;
}

const READERS: Record<Peer, (repo: string) => Sample[]> = { 'Nosey Parker': noseyParker, gitleaks, TruffleHog: truffleHog };

/** The samples of a peer, from the cache when its mirror is at the same commit. */
function samplesOf(peer: Peer): Sample[] | undefined {
  const repo = REPOS[peer];
  if (!existsSync(repo)) return undefined;
  const commit = git(repo, 'rev-parse', 'HEAD').trim();
  const cached = path.join(CACHE, `${peer.replace(/\W+/g, '-').toLowerCase()}-${commit}.json`);
  if (existsSync(cached)) return JSON.parse(readFileSync(cached, 'utf8')) as Sample[];
  const samples = READERS[peer](repo);
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(cached, JSON.stringify(samples));
  return samples;
}

function found(sample: Sample, file: string, before: string, write: (sample: string) => string): boolean {
  const body = write(sample.text);
  return findSecrets(`${before}${body}\n`, file).some((match) => match.end > before.length && match.start <= before.length + body.length);
}

export async function run(): Promise<void> {
  const verbose = process.env['PEER_MISSES'] === '1';
  for (const peer of Object.keys(REPOS) as Peer[]) {
    const samples = samplesOf(peer);
    if (!samples) {
      process.stdout.write(`${peer}: skipped, no mirror at ${REPOS[peer]}\n`);
      continue;
    }
    const score = { specific: [0, 0], generic: [0, 0] };
    const misses: string[] = [];
    for (const sample of samples) {
      for (const [file, before, write] of PLACEMENTS) {
        const hit = found(sample, file, before, write);
        score[sample.kind][0]! += hit ? 1 : 0;
        score[sample.kind][1]! += 1;
        if (!hit && file === 'notes.md') misses.push(`${sample.rule}: ${redacted(sample.text.trim().split('\n')[0]!)}`);
      }
    }
    const [hits, total] = [score.specific[0]! + score.generic[0]!, score.specific[1]! + score.generic[1]!];
    const ratio = ([a, b]: number[]): string => (b ? `${(a! / b!).toFixed(3)} (${a} of ${b})` : 'none');
    process.stdout.write(`${peer}: ${samples.length} samples in ${PLACEMENTS.length} file formats: recall ${ratio([hits, total])}\n`);
    process.stdout.write(`  provider formats ${ratio(score.specific)}; the peer's fuzzy/generic rules ${ratio(score.generic)}\n`);
    process.stdout.write(`  missed in the markdown placement: ${misses.length}${verbose ? '' : ' (PEER_MISSES=1 lists them, redacted)'}\n`);
    if (verbose) process.stdout.write(misses.map((miss) => `    ${miss}\n`).join(''));
  }
}
