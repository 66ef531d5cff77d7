import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver';
import { REPO, TestClient, uriOf } from './lsp-client';

const EXAMPLES = path.join(REPO, 'examples');
const SEED_CONF = path.join(EXAMPLES, 'seed', 'conf.d', 'reverseProxy.conf');
const NO_ENGINE_CONF = path.join(
  EXAMPLES,
  'broken',
  'no-proxy-engine',
  'conf.d',
  'reverseProxy.conf',
);

const errors = (diagnostics: Diagnostic[]): Diagnostic[] =>
  diagnostics.filter((d) => d.severity === 1);
const lineOf = (text: string, needle: string): number =>
  text.split('\n').findIndex((line) => line.includes(needle));

/** A wrong server fails a test instead of hanging the run. */
const LIMIT = { timeout: 30_000 };

let client: TestClient;

before(async () => {
  client = new TestClient({ workspaceFolder: EXAMPLES });
  const init = await client.initialize();
  assert.ok(init.capabilities.textDocumentSync);
  assert.deepEqual(init.capabilities.executeCommandProvider?.commands, [
    'httpdMtls.server.verifyChain',
    'httpdMtls.server.generateCertificates',
  ]);
});

after(async () => {
  await client.stop();
});

test('the seed example has no error diagnostics', LIMIT, async () => {
  const uri = uriOf(SEED_CONF);
  const published = client.diagnostics(uri);
  await client.open(SEED_CONF, readFileSync(SEED_CONF, 'utf8'));
  const diagnostics = await published;
  assert.deepEqual(errors(diagnostics), []);
  for (const d of diagnostics) assert.equal(d.source, 'httpd-mtls');
  const cleared = client.diagnostics(uri, (ds) => ds.length === 0);
  await client.close(uri);
  await cleared;
});

