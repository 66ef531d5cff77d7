/**
 * The built language server (dist/server.js --stdio) survives hostile documents: binary bytes,
 * 100,000 lines, sections nested 10,000 deep, an include cycle, a FIFO and a symlink loop as
 * certificate paths. After each it must still publish the broken example's key-mismatch on
 * its line: the proof that it neither crashed nor hung.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { REPO, TestClient, uriOf } from './lsp-client';

const EXAMPLES = path.join(REPO, 'examples');
const WRONG_KEY = path.join(EXAMPLES, 'broken', 'wrong-key', 'conf.d', 'reverseProxy.conf');

const LIMIT = { timeout: 60_000 };

test('hostile documents, then a valid one still gets diagnostics', LIMIT, async () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'httpd-mtls-lsp-hostile-'));
  assert.equal(spawnSync('mkfifo', [path.join(folder, 'pipe.crt')]).status, 0);
  symlinkSync('loop-b', path.join(folder, 'loop-a'));
  symlinkSync('loop-a', path.join(folder, 'loop-b'));
  writeFileSync(path.join(folder, 'cycle.conf'), 'Include cycle.conf\n');
  const noise = Array.from({ length: 20_000 }, (_, i) => String.fromCharCode((i * 7919) % 65_536));
  const hostile: Record<string, string> = {
    'binary.conf': noise.join(''),
    'long.conf': 'ServerName www.example.com\n'.repeat(100_000),
    'deep.conf': '<IfModule ssl_module>\n'.repeat(10_000) + '</IfModule>\n'.repeat(10_000),
    'cycle.conf': 'Include cycle.conf\n',
    'paths.conf':
      '<VirtualHost *:443>\nSSLEngine on\nSSLCertificateFile pipe.crt\n' +
      'SSLCertificateKeyFile loop-a\nInclude pipe.crt\n</VirtualHost>\n',
  };

  const client = new TestClient({ workspaceFolder: EXAMPLES });
  try {
    await client.initialize();
    for (const [name, text] of Object.entries(hostile)) {
      const file = path.join(folder, name);
      const published = client.diagnostics(uriOf(file));
      await client.open(file, text);
      await published;

      const valid = client.diagnostics(uriOf(WRONG_KEY), (ds) => ds.length > 0);
      await client.open(WRONG_KEY, readFileSync(WRONG_KEY, 'utf8'));
      const diagnostics = await valid;
      const mismatch = diagnostics.find((d) => d.code === 'key-mismatch');
      assert.ok(mismatch, `after ${name}`);
      assert.equal(mismatch.range.start.line, 9);
      await client.close(uriOf(WRONG_KEY));
    }
  } finally {
    await client.stop();
  }
});
