/**
 * Files that are not regular files, named by absolute path: a FIFO and /dev/zero as Include
 * targets, and a project file that is a symlink to /dev/zero. The server must answer with a
 * finding (not block on the FIFO, not exhaust memory on /dev/zero), and the CLI must say the
 * project file cannot be read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { REPO, TestClient, uriOf } from './lsp-client';

const LIMIT = { timeout: 60_000 };

test(
  'Include of a FIFO or /dev/zero is include-missing, and the server goes on',
  LIMIT,
  async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'httpd-mtls-special-'));
    const fifo = path.join(folder, 'pipe.conf');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const client = new TestClient({ workspaceFolder: folder });
    try {
      await client.initialize();
      for (const target of [fifo, '/dev/zero']) {
        const file = path.join(folder, `include-${path.basename(target)}.conf`);
        const text = `ServerName a.example\nInclude ${target}\n`;
        const published = client.diagnostics(uriOf(file), (ds) => ds.length > 0);
        await client.open(file, text);
        const diagnostics = await published;
        assert.deepEqual(
          diagnostics.map((d) => [d.code, d.range.start.line]),
          [['include-missing', 1]],
          target,
        );
      }
    } finally {
      await client.stop();
      rmSync(folder, { recursive: true, force: true });
    }
  },
);

test('a project file that is a symlink to /dev/zero is reported, not read', LIMIT, () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'httpd-mtls-special-'));
  try {
    mkdirSync(path.join(folder, 'conf.d'));
    symlinkSync('/dev/zero', path.join(folder, '.httpd-mtls.json'));
    writeFileSync(path.join(folder, 'conf.d', 'a.conf'), 'ServerName a.example\n');
    const run = spawnSync(
      process.execPath,
      [path.join(REPO, 'dist', 'cli.js'), 'check', 'conf.d/a.conf'],
      { cwd: folder, encoding: 'utf8', timeout: 30_000 },
    );
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /not a regular file/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
