/** `httpd-mtls generate` refuses values that would make invalid certificates, writing nothing. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');
const work = mkdtempSync(path.join(tmpdir(), 'httpd-mtls-gen-limits-'));
after(() => rmSync(work, { recursive: true, force: true }));

const REFUSED: [string, string[], RegExp][] = [
  ['a validity past year 9999', ['--ca-days', '999999999999'], /--ca-days must be/],
  ['a five-digit year', ['--ca-days', '3000000'], /--ca-days must be/],
  ['an absurd pathLen', ['--path-len', '99999999999'], /--path-len must be/],
  ['a three-letter country', ['--country', 'GBR'], /--country must be two letters/],
  ['an organization over 64 characters', ['--org', 'o'.repeat(65)], /--org must be/],
];

for (const [what, args, message] of REFUSED) {
  test(`generate ca refuses ${what}`, () => {
    const out = path.join(work, what.replace(/\W+/g, '-'));
    const run = spawnSync(process.execPath, [CLI, 'generate', 'ca', '--out', out, ...args], {
      encoding: 'utf8',
    });
    assert.equal(run.status, 2);
    assert.match(run.stderr, message);
    assert.equal(existsSync(out), false, 'nothing written');
  });
}

test('generate ca accepts the largest valid values', () => {
  const out = path.join(work, 'ok');
  const args = [
    '--ca-days',
    '10000',
    '--path-len',
    '16',
    '--country',
    'GB',
    '--org',
    'o'.repeat(64),
  ];
  const run = spawnSync(process.execPath, [CLI, 'generate', 'ca', '--out', out, ...args], {
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  assert.ok(existsSync(path.join(out, 'ca', 'ca.crt')));
});
