/**
 * Hostile file trees through the built CLI (dist/cli.js): include cycles, a glob over 10,000
 * files, a 50 MB file, 100,000 lines, binary bytes, a FIFO and a directory where files are
 * expected, symlink loops and sections nested 10,000 deep. Each run must end by itself (the
 * spawn timeout is a hard upper bound, not a wait), exit 0 or 1 with no internal error, and put
 * the expected rule (or none) on the expected line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const REPO = path.join(__dirname, '..', '..');
const CLI = path.join(process.env.HTTPD_MTLS_DIST ?? path.join(REPO, 'dist'), 'cli.js');
const HARD_LIMIT_MS = 30_000;

const folder = mkdtempSync(path.join(tmpdir(), 'httpd-mtls-hostile-'));
const write = (name: string, text: string | Buffer): void =>
  writeFileSync(path.join(folder, name), text);

interface Outcome {
  code: number | null;
  /** `rule@line` (1-based) per diagnostic, sorted. */
  found: string[];
}

function check(entry: string): Outcome {
  const run = spawnSync(
    process.execPath,
    [CLI, 'check', '--format', 'json', '--server-root', '.', entry],
    { cwd: folder, encoding: 'utf8', timeout: HARD_LIMIT_MS, maxBuffer: 64 * 1024 * 1024 },
  );
  assert.equal(run.signal, null, `${entry} did not finish within ${HARD_LIMIT_MS} ms`);
  assert.equal(run.stderr, '', entry);
  const report = JSON.parse(run.stdout) as {
    diagnostics: { code: string; range: { start: { line: number } } }[];
  };
  const found = report.diagnostics.map((d) => `${d.code}@${d.range.start.line + 1}`).sort();
  return { code: run.status, found };
}

test('include cycles end with include-missing on the Include line', () => {
  write('cycle-a.conf', 'Include cycle-b.conf\n');
  write('cycle-b.conf', '# b\nInclude cycle-a.conf\n');
  const outcome = check('cycle-a.conf');
  assert.equal(outcome.code, 1);
  assert.ok(outcome.found.length >= 1);
  assert.ok(
    outcome.found.every((f) => f.startsWith('include-missing@')),
    String(outcome.found),
  );
});

test('a glob matching 10,000 files is read without findings', () => {
  mkdirSync(path.join(folder, 'many'));
  for (let index = 0; index < 10_000; index++) write(`many/site-${index}.conf`, '# empty\n');
  write('glob.conf', 'Include many/*.conf\n');
  assert.deepEqual(check('glob.conf'), { code: 0, found: [] });
});

test('a 50 MB file and a 100,000-line file finish, a bad line at the end still found', () => {
  const filler = `# ${'x'.repeat(98)}\n`;
  write('big.conf', `${filler.repeat(500_000)}<VirtualHost *:443>\n`);
  assert.deepEqual(check('big.conf'), { code: 1, found: ['syntax@500001'] });
  write('long.conf', `${'ServerName www.example.com\n'.repeat(100_000)}SSLEngin on\n`);
  assert.deepEqual(check('long.conf'), { code: 1, found: ['unknown-directive@100001'] });
});

test('binary bytes as config or certificate give diagnostics, not a crash', () => {
  const noise = Buffer.alloc(65_536);
  for (let index = 0; index < noise.length; index++) noise[index] = (index * 7919) % 256;
  write('noise.bin', noise);
  write(
    'binary-cert.conf',
    '<VirtualHost *:443>\nSSLEngine on\nSSLCertificateFile noise.bin\n' +
      'SSLCertificateKeyFile noise.bin\n</VirtualHost>\n',
  );
  const outcome = check('binary-cert.conf');
  assert.equal(outcome.code, 1);
  assert.ok(outcome.found.includes('pem-invalid@3'), String(outcome.found));
  const asConfig = check('noise.bin');
  assert.ok(asConfig.code === 0 || asConfig.code === 1);
});

test('a FIFO and a directory where files are expected are reported, never read', () => {
  const fifo = spawnSync('mkfifo', [path.join(folder, 'pipe.crt')]);
  assert.equal(fifo.status, 0);
  mkdirSync(path.join(folder, 'folder.key'));
  write(
    'unreadable.conf',
    [
      '<VirtualHost *:443>',
      'SSLEngine on',
      'SSLCertificateFile pipe.crt',
      'SSLCertificateKeyFile folder.key',
      '</VirtualHost>',
      'Include pipe.crt',
      '',
    ].join('\n'),
  );
  const outcome = check('unreadable.conf');
  assert.equal(outcome.code, 1);
  for (const expected of ['file-missing@3', 'file-missing@4', 'include-missing@6']) {
    assert.ok(outcome.found.includes(expected), `${expected} in ${outcome.found.join(' ')}`);
  }
});

test('symlink loops are reported where they are named', () => {
  symlinkSync('loop-b', path.join(folder, 'loop-a'));
  symlinkSync('loop-a', path.join(folder, 'loop-b'));
  write(
    'loops.conf',
    'Include loop-a\n<VirtualHost *:443>\nSSLEngine on\n' +
      'SSLCertificateFile loop-b\n</VirtualHost>\n',
  );
  const outcome = check('loops.conf');
  assert.equal(outcome.code, 1);
  assert.ok(outcome.found.includes('include-missing@1'), String(outcome.found));
  assert.ok(
    outcome.found.some((f) => f.endsWith('@4')),
    String(outcome.found),
  );
});

test('sections nested 10,000 deep, closed or not', () => {
  const open = '<IfModule ssl_module>\n'.repeat(10_000);
  write('deep.conf', `${open}${'</IfModule>\n'.repeat(10_000)}`);
  assert.deepEqual(check('deep.conf'), { code: 0, found: [] });
  write('deep-open.conf', `${open}<VirtualHost *:443>\n`);
  // Only survival here: an unclosed section inside unclosed <IfModule> sections is not yet
  // reported as syntax (a parser limit noted in docs/ci.md), so no rule is asserted.
  const unclosed = check('deep-open.conf');
  assert.ok(unclosed.code === 0 || unclosed.code === 1);
});
