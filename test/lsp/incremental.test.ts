import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { REPO, TestClient, uriOf } from './lsp-client';

/** A wrong server fails a test instead of hanging the run. */
const LIMIT = { timeout: 30_000 };
const CERT = path.join(REPO, 'test', 'fixtures', 'pki', 'client.crt');

/**
 * A tree of an entry and two included site files; the second site names a certificate that
 * the test creates later, so only that site's diagnostics change.
 */
function makeTree(): { ws: string; conf: string; siteA: string; siteB: string; cert: string } {
  const ws = mkdtempSync(path.join(tmpdir(), 'httpd-mtls-incremental-'));
  mkdirSync(path.join(ws, 'sites'));
  mkdirSync(path.join(ws, 'certs'));
  const conf = path.join(ws, 'httpd.conf');
  writeFileSync(conf, ['Listen 8443', 'Include sites/*.conf', ''].join('\n'));
  const site = (name: string, cert: string): string =>
    [
      '<VirtualHost *:8443>',
      `    ServerName ${name}.example`,
      '    SSLEngine on',
      `    SSLCertificateFile certs/${cert}`,
      '</VirtualHost>',
      '',
    ].join('\n');
  const siteA = path.join(ws, 'sites', 'a.conf');
  const siteB = path.join(ws, 'sites', 'b.conf');
  writeFileSync(siteA, site('a', 'a.pem'));
  writeFileSync(siteB, site('b', 'b.pem'));
  copyFileSync(CERT, path.join(ws, 'certs', 'a.pem'));
  writeFileSync(
    path.join(ws, '.httpd-mtls.json'),
    JSON.stringify({ serverRoot: '.', modules: ['ssl_module'] }),
  );
  return { ws, conf, siteA, siteB, cert: path.join(ws, 'certs', 'b.pem') };
}

test(
  'a re-check sends checkDone and republishes only files whose diagnostics changed',
  LIMIT,
  async () => {
    const tree = makeTree();
    const client = new TestClient({ workspaceFolder: tree.ws, watchFiles: true });
    try {
      await client.initialize();
      await client.openChecked(tree.conf);
      // The first check sends every config file, findings or not.
      for (const file of [tree.conf, tree.siteA, tree.siteB]) {
        assert.ok(client.publishLog.includes(uriOf(file)), file);
      }
      const missing = client.published.get(uriOf(tree.siteB)) ?? [];
      assert.ok(missing.some((d) => d.code === 'file-missing'));

      client.publishLog.length = 0;
      copyFileSync(CERT, tree.cert);
      const again = client.checkDone(uriOf(tree.conf));
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
        changes: [{ uri: uriOf(tree.cert), type: 2 }],
      });
      await again;
      assert.ok(client.publishLog.includes(uriOf(tree.siteB)));
      assert.ok(!client.publishLog.includes(uriOf(tree.siteA)));
      const after = client.published.get(uriOf(tree.siteB)) ?? [];
      assert.ok(!after.some((d) => d.code === 'file-missing'));
    } finally {
      await client.stop();
    }
  },
);

test(
  'a watched certificate rewritten in place is read again after its change event',
  LIMIT,
  async () => {
    const tree = makeTree();
    const client = new TestClient({ workspaceFolder: tree.ws, watchFiles: true });
    try {
      await client.initialize();
      await client.openChecked(tree.conf);
      const before = client.published.get(uriOf(tree.siteA)) ?? [];

      const certA = path.join(tree.ws, 'certs', 'a.pem');
      writeFileSync(certA, 'not a certificate\n');
      const again = client.checkDone(uriOf(tree.conf));
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
        changes: [{ uri: uriOf(certA), type: 2 }],
      });
      await again;
      const after = client.published.get(uriOf(tree.siteA)) ?? [];
      assert.notDeepEqual(after, before);
      assert.ok(
        after.some((d) => d.range.start.line === 3),
        JSON.stringify(after),
      );
    } finally {
      await client.stop();
    }
  },
);
