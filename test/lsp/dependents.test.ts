/**
 * Re-checks that no event of the edited document itself would trigger: another open config
 * that includes an edited or closed buffer (also one a plain Include names that is not on
 * disk), a certificate no client glob watches, and a
 * certificate replaced by a symlink reported as one change (VS Code coalesces a delete and a
 * create of one path into a change).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, unlinkSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { REPO, TestClient, uriOf } from './lsp-client';

const LIMIT = { timeout: 30_000 };
const PKI = path.join(REPO, 'test', 'fixtures', 'pki');

/** httpd.conf including sites/a.conf, whose vhost names `certificate` and `key`. */
function makeTree(certificate: string, key: string): { ws: string; conf: string; site: string } {
  const ws = mkdtempSync(path.join(tmpdir(), 'httpd-mtls-dependents-'));
  mkdirSync(path.join(ws, 'sites'));
  mkdirSync(path.join(ws, 'certs'));
  const conf = path.join(ws, 'httpd.conf');
  writeFileSync(conf, ['Listen 8443', 'Include sites/*.conf', ''].join('\n'));
  const site = path.join(ws, 'sites', 'a.conf');
  writeFileSync(site, siteText(certificate, key));
  writeFileSync(
    path.join(ws, '.httpd-mtls.json'),
    JSON.stringify({ serverRoot: '.', modules: ['ssl_module'], clients: [] }),
  );
  return { ws, conf, site };
}

function siteText(certificate: string, key: string): string {
  return [
    '<VirtualHost *:8443>',
    '    ServerName localhost',
    '    SSLEngine on',
    `    SSLCertificateFile certs/${certificate}`,
    `    SSLCertificateKeyFile certs/${key}`,
    '</VirtualHost>',
    '',
  ].join('\n');
}

function codes(client: TestClient, file: string): string[] {
  return (client.published.get(uriOf(file)) ?? []).map((d) => String(d.code));
}

/** A client (watching files) with `conf` open and checked. */
async function openChecked(ws: string, conf: string): Promise<TestClient> {
  const client = new TestClient({ workspaceFolder: ws, watchFiles: true });
  await client.initialize();
  await client.openChecked(conf);
  return client;
}

/** A tree whose vhost names `certificate` (a copy of server.crt) and server.key. */
function makeMatchingTree(certificate: string): ReturnType<typeof makeTree> & { cert: string } {
  const tree = makeTree(certificate, 'server.key');
  const cert = path.join(tree.ws, 'certs', certificate);
  copyFileSync(path.join(PKI, 'server.crt'), cert);
  copyFileSync(path.join(PKI, 'server.key'), path.join(tree.ws, 'certs', 'server.key'));
  return { ...tree, cert };
}

/**
 * Waits for checks of `conf` until `file` has diagnostic `code` (fs.watch may fire while a
 * file is half written: the check it triggers reads that, the next one the whole file).
 */
async function untilCode(client: TestClient, conf: string, file: string, code: string) {
  while (!codes(client, file).includes(code)) await client.checkDone(uriOf(conf));
}

test(
  'an open config follows the unsaved buffer of a file it includes, and its close',
  LIMIT,
  async () => {
    const tree = makeTree('server.crt', 'other.key');
    copyFileSync(path.join(PKI, 'server.crt'), path.join(tree.ws, 'certs', 'server.crt'));
    copyFileSync(path.join(PKI, 'server.key'), path.join(tree.ws, 'certs', 'server.key'));
    copyFileSync(path.join(PKI, 'client.key'), path.join(tree.ws, 'certs', 'other.key'));
    const client = new TestClient({ workspaceFolder: tree.ws, watchFiles: true });
    try {
      await client.initialize();
      await client.openChecked(tree.conf);
      await client.openChecked(tree.site);
      assert.ok(codes(client, tree.site).includes('key-mismatch'));

      // Fixed in the buffer, not saved: httpd.conf's check must drop its key-mismatch too.
      const recheck = client.checkDone(uriOf(tree.conf));
      await client.change(uriOf(tree.site), siteText('server.crt', 'server.key'));
      await recheck;
      assert.ok(!codes(client, tree.site).includes('key-mismatch'), 'buffer edit seen');

      // Closed without saving: the disk still has the wrong key.
      const afterClose = client.checkDone(uriOf(tree.conf));
      await client.close(uriOf(tree.site));
      await afterClose;
      assert.ok(codes(client, tree.site).includes('key-mismatch'), 'disk read again');
    } finally {
      await client.stop();
    }
  },
);

test(
  'a buffer for the missing file of a plain Include re-checks the including config',
  LIMIT,
  async () => {
    const tree = makeMatchingTree('server.crt');
    writeFileSync(tree.conf, ['Listen 8443', 'Include extra/extra.conf', ''].join('\n'));
    const extra = path.join(tree.ws, 'extra', 'extra.conf');
    const client = new TestClient({ workspaceFolder: tree.ws, watchFiles: true });
    try {
      await client.initialize();
      await client.openChecked(tree.conf);
      assert.ok(codes(client, tree.conf).includes('include-missing'));

      // The file exists only as an unsaved buffer (a new file in the editor): Include reads it.
      const recheck = client.checkDone(uriOf(tree.conf));
      await client.open(extra, siteText('server.crt', 'server.key'));
      await recheck;
      assert.deepEqual(codes(client, tree.conf), [], 'the buffer satisfies the Include');

      // Closed unsaved: the file is missing again.
      const afterClose = client.checkDone(uriOf(tree.conf));
      await client.close(uriOf(extra));
      await afterClose;
      assert.ok(codes(client, tree.conf).includes('include-missing'), 'missing again');
    } finally {
      await client.stop();
    }
  },
);

test('a certificate no client glob watches is watched by the server itself', LIMIT, async () => {
  const tree = makeMatchingTree('server.cert');
  const client = await openChecked(tree.ws, tree.conf);
  try {
    assert.ok(!codes(client, tree.site).includes('key-mismatch'));
    // No didChangeWatchedFiles: `.cert` is not in the globs the client was asked to watch.
    copyFileSync(path.join(PKI, 'leaf-int1.crt'), tree.cert);
    await untilCode(client, tree.conf, tree.site, 'key-mismatch');
  } finally {
    await client.stop();
  }
});

test('a certificate replaced by a symlink, reported as a change, is followed', LIMIT, async () => {
  const tree = makeMatchingTree('server.crt');
  // certbot's archive lies outside the workspace: the client reports nothing about it.
  const archive = mkdtempSync(path.join(tmpdir(), 'httpd-mtls-archive-'));
  const target = path.join(archive, 'cert1.pem');
  copyFileSync(path.join(PKI, 'server.crt'), target);
  const client = await openChecked(tree.ws, tree.conf);
  try {
    assert.ok(!codes(client, tree.site).includes('key-mismatch'));
    unlinkSync(tree.cert);
    symlinkSync(target, tree.cert);
    const linked = client.checkDone(uriOf(tree.conf));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: uriOf(tree.cert), type: 2 }],
    });
    await linked;

    // The link's target changes (certbot renews): no client event names anything.
    copyFileSync(path.join(PKI, 'leaf-int1.crt'), target);
    await untilCode(client, tree.conf, tree.site, 'key-mismatch');
  } finally {
    await client.stop();
  }
});
