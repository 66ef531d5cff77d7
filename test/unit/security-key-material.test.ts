/**
 * No output ever carries private key material. The secrets are every base64 body line of every
 * `PRIVATE KEY` block in the examples and test fixtures, and the base64 and hex of the raw DER
 * of each key (DER key files included). The outputs scanned: the CLI's text, JSON and SARIF
 * (in process, for speed) over every example and rule fixture, and the built language
 * server's diagnostics, hovers and window/logMessage lines with trace at verbose.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { TestClient, uriOf } from '../lsp/lsp-client';
import { main } from '../../server/src/cli';

const REPO = path.join(__dirname, '..', '..');
const EXAMPLES = path.join(REPO, 'examples');
const RULE_FIXTURES = path.join(REPO, 'test', 'fixtures', 'rules');
const SCANNED = [EXAMPLES, path.join(REPO, 'test', 'fixtures')];

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const full = path.join(folder, name);
    const stats = statSync(full, { throwIfNoEntry: false });
    if (stats === undefined) return [];
    return stats.isDirectory() ? filesUnder(full) : stats.isFile() ? [full] : [];
  });
}

/** Substrings that must never appear in output; 16+ characters so no chance match. */
function secretNeedles(): string[] {
  const needles = new Set<string>();
  for (const file of SCANNED.flatMap(filesUnder)) {
    const bytes = readFileSync(file);
    const text = bytes.toString('latin1');
    const blocks = text.matchAll(
      /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----\r?\n([\s\S]*?)-----END \1-----/g,
    );
    for (const block of blocks) {
      const body = block[2].split(/\r?\n/).filter((line) => !line.includes(':'));
      for (const line of body) if (line.trim().length >= 16) needles.add(line.trim());
      const der = Buffer.from(body.join(''), 'base64');
      if (der.length >= 16) needles.add(der.subarray(16, 48).toString('hex'));
    }
    if (/\.key\.der$/.test(file)) {
      needles.add(bytes.toString('base64').slice(8, 72));
      needles.add(bytes.subarray(16, 48).toString('hex'));
    }
  }
  return [...needles];
}

const needles = secretNeedles();

function assertNoSecret(output: string, where: string): void {
  for (const needle of needles) {
    assert.ok(!output.includes(needle), `key material in ${where}`);
  }
}

const exampleConfigs = [
  path.join(EXAMPLES, 'seed', 'conf.d', 'reverseProxy.conf'),
  ...readdirSync(path.join(EXAMPLES, 'broken')).map((name) =>
    path.join(EXAMPLES, 'broken', name, 'conf.d', 'reverseProxy.conf'),
  ),
];
const ruleConfigs = readdirSync(RULE_FIXTURES)
  .filter((name) => name.endsWith('.conf'))
  .map((name) => path.join(RULE_FIXTURES, name));

test('the scan knows key material to look for, and would see it', () => {
  assert.ok(needles.length >= 50, `only ${needles.length} needles`);
  assert.throws(() => assertNoSecret(`x${needles[0]}x`, 'a planted line'));
});

test('CLI text, JSON and SARIF output carry no private key material', async () => {
  for (const config of [...exampleConfigs, ...ruleConfigs]) {
    const serverRoot = config.startsWith(RULE_FIXTURES) ? RULE_FIXTURES : EXAMPLES;
    for (const format of ['text', 'json', 'sarif']) {
      let output = '';
      const sink = { write: (text: string) => (output += text) };
      const code = await main(['check', '--format', format, '--server-root', serverRoot, config], {
        stdout: sink,
        stderr: sink,
        cwd: EXAMPLES,
      });
      assert.ok(code === 0 || code === 1, `${config}: ${output}`);
      assertNoSecret(output, `${format} output of ${config}`);
    }
  }
});

test('LSP diagnostics, hovers and verbose logs carry no private key material', async () => {
  const client = new TestClient({
    workspaceFolder: EXAMPLES,
    settings: { trace: { server: 'verbose' } },
  });
  try {
    await client.initialize();
    for (const config of exampleConfigs) {
      const published = client.diagnostics(uriOf(config));
      await client.open(config, readFileSync(config, 'utf8'));
      const diagnostics = await published;
      assertNoSecret(JSON.stringify(diagnostics), `diagnostics of ${config}`);
      for (const diagnostic of diagnostics) {
        const hover = await client.connection.sendRequest('textDocument/hover', {
          textDocument: { uri: uriOf(config) },
          position: diagnostic.range.start,
        });
        assertNoSecret(JSON.stringify(hover ?? null), `hover in ${config}`);
      }
    }
  } finally {
    await client.stop();
  }
  assertNoSecret(client.logs.join('\n'), 'server logs');
});
