import type { Command } from 'commander';
import { ruleMarkdown } from '../rules/docs.js';
import { findRule, RULES } from '../rules/index.js';
import { EXIT } from './exit.js';
import type { CommandRegistrar } from './main.js';

export const registerRulesCommands: CommandRegistrar = (program: Command, setExit) => {
  program
    .command('rules')
    .description('list every rule: id, layer, default severity, summary')
    .option('--json', 'print as JSON')
    .action((options: { json?: boolean }) => {
      if (options.json) {
        const rows = RULES.map(({ id, layer, severity, summary, fixable }) => ({ id, layer, severity, summary, fixable: fixable === true }));
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const width = Math.max(...RULES.map((rule) => rule.id.length));
      for (const rule of RULES) {
        process.stdout.write(`${rule.id.padEnd(width)}  ${rule.layer.padEnd(12)}  ${rule.severity.padEnd(8)}  ${rule.summary}\n`);
      }
    });

  program
    .command('explain')
    .description("print a rule's documentation")
    .argument('<rule-id>')
    .action((id: string) => {
      const rule = findRule(id);
      if (!rule) {
        const close = RULES.filter((candidate) => candidate.id.includes(id) || id.includes(candidate.id)).map((candidate) => candidate.id);
        process.stderr.write(`rampart: unknown rule ${id}${close.length > 0 ? `; did you mean ${close.join(', ')}?` : ''} (see \`rampart rules\`)\n`);
        setExit(EXIT.error);
        return;
      }
      process.stdout.write(ruleMarkdown(rule));
    });
};
