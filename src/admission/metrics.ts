/** Prometheus text exposition (format 0.0.4) of the webhook's counters, written by hand: a few metric families need no library. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export class AdmissionMetrics {
  private readonly requests = new Map<string, number>();
  private readonly decisions = new Map<string, number>();
  private readonly ruleFindings = new Map<string, number>();
  private readonly cacheLookups = new Map<string, number>();
  private readonly bucketCounts = BUCKETS.map(() => 0);
  private durationSum = 0;
  private durationCount = 0;

  request(code: number): void {
    increment(this.requests, `code="${code}"`);
  }

  decision(result: string, rules: ReadonlyArray<{ ruleId: string; action: 'deny' | 'warn' | 'audit' }>): void {
    increment(this.decisions, `result="${result}"`);
    for (const { ruleId, action } of rules) increment(this.ruleFindings, `rule="${escape(ruleId)}",action="${action}"`);
  }

  /** image signature caches (`--verify`): hit rate = hit / (hit + miss) per cache */
  cacheLookup(cache: string, hit: boolean): void {
    increment(this.cacheLookups, `cache="${escape(cache)}",result="${hit ? 'hit' : 'miss'}"`);
  }

  duration(seconds: number): void {
    BUCKETS.forEach((bound, index) => {
      if (seconds <= bound) this.bucketCounts[index] = (this.bucketCounts[index] ?? 0) + 1;
    });
    this.durationSum += seconds;
    this.durationCount += 1;
  }

  render(): string {
    const lines = [
      ...family('rampart_admission_requests_total', 'counter', 'Admission review requests by HTTP status code.', this.requests),
      ...family('rampart_admission_decisions_total', 'counter', 'Admission decisions by result (allowed, denied, skipped).', this.decisions),
      ...family('rampart_admission_rule_findings_total', 'counter', 'Findings in admission requests by rule and action (deny, warn, audit).', this.ruleFindings),
      ...family('rampart_admission_cache_lookups_total', 'counter', 'Image signature cache lookups (--verify) by cache (tag, verdict) and result (hit, miss).', this.cacheLookups),
      '# HELP rampart_admission_duration_seconds Time to answer an admission review.',
      '# TYPE rampart_admission_duration_seconds histogram',
      ...BUCKETS.map((bound, index) => `rampart_admission_duration_seconds_bucket{le="${bound}"} ${this.bucketCounts[index] ?? 0}`),
      `rampart_admission_duration_seconds_bucket{le="+Inf"} ${this.durationCount}`,
      `rampart_admission_duration_seconds_sum ${this.durationSum}`,
      `rampart_admission_duration_seconds_count ${this.durationCount}`,
    ];
    return `${lines.join('\n')}\n`;
  }
}

function family(name: string, type: string, help: string, values: ReadonlyMap<string, number>): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...[...values].map(([labels, value]) => `${name}{${labels}} ${value}`)];
}

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
