import { commitHeader } from '../../sources/git/fast-export.js';
import type { HistoryHit } from './history-hit.js';
import { draftHits } from './draft-hits.js';
import { secretMatches } from './version-secrets.js';

/** One file version to search, with the commit (numbered oldest first) that wrote it. */
export interface BlobJob {
  readonly path: string;
  readonly order: number;
  readonly sha: string;
  /** `Name <email> <epoch> <tz>`: made into a header only for the few commits that hold a secret */
  readonly author: string;
}

/** The first commit of each (rule, secret) among the file versions searched. */
export class FirstHits {
  private readonly hits = new Map<string, HistoryHit>();
  /** matches left out of file versions holding more than the cap of one rule */
  omitted = 0;

  constructor(private readonly cap?: number) {}

  /** Searches one file version and keeps what it holds where no older commit holds it already. */
  search(job: BlobJob, body: Buffer): void {
    const text = body.toString('utf8');
    const matches = secretMatches(text, job.path);
    if (matches.length === 0) return;
    const commit = commitHeader(job.sha, job.author);
    const { drafts, omitted } = draftHits(text, job.path, matches, this.cap);
    this.omitted += omitted;
    for (const { matched: _matched, ...draft } of drafts) {
      this.add({ ...draft, order: job.order, commit: commit.sha, author: commit.author, date: commit.date });
    }
  }

  add(hit: HistoryHit): void {
    const key = `${hit.ruleId}\0${hit.hash}`;
    const known = this.hits.get(key);
    if (!known || hit.order < known.order) this.hits.set(key, hit);
  }

  /** Oldest commit first. */
  values(): HistoryHit[] {
    return [...this.hits.values()].sort((a, b) => a.order - b.order);
  }
}
