/**
 * The generate quick fix and command over stdio against the built server: a seed copy with
 * its sslCerts removed gets a "Generate" action on each file-missing diagnostic; running it
 * writes the files (keys 0600), and the diagnostics for those files go without any edit.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { CodeAction, Diagnostic } from 'vscode-languageserver';
import { REPO, TestClient, uriOf } from './lsp-client';

const LIMIT = { timeout: 60_000 };
const root = path.join(mkdtempSync(path.join(tmpdir(), 'httpd-mtls-lsp-generate-')), 'seed');
const conf = path.join(root, 'conf.d', 'reverseProxy.conf');
const certs = path.join(root, 'sslCerts');
const missing = (ds: Diagnostic[]): Diagnostic[] => ds.filter((d) => d.code === 'file-missing');

let client: TestClient;

before(async () => {
  cpSync(path.join(REPO, 'examples', 'seed'), root, { recursive: true });
  rmSync(certs, { recursive: true });
  client = new TestClient({ workspaceFolder: root });
  await client.initialize();
});

after(async () => {
  await client.stop();
});

async function actionsFor(uri: string, diagnostic: Diagnostic): Promise<CodeAction[]> {
  return client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic] },
  });
}

test('file-missing quick fix generates the file and the diagnostic goes', LIMIT, async () => {
  const uri = uriOf(conf);
  const text = readFileSync(conf, 'utf8');
  const certLine = text.split('\n').findIndex((line) => line.includes('SSLCertificateFile'));
  const first = client.diagnostics(uri, (ds) => missing(ds).length > 0);
  await client.open(conf, text);
  const diagnostics = await first;
  const target = missing(diagnostics).find((d) => d.range.start.line === certLine);
  assert.ok(target, 'a file-missing diagnostic on SSLCertificateFile');

  // Besides the suppression comment (an edit), exactly one action runs the generator.
  const actions = (await actionsFor(uri, target)).filter((a) => a.command !== undefined);
  assert.equal(actions.length, 1);
  const action = actions[0]!;
  assert.equal(action.kind, 'quickfix');
  assert.ok(action.command);

  const gone = client.diagnostics(
    uri,
    (ds) =>
      !missing(ds).some(
        (d) => d.range.start.line === certLine || d.range.start.line === certLine + 1,
      ),
  );
  const answer = await client.connection.sendRequest<{ message: string; written: unknown[] }>(
    'workspace/executeCommand',
    { command: action.command.command, arguments: action.command.arguments },
  );
  assert.equal(answer.written.length, 2, answer.message);
  assert.doesNotMatch(answer.message, /BEGIN|PRIVATE/);
  await gone;
  assert.equal(statSync(path.join(certs, 'apacheServerKey.pem')).mode & 0o777, 0o600);
  assert.equal(statSync(path.join(certs, 'apacheServerCert.pem')).mode & 0o777, 0o644);
  for (const log of client.logs) assert.doesNotMatch(log, /PRIVATE KEY/);
});

test(
  'the quick fix for the proxy bundle and CA file clears every file-missing',
  LIMIT,
  async () => {
    const uri = uriOf(conf);
    const current = client.published.get(uri) ?? [];
    const remaining = missing(current);
    assert.ok(remaining.length > 0);
    const clean = client.diagnostics(
      uri,
      (ds) => missing(ds).length === 0 && ds.every((d) => d.severity !== 1),
    );
    for (const diagnostic of remaining) {
      const [action] = await actionsFor(uri, diagnostic);
      if (action?.command === undefined) continue;
      await client.connection.sendRequest('workspace/executeCommand', {
        command: action.command.command,
        arguments: action.command.arguments,
      });
    }
    await clean;
    const bundle = statSync(path.join(certs, 'apacheAsClientCertAndKeyCombined.pem'));
    assert.equal(bundle.mode & 0o777, 0o600);
  },
);

test('the palette request gives prefilled names from the config', LIMIT, async () => {
  const answer = await client.connection.sendRequest<{ defaults?: Record<string, unknown> }>(
    'workspace/executeCommand',
    { command: 'httpdMtls.server.generateCertificates', arguments: [uriOf(conf)] },
  );
  assert.deepEqual(answer.defaults?.serverNames, ['apache.server.name']);
  assert.equal(answer.defaults?.backendHost, 'gunicorn.app.server');
});
