/**
 * The server's own fs.watch (for files no client event reports) against the ways files really
 * change: replaced by a rename (editors, `sed -i`, certbot's symlink swap), rewritten in place
 * in a folder that also holds a missing dependency, and a URI Node cannot map in an event.
 */
import { test } from 'node:test';
import { copyFileSync, mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver';
import { REPO, TestClient, uriOf } from './lsp-client';

const LIMIT = { timeout: 30_000 };
const PKI = path.join(REPO, 'test', 'fixtures', 'pki');
/** Covers apache.server.name. */
const SERVER_CERT = path.join(PKI, 'server.crt');
/** Does not: a server-name warning. */
const OTHER_CERT = path.join(PKI, 'client.crt');

const hasServerName = (ds: Diagnostic[]): boolean => ds.some((d) => d.code === 'server-name');
const noServerName = (ds: Diagnostic[]): boolean => !hasServerName(ds);

function workspace(extraLines: string[]): { ws: string; conf: string; cert: string; text: string } {
  const ws = mkdtempSync(path.join(tmpdir(), 'httpd-mtls-fswatch-'));
  mkdirSync(path.join(ws, 'certs'));
  const conf = path.join(ws, 'site.conf');
  const text = [
    'Listen 8443',
    '<VirtualHost *:8443>',
    '    ServerName apache.server.name',
    '    SSLEngine on',
    '    SSLCertificateFile certs/server.pem',
    ...extraLines,
    '</VirtualHost>',
    '',
  ].join('\n');
  writeFileSync(conf, text);
  writeFileSync(
    path.join(ws, '.httpd-mtls.json'),
    JSON.stringify({ serverRoot: '.', modules: ['ssl_module'] }),
  );
  const cert = path.join(ws, 'certs', 'server.pem');
  copyFileSync(OTHER_CERT, cert);
  return { ws, conf, cert, text };
}

test(
  'a site file outside the workspace, saved by rename again and again, is re-checked',
  LIMIT,
  async () => {
    // The client reports nothing outside its folder: the server watches the site file itself.
    const ws = mkdtempSync(path.join(tmpdir(), 'httpd-mtls-fswatch-ws-'));
    const etc = mkdtempSync(path.join(tmpdir(), 'httpd-mtls-fswatch-etc-'));
    mkdirSync(path.join(etc, 'sites'));
    const site = path.join(etc, 'sites', 'site.conf');
    const siteText = (name: string): string =>
      [
        '<VirtualHost *:8443>',
        `    ServerName ${name}`,
        '    SSLEngine on',
        `    SSLCertificateFile ${SERVER_CERT}`,
        '</VirtualHost>',
        '',
      ].join('\n');
    writeFileSync(site, siteText('apache.server.name'));
    const conf = path.join(ws, 'httpd.conf');
    writeFileSync(conf, `Listen 8443\nInclude ${etc}/sites/*.conf\n`);
    writeFileSync(path.join(ws, '.httpd-mtls.json'), JSON.stringify({ modules: ['ssl_module'] }));
    const siteUri = uriOf(site);

    const client = new TestClient({ workspaceFolder: ws, watchFiles: true });
    try {
      await client.initialize();
      await client.openChecked(conf);
      // Each save leaves the old inode behind: a watch that stayed on it would see nothing more.
      for (const [name, accept] of [
        ['other.example', hasServerName],
        ['apache.server.name', noServerName],
        ['third.example', hasServerName],
      ] as const) {
        const next = client.diagnostics(siteUri, accept);
        const temporary = `${site}.tmp`;
        writeFileSync(temporary, siteText(name));
        renameSync(temporary, site);
        await next;
      }
    } finally {
      await client.stop();
    }
  },
);

test(
  'a certificate beside a missing file: replaced by a rename, then written in place',
  LIMIT,
  async () => {
    const tree = workspace(['    SSLCACertificateFile certs/missing-ca.crt']);
    const client = new TestClient({ workspaceFolder: tree.ws, watchFiles: false });
    try {
      await client.initialize();
      await client.openUntil(tree.conf, tree.text, hasServerName);
      // The rename moves the file's inode; the folder's watch must then still report it.
      const renamed = client.diagnostics(uriOf(tree.conf), noServerName);
      copyFileSync(SERVER_CERT, `${tree.cert}.new`);
      renameSync(`${tree.cert}.new`, tree.cert);
      await renamed;
      for (const [source, accept] of [
        [OTHER_CERT, hasServerName],
        [SERVER_CERT, noServerName],
      ] as const) {
        const next = client.diagnostics(uriOf(tree.conf), accept);
        copyFileSync(source, tree.cert);
        await next;
      }
    } finally {
      await client.stop();
    }
  },
);

test('an event URI Node cannot map does not drop the others in its batch', LIMIT, async () => {
  const tree = workspace([]);
  const client = new TestClient({ workspaceFolder: tree.ws, watchFiles: true });
  try {
    await client.initialize();
    await client.openUntil(tree.conf, tree.text, hasServerName);
    const next = client.diagnostics(uriOf(tree.conf), noServerName);
    copyFileSync(SERVER_CERT, tree.cert);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [
        { uri: 'file://fileserver/share/ca.pem', type: 2 },
        { uri: `${uriOf(path.join(tree.ws, 'certs'))}/a%2Fb.pem`, type: 2 },
        { uri: uriOf(tree.cert), type: 2 },
      ],
    });
    await next;
  } finally {
    await client.stop();
  }
});

