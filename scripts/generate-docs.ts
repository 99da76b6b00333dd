import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configJsonSchema } from '../src/config/config-schema.js';
import { ruleMarkdown } from '../src/rules/docs.js';
import { RULES } from '../src/rules/index.js';
import { ruleIndexFiles } from './rule-index.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const docsDir = path.join(root, 'docs', 'rules');
mkdirSync(docsDir, { recursive: true });
for (const name of readdirSync(docsDir)) {
  if (name.endsWith('.md') && name !== 'README.md') rmSync(path.join(docsDir, name));
}
for (const rule of RULES) writeFileSync(path.join(docsDir, `${rule.id}.md`), ruleMarkdown(rule));

const index = ['# Rules', '', 'Generated from rule metadata by `npm run docs`.', '', '| id | layer | severity | summary |', '|---|---|---|---|',
  ...RULES.map((rule) => `| [${rule.id}](${rule.id}.md) | ${rule.layer} | ${rule.severity} | ${rule.summary.replace(/\|/g, '\\|')} |`), ''];
writeFileSync(path.join(docsDir, 'README.md'), index.join('\n'));

const rulesDir = path.join(root, 'src', 'rules');
const generatedDir = path.join(rulesDir, 'generated');
rmSync(generatedDir, { recursive: true, force: true });
mkdirSync(generatedDir, { recursive: true });
for (const [name, text] of await ruleIndexFiles(rulesDir)) writeFileSync(path.join(generatedDir, name), text);

mkdirSync(path.join(root, 'schema'), { recursive: true });
writeFileSync(path.join(root, 'schema', 'rampart-config.schema.json'), `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${RULES.length} rule pages, the index, the rule index (src/rules/generated/) and schema/rampart-config.schema.json\n`);
