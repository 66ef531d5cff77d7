/**
 * Renders docs/rules.md from the rule table, so the documentation cannot drift from the code.
 * `node --import tsx scripts/rule-docs.ts` rewrites the file; a unit test checks it is current.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULE_IDS } from '../server/src/findings';
import { RULES } from '../server/src/rules/rule-table';

export function renderRuleDocs(): string {
  const lines = [
    '# Rules',
    '',
    'Generated from `server/src/rules/rule-table.ts` by `scripts/rule-docs.ts`; do not edit by hand.',
    'Every diagnostic carries one of these ids as its code. Levels are defaults: the',
    '`httpdMtls.rules` setting or the project file\'s `rules` map changes them per rule',
    '(`ignore`, `information`, `warning`, `error`).',
    '',
    '| id | default | what is wrong | what Apache does | reference |',
    '|---|---|---|---|---|',
  ];
  for (const id of RULE_IDS) {
    const rule = RULES[id];
    lines.push(`| \`${id}\` | ${rule.severity} | ${rule.title} | ${rule.apache} | [manual](${rule.docs}) |`);
  }
  return `${lines.join('\n')}\n`;
}

if (require.main === module) {
  writeFileSync(join(__dirname, '..', 'docs', 'rules.md'), renderRuleDocs());
}