test('a broken example gets its rule code on the ProxyPass line', LIMIT, async () => {
  const uri = uriOf(NO_ENGINE_CONF);
  const text = readFileSync(NO_ENGINE_CONF, 'utf8');
  const published = client.diagnostics(uri);
  await client.open(NO_ENGINE_CONF, text);
  const diagnostics = await published;
  const found = diagnostics.find((d) => d.code === 'proxy-engine-missing');
  assert.ok(found, JSON.stringify(diagnostics));
  assert.equal(found.range.start.line, lineOf(text, 'ProxyPass "https://'));
  assert.equal(found.severity, 1);
  assert.equal(found.source, 'httpd-mtls');
  assert.match(found.codeDescription?.href ?? '', /^https:\/\//);
  const cleared = client.diagnostics(uri, (ds) => ds.length === 0);
  await client.close(uri);
  await cleared;
});

test('unsaved buffers win over disk, and edits are re-checked', LIMIT, async () => {
  const uri = uriOf(NO_ENGINE_CONF);
  const seedText = readFileSync(SEED_CONF, 'utf8');
  const clean = client.diagnostics(uri);
  await client.open(NO_ENGINE_CONF, seedText);
  assert.equal(
    (await clean).find((d) => d.code === 'proxy-engine-missing'),
    undefined,
  );

  const hasRule = (ds: Diagnostic[]): boolean => ds.some((d) => d.code === 'proxy-engine-missing');
  const broken = client.diagnostics(uri, hasRule);
  await client.change(uri, readFileSync(NO_ENGINE_CONF, 'utf8'));
  await broken;
  const cleared = client.diagnostics(uri, (ds) => ds.length === 0);
  await client.close(uri);
  await cleared;
});

test('garbage on the wire and a 10,000-deep config do not stop the server', LIMIT, async () => {
  client.child.stdin.write('Content-Length: 7\r\n\r\n{oops!}');
  client.child.stdin.write('Content-Length: 40\r\n\r\n{"jsonrpc":"2.0","method":"no/such"}    ');
  const deepFile = path.join(EXAMPLES, 'deep-nesting.conf');
  const deepText = '<IfDefine X>\n'.repeat(10_000) + '</IfDefine>\n'.repeat(10_000);
  await client.open(deepFile, deepText);

  const uri = uriOf(SEED_CONF);
  const published = client.diagnostics(uri);
  await client.open(SEED_CONF, readFileSync(SEED_CONF, 'utf8'));
  assert.deepEqual(errors(await published), []);
  const cleared = client.diagnostics(uri, (ds) => ds.length === 0);
  await client.close(uri);
  await client.close(uriOf(deepFile));
  await cleared;
  assert.equal(client.child.exitCode, null);
});

test('commands answer without failing', LIMIT, async () => {
  const answer = await client.connection.sendRequest('workspace/executeCommand', {
    command: 'httpdMtls.server.verifyChain',
    arguments: [uriOf(SEED_CONF)],
  });
  assert.ok(answer !== undefined);
});

for (const watchFiles of [true, false]) {
  const how = watchFiles ? 'client file events' : "the server's fs.watch fallback";
  test(`a created certificate file re-checks the config naming it (${how})`, LIMIT, async () => {
    const ws = mkdtempSync(path.join(tmpdir(), 'httpd-mtls-lsp-'));
    const conf = path.join(ws, 'site.conf');
    const text = [
      'Listen 8443',
      '<VirtualHost *:8443>',
      '    ServerName server.example',
      '    SSLEngine on',
      '    SSLCertificateFile certs/server.pem',
      '</VirtualHost>',
      '',
    ].join('\n');
    writeFileSync(conf, text);
    writeFileSync(
      path.join(ws, '.httpd-mtls.json'),
      JSON.stringify({ serverRoot: '.', modules: ['ssl_module'] }),
    );
    const certLine = lineOf(text, 'SSLCertificateFile');
    const missingHere = (ds: Diagnostic[]): boolean =>
      ds.some((d) => d.code === 'file-missing' && d.range.start.line === certLine);

    mkdirSync(path.join(ws, 'certs'));
    const watching = new TestClient({ workspaceFolder: ws, watchFiles });
    try {
      await watching.initialize();
      const missing = watching.diagnostics(uriOf(conf), missingHere);
      await watching.open(conf, text);
      await missing;

      const fixed = watching.diagnostics(uriOf(conf), (ds) => !missingHere(ds));
      const cert = path.join(ws, 'certs', 'server.pem');
      copyFileSync(path.join(REPO, 'test', 'fixtures', 'pki', 'client.crt'), cert);
      if (watchFiles) {
        await watching.connection.sendNotification('workspace/didChangeWatchedFiles', {
          changes: [{ uri: uriOf(cert), type: 1 }],
        });
      }
      await fixed;
    } finally {
      await watching.stop();
    }
  });
}

test('a bad project file is a diagnostic on the project file', LIMIT, async () => {
  const ws = mkdtempSync(path.join(tmpdir(), 'httpd-mtls-lsp-'));
  const conf = path.join(ws, 'site.conf');
  writeFileSync(conf, 'Listen 8080\n');
  const manifest = path.join(ws, '.httpd-mtls.json');
  writeFileSync(manifest, '{\n  "apacheVersion": 2\n}\n');

  const local = new TestClient({ workspaceFolder: ws });
  try {
    await local.initialize();
    const onManifest = local.diagnostics(uriOf(manifest), (ds) => ds.length > 0);
    await local.open(conf, 'Listen 8080\n');
    const [problem] = await onManifest;
    assert.equal(problem?.code, 'project-file');
    assert.equal(problem?.range.start.line, 1);
  } finally {
    await local.stop();
  }
});

test(
  'the project file is found above the workspace folder, as the CLI finds it',
  LIMIT,
  async () => {
    // The seed's .httpd-mtls.json (path mappings for /etc/httpd) sits above conf.d.
    const folder = path.dirname(SEED_CONF);
    const inner = new TestClient({ workspaceFolder: folder });
    try {
      await inner.initialize();
      const checked = inner.diagnostics(uriOf(SEED_CONF), () => true);
      await inner.open(SEED_CONF, readFileSync(SEED_CONF, 'utf8'));
      const diagnostics = await checked;
      assert.deepEqual(
        diagnostics.filter((d) => d.code === 'file-missing'),
        [],
        'paths resolve through the project file above the folder',
      );
    } finally {
      await inner.stop();
    }
  },
);

test('a chmod no event reports shows when the config is reopened', LIMIT, async () => {
  const ws = mkdtempSync(path.join(tmpdir(), 'httpd-mtls-reopen-'));
  mkdirSync(path.join(ws, 'certs'));
  const pki = path.join(REPO, 'test', 'fixtures', 'pki');
  copyFileSync(path.join(pki, 'server.crt'), path.join(ws, 'certs', 'server.crt'));
  const key = path.join(ws, 'certs', 'server.key');
  copyFileSync(path.join(pki, 'server.key'), key);
  chmodSync(key, 0o600);
  const conf = path.join(ws, 'site.conf');
  const text = [
    'Listen 8443',
    '<VirtualHost *:8443>',
    '    ServerName apache.server.name',
    '    SSLEngine on',
    '    SSLCertificateFile certs/server.crt',
    '    SSLCertificateKeyFile certs/server.key',
    '</VirtualHost>',
    '',
  ].join('\n');
  writeFileSync(conf, text);
  writeFileSync(
    path.join(ws, '.httpd-mtls.json'),
    JSON.stringify({ serverRoot: '.', modules: ['ssl_module'] }),
  );
  const readable = (ds: Diagnostic[]): boolean => ds.some((d) => d.code === 'key-permissions');
  const client = new TestClient({ workspaceFolder: ws, watchFiles: true });
  try {
    await client.initialize();
    await client.openUntil(conf, text, (ds) => !readable(ds));
    chmodSync(key, 0o644);
    await client.close(uriOf(conf));
    const reopened = client.diagnostics(uriOf(conf), readable);
    await client.open(conf, text);
    await reopened;
  } finally {
    await client.stop();
  }
});
