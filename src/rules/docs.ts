import type { Rule } from './rule.js';

/** The Markdown page of a rule: docs/rules/<id>.md, SARIF help and `rampart explain` all use it. */
export function ruleMarkdown(rule: Rule): string {
  const lines = [
    `# ${rule.id}`,
    '',
    `**Layer:** ${rule.layer} · **Default severity:** ${rule.severity}${rule.fixable ? ' · **Fixable:** `rampart pin`' : ''}${rule.requires ? ` · **Runs with:** ${rule.runsWith ?? `\`--${rule.requires}\``}` : ''}`,
    '',
    rule.summary,
    '',
    '## Why it matters',
    '',
    rule.rationale,
    '',
    '## How to fix',
    '',
    rule.remediation,
    '',
  ];
  const example = (title: string, examples: Rule['examples']['bad']): void => {
    if (examples.length === 0) return;
    lines.push(`## ${title}`, '');
    for (const item of examples) {
      if (item.config) lines.push('With `.rampart.yaml`:', '', '```yaml', item.config.trimEnd(), '```', '');
      lines.push(`\`${item.file}\`:`, '', `\`\`\`${fenceLanguage(item.file)}`, stripExpectations(item.code).trimEnd(), '```', '');
    }
  };
  example('Fires on', rule.examples.bad);
  example('Stays quiet on', rule.examples.good);
  // cluster records have no line to comment on: only the config turns a watch rule off
  const suppressing = rule.requires === 'watch'
    ? `\`${rule.id}: off\` under \`rules:\` in \`.rampart.yaml\`.`
    : `\`# rampart-ignore ${rule.id} -- <reason>\` on the line or the line above, or \`${rule.id}: off\` under \`rules:\` in \`.rampart.yaml\`.`;
  lines.push('## Suppressing', '', suppressing, '');
  if (rule.references.length > 0) {
    lines.push('## References', '', ...rule.references.map((reference) => `- <${reference}>`), '');
  }
  return lines.join('\n');
}

export function stripExpectations(code: string): string {
  return code.replace(/[ \t]*#[ \t]*expect:[^\n]*/g, '');
}

function fenceLanguage(file: string): string {
  if (/\.ya?ml$/.test(file)) return 'yaml';
  if (/\.tf$/.test(file)) return 'hcl';
  if (/Dockerfile/i.test(file)) return 'dockerfile';
  if (/\.json$/.test(file)) return 'json';
  return '';
}
