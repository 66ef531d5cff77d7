import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigCached } from '../../server/src/config/parse-cache';
import { parseConfig } from '../../server/src/config/parser';

const FILE = '/virtual/parse-cache/site.conf';

test('the same text of the same file is parsed once', () => {
  const text = 'SSLEngine on\nServerName a.example\n';
  const first = parseConfigCached(text, FILE);
  assert.equal(parseConfigCached(`${text}`, FILE), first);
  assert.deepEqual(first, parseConfig(text, FILE));
});

test('a changed text or another file is parsed again', () => {
  const before = parseConfigCached('ServerName a.example\n', FILE);
  const after = parseConfigCached('ServerName b.example\n', FILE);
  assert.notEqual(after, before);
  assert.equal(after.nodes.length, 1);
  assert.deepEqual(after, parseConfig('ServerName b.example\n', FILE));
  const other = parseConfigCached('ServerName b.example\n', `${FILE}.other`);
  assert.notEqual(other, after);
  assert.equal(other.file, `${FILE}.other`);
});
