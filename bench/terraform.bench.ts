import { parseHcl } from '../src/model/terraform.js';
import { SourceFile } from '../src/model/source-file.js';
import { corpusTerraform } from './corpus-files.js';
import { formatSpread, interleavedRounds, ratioSpread, spread } from './rounds.js';

/**
 * Issue 19: reading Terraform must be linear in the input, heredocs included (a 100 KB heredoc in
 * < 50 ms). Each size is compared, round by round, with a baseline that touches every character
 * once (splitting the text into lines); the ratio must stay flat as the size grows.
 */
function heredocFile(kilobytes: number): string {
  const line = '    { "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/${var.prefix}/*" },';
  const lines = Array.from({ length: Math.ceil((kilobytes * 1024) / (line.length + 1)) }, () => line);
  return `resource "aws_iam_policy" "p" {\n  name   = "p"\n  policy = <<EOF\n[\n${lines.join('\n')}\n]\nEOF\n}\n`;
}

export async function run(): Promise<void> {
  const sizes = [100, 1000, 10_000];
  const cases: Record<string, () => unknown> = {};
  for (const kilobytes of sizes) {
    const file = new SourceFile('main.tf', heredocFile(kilobytes));
    // repeated so that every timing covers 10 MB of input, well above the timer's resolution
    const repeat = 10_000 / kilobytes;
    cases[`baseline ${kilobytes}`] = () => { for (let time = 0; time < repeat; time += 1) file.text.split('\n'); };
    cases[`rampart ${kilobytes}`] = () => { for (let time = 0; time < repeat; time += 1) parseHcl(file); };
  }
  const times = await interleavedRounds(11, cases);
  process.stdout.write('heredoc policy, parseHcl vs splitting the text into lines (ms per 10 MB read, min/median/max of 11 interleaved rounds):\n');
  const perKb: number[] = [];
  for (const kilobytes of sizes) {
    const ours = times[`rampart ${kilobytes}`]!;
    const baseline = times[`baseline ${kilobytes}`]!;
    perKb.push(spread(ours).median);
    process.stdout.write(`  ${String(kilobytes).padStart(5)} KB heredoc  rampart ${formatSpread(spread(ours), 2)} ms  baseline ${formatSpread(spread(baseline), 2)} ms  ratio ${formatSpread(ratioSpread(ours, baseline))}x\n`);
  }
  process.stdout.write(`  median time per byte at 10 MB / at 100 KB: ${(perKb[2]! / perKb[0]!).toFixed(2)} (1.0 is linear; before issue 19 a 22.6 KB heredoc took 6.6 s)\n`);

  const corpus = corpusTerraform();
  if (corpus.length === 0) {
    process.stdout.write('  (../shared/corpus absent: corpus Terraform skipped)\n');
    return;
  }
  const bytes = corpus.reduce((sum, file) => sum + file.text.length, 0);
  const corpusTimes = await interleavedRounds(21, {
    baseline: () => corpus.reduce((sum, file) => sum + file.text.split('\n').length, 0),
    rampart: () => corpus.reduce((sum, file) => sum + parseHcl(file).body.blocks.length, 0),
  });
  process.stdout.write(`corpus Terraform (${corpus.length} .tf files, ${(bytes / 1024).toFixed(0)} KB): rampart ${formatSpread(spread(corpusTimes.rampart!), 1)} ms (the Lezer grammar before issue 19: about 7 s), ${formatSpread(ratioSpread(corpusTimes.rampart!, corpusTimes.baseline!))}x the line split\n`);
}