test('files of a removed workspace folder are then watched by the server', LIMIT, async () => {
  const tree = workspace([]);
  const client = new TestClient({ workspaceFolder: tree.ws, watchFiles: true });
  try {
    await client.initialize();
    await client.openUntil(tree.conf, tree.text, hasServerName);
    const rechecked = client.checkDone(uriOf(tree.conf));
    await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', {
      event: { added: [], removed: [{ uri: uriOf(tree.ws), name: 'ws' }] },
    });
    await rechecked;
    // The client no longer reports this folder: no event comes for the write.
    const next = client.diagnostics(uriOf(tree.conf), noServerName);
    copyFileSync(SERVER_CERT, tree.cert);
    await next;
  } finally {
    await client.stop();
  }
});

test('a certificate in a folder made after the check is seen when it appears', LIMIT, async () => {
  const tree = workspace(['    SSLCertificateChainFile certs/live/site/chain.pem']);
  const chainLine = tree.text.split('\n').findIndex((line) => line.includes('chain.pem'));
  const missing = (ds: Diagnostic[]): boolean =>
    ds.some((d) => d.code === 'file-missing' && d.range.start.line === chainLine);
  const client = new TestClient({ workspaceFolder: tree.ws, watchFiles: false });
  try {
    await client.initialize();
    await client.openUntil(tree.conf, tree.text, missing);
    // As certbot's first run does: the folders, then the file, in one go.
    const found = client.diagnostics(uriOf(tree.conf), (ds) => !missing(ds));
    mkdirSync(path.join(tree.ws, 'certs', 'live', 'site'), { recursive: true });
    copyFileSync(
      path.join(PKI, 'int1.crt'),
      path.join(tree.ws, 'certs', 'live', 'site', 'chain.pem'),
    );
    await found;
  } finally {
    await client.stop();
  }
});

test('a project file created where the quick fix puts it re-checks the config', LIMIT, async () => {
  const ws = mkdtempSync(path.join(tmpdir(), 'httpd-mtls-fswatch-project-'));
  mkdirSync(path.join(ws, 'certs'));
  copyFileSync(SERVER_CERT, path.join(ws, 'certs', 'server.pem'));
  const conf = path.join(ws, 'site.conf');
  const text = [
    'LoadModule ssl_module /usr/lib/apache2/modules/mod_ssl.so',
    'Listen 8443',
    '<VirtualHost *:8443>',
    '    ServerName apache.server.name',
    '    SSLEngine on',
    '    SSLCertificateFile /srv/deployed/server.pem',
    '</VirtualHost>',
    '',
  ].join('\n');
  writeFileSync(conf, text);
  const missing = (ds: Diagnostic[]): boolean => ds.some((d) => d.code === 'file-missing');
  const client = new TestClient({ workspaceFolder: ws, watchFiles: false });
  try {
    await client.initialize();
    await client.openUntil(conf, text, missing);
    const mapped = client.diagnostics(uriOf(conf), (ds) => !missing(ds));
    writeFileSync(
      path.join(ws, '.httpd-mtls.json'),
      JSON.stringify({ pathMappings: [{ from: '/srv/deployed', to: './certs' }] }),
    );
    await mapped;
  } finally {
    await client.stop();
  }
});
