import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { RULE_IDS } from '../../server/src/findings';
import { RULES } from '../../server/src/rules/rule-table';
import { renderRuleDocs } from '../../scripts/rule-docs';

test('docs/rules.md is generated from the current rule table', () => {
  const onDisk = readFileSync(join(__dirname, '..', '..', 'docs', 'rules.md'), 'utf8');
  assert.equal(onDisk, renderRuleDocs(), 'run: node --import tsx scripts/rule-docs.ts');
});

test('every rule id has a table row with a level, a prediction and an https link', () => {
  for (const id of RULE_IDS) {
    const rule = RULES[id];
    assert.equal(rule.id, id);
    assert.match(rule.severity, /^(error|warning|information|hint)$/);
    assert.ok(rule.apache.length > 10, `${id} says what Apache does`);
    assert.match(rule.docs, /^https:\/\/httpd\.apache\.org\/docs\/2\.4\//);
  }
});
