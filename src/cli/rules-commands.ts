import { Option, type Command } from 'commander';
import { LAYERS, type Layer } from '../model/severity.js';
import { ruleMarkdown } from '../rules/docs.js';
import { findRuleEntry, loadRuleEntries, loadRules, RULE_INDEX, type RuleEntry } from '../rules/rule-index.js';
import { EXIT } from './exit.js';
import type { CommandRegistrar } from './main.js';
import { renderMarkdown } from './terminal-markdown.js';

export const registerRulesCommands: CommandRegistrar = (program: Command, setExit) => {
  program
    .command('rules')
    .description('list every rule: id, layer, default severity, summary')
    .addOption(new Option('-l, --layer <layer>', 'only rules of this layer').choices(LAYERS))
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean; layer?: Layer }) => {
      const rules = (await loadRuleEntries()).filter((rule) => !options.layer || rule.layer === options.layer);
      process.stdout.write(options.json ? rulesJson(rules) : rulesTable(rules));
    });

  program
    .command('explain')
    .description("print a rule's documentation: styled on a terminal, plain text through a pipe")
    .argument('<rule-id>')
    .option('--markdown', 'print the Markdown source (docs/rules/<rule-id>.md)')
    .option('--no-color', 'no colours or styles')
    .action(async (id: string, options: { markdown?: boolean; color: boolean }) => {
      const entry = findRuleEntry(id.trim().toLowerCase());
      if (!entry) {
        const close = suggestions(id);
        process.stderr.write(`rampart: unknown rule ${id}${close.length > 0 ? `; did you mean ${close.join(', ')}?` : ''} (see \`rampart rules\`)\n`);
        setExit(EXIT.error);
        return;
      }
      const [rule] = await loadRules([entry]);
      const markdown = ruleMarkdown(rule!);
      if (options.markdown) {
        process.stdout.write(markdown);
        return;
      }
      const terminal = process.stdout.isTTY === true;
      const color = terminal && options.color && !process.env['NO_COLOR'] && process.env['TERM'] !== 'dumb';
      const width = terminal ? Math.min(process.stdout.columns || 80, 100) : 80;
      process.stdout.write(renderMarkdown(markdown, { color, width }));
    });
};

export function rulesJson(rules: readonly RuleEntry[]): string {
  const rows = rules.map(({ id, layer, severity, summary, fixable, requires }) => ({
    id, layer, severity, summary, fixable: fixable === true, ...(requires ? { requires } : {}),
  }));
  return `${JSON.stringify(rows, null, 2)}\n`;
}

/** Columns sized to the catalogue; a mark for rules `rampart pin` fixes and for rules that need a flag to run. */
export function rulesTable(rules: readonly RuleEntry[]): string {
  if (rules.length === 0) return 'no rules\n';
  const idWidth = Math.max('RULE'.length, ...rules.map((rule) => rule.id.length));
  const layerWidth = Math.max(...LAYERS.map((layer) => layer.length));
  const lines = [`${'RULE'.padEnd(idWidth)}  ${'LAYER'.padEnd(layerWidth)}  SEVERITY  SUMMARY`];
  for (const rule of rules) {
    const notes = [rule.fixable ? 'fixable' : '', rule.requires ? `needs ${rule.runsWith ?? `--${rule.requires}`}` : ''].filter(Boolean);
    lines.push(`${rule.id.padEnd(idWidth)}  ${rule.layer.padEnd(layerWidth)}  ${rule.severity.padEnd(8)}  ${rule.summary}${notes.length > 0 ? ` [${notes.join(', ')}]` : ''}`);
  }
  lines.push('', `${rules.length} rule${rules.length === 1 ? '' : 's'}. \`rampart explain <rule>\` prints one rule's documentation.`);
  return `${lines.join('\n')}\n`;
}

/** Rule ids a mistyped id probably meant: substrings and small edit distances. */
export function suggestions(id: string, rules: readonly Pick<RuleEntry, 'id'>[] = RULE_INDEX): string[] {
  const wanted = id.trim().toLowerCase();
  if (wanted === '') return [];
  return rules
    .map((rule) => ({ id: rule.id, distance: rule.id.includes(wanted) || wanted.includes(rule.id) ? 0 : editDistance(wanted, rule.id) }))
    .filter(({ distance }) => distance <= Math.max(2, Math.floor(wanted.length / 4)))
    .sort((a, b) => a.distance - b.distance || a.id.localeCompare(b.id))
    .slice(0, 3)
    .map(({ id: ruleId }) => ruleId);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
