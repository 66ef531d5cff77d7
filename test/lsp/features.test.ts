// Editor features over stdio against the built server: hover, completion, symbols, links,
// folding, code lenses, and quick fixes applied to the buffer until the diagnostic goes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type {
  CodeAction,
  CodeLens,
  CompletionItem,
  Diagnostic,
  DocumentLink,
  DocumentSymbol,
  FoldingRange,
  Hover,
  TextEdit,
} from 'vscode-languageserver';
import { REPO, TestClient, uriOf } from './lsp-client';

const EXAMPLES = path.join(REPO, 'examples');
const confOf = (example: string): string =>
  path.join(EXAMPLES, example, 'conf.d', 'reverseProxy.conf');
const SEED_CONF = confOf('seed');
const LIMIT = { timeout: 30_000 };

let client: TestClient;

const lineOf = (text: string, needle: string): number =>
  text.split('\n').findIndex((line) => line.includes(needle));

function request<T>(method: string, uri: string, extra: object = {}): Promise<T> {
  return client.connection.sendRequest<T>(method, { textDocument: { uri }, ...extra });
}

/** Applies non-overlapping edits to a text (from the end, so earlier offsets stay valid). */
function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }): number =>
    lines.slice(0, p.line).reduce((sum, line) => sum + line.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let result = text;
  for (const edit of sorted) {
    const [start, end] = [offset(edit.range.start), offset(edit.range.end)];
    result = result.slice(0, start) + edit.newText + result.slice(end);
  }
  return result;
}

/** Opens a config and waits until its diagnostics include (or not) a rule. */
async function openWith(file: string, rule: string): Promise<Diagnostic[]> {
  const text = readFileSync(file, 'utf8');
  const published = client.diagnostics(uriOf(file), (ds) => ds.some((d) => d.code === rule));
  await client.open(file, text);
  return published;
}

before(async () => {
  client = new TestClient({ workspaceFolder: EXAMPLES });
  const init = await client.initialize();
  const caps = init.capabilities;
  assert.equal(caps.hoverProvider, true);
  assert.ok(caps.completionProvider);
  assert.ok(caps.documentLinkProvider);
  assert.equal(caps.documentSymbolProvider, true);
  assert.equal(caps.foldingRangeProvider, true);
  assert.ok(caps.codeLensProvider);
});

after(async () => {
  await client.stop();
});

test('hover, links, symbols, folding and lenses on the seed', LIMIT, async () => {
  const text = readFileSync(SEED_CONF, 'utf8');
  const uri = uriOf(SEED_CONF);
  const checked = client.diagnostics(uri);
  await client.open(SEED_CONF, text);
  await checked;

  const certLine = lineOf(text, 'SSLCertificateFile');
  const nameAt = text.split('\n')[certLine]?.indexOf('SSLCertificateFile') ?? -1;
  const onName = await request<Hover>('textDocument/hover', uri, {
    position: { line: certLine, character: nameAt + 2 },
  });
  const nameHover = JSON.stringify(onName.contents);
  assert.match(nameHover, /mod_ssl\.html#sslcertificatefile/);

  const pathAt = text.split('\n')[certLine]?.indexOf('/') ?? -1;
  const onPath = await request<Hover>('textDocument/hover', uri, {
    position: { line: certLine, character: pathAt + 3 },
  });
  const pathHover = JSON.stringify(onPath.contents);
  assert.match(pathHover, /Subject/);
  assert.match(pathHover, /SHA-256/);
  assert.match(pathHover, /expires in \d+ days/);
  assert.doesNotMatch(pathHover, /BEGIN|MII/);

  const keyLine = lineOf(text, 'SSLCertificateKeyFile');
  const keyAt = text.split('\n')[keyLine]?.indexOf('/') ?? -1;
  const onKey = await request<Hover>('textDocument/hover', uri, {
    position: { line: keyLine, character: keyAt + 3 },
  });
  assert.match(JSON.stringify(onKey.contents), /Private key/);
  assert.doesNotMatch(JSON.stringify(onKey.contents), /BEGIN|MII/);

  const links = await request<DocumentLink[]>('textDocument/documentLink', uri);
  const linked = links.map((link) => link.range.start.line);
  assert.ok(linked.includes(certLine), `a link on line ${certLine}: ${linked.join(',')}`);

  const symbols = await request<DocumentSymbol[]>('textDocument/documentSymbol', uri);
  const vhost = symbols.find((symbol) => symbol.name.includes('<VirtualHost'));
  assert.ok(vhost, JSON.stringify(symbols.map((s) => s.name)));
  assert.match(vhost.name, /apache\.server\.name/);
  assert.ok(vhost.children?.some((child) => child.name.startsWith('<Location')));

  const folds = await request<FoldingRange[]>('textDocument/foldingRange', uri);
  assert.ok(folds.some((fold) => fold.startLine === vhost.range.start.line));

  const lenses = await request<CodeLens[]>('textDocument/codeLens', uri);
  assert.equal(lenses.length, 1);
  assert.equal(lenses[0]?.command?.command, 'httpdMtls.verifyChain');
  assert.match(lenses[0]?.command?.title ?? '', /client: pass \| server: pass \| backend: pass/);
  await client.close(uri);
});

test('completion offers directives for the context and keyword values', LIMIT, async () => {
  const file = path.join(EXAMPLES, 'seed', 'conf.d', 'completion-probe.conf');
  const uri = uriOf(file);
  const text = '<VirtualHost *:443>\n    SSLVer\n    SSLVerifyClient \n</VirtualHost>\n';
  await client.open(file, text, uri);
  const names = await request<CompletionItem[]>('textDocument/completion', uri, {
    position: { line: 1, character: 10 },
  });
  const labels = names.map((item) => item.label);
  assert.ok(labels.includes('SSLVerifyClient'));
  assert.ok(!labels.includes('ServerRoot'), 'ServerRoot is main-server only');
  const values = await request<CompletionItem[]>('textDocument/completion', uri, {
    position: { line: 2, character: 20 },
  });
  const modes = values.map((item) => item.label).sort();
  assert.deepEqual(modes, ['none', 'optional', 'optional_no_ca', 'require']);
  await client.close(uri);
});

async function fixGoes(
  example: string,
  rule: string,
  pick: (a: CodeAction) => boolean,
): Promise<void> {
  const file = confOf(example);
  const uri = uriOf(file);
  const diagnostics = await openWith(file, rule);
  const target = diagnostics.find((d) => d.code === rule);
  assert.ok(target);
  const actions = await request<CodeAction[]>('textDocument/codeAction', uri, {
    range: target.range,
    context: { diagnostics: [target] },
  });
  const action = actions.find(pick);
  assert.ok(action, JSON.stringify(actions.map((a) => a.title)));
  const edits = action.edit?.changes?.[uri];
  assert.ok(edits, `edits on ${uri}`);
  const fixed = client.diagnostics(uri, (ds) => !ds.some((d) => d.code === rule));
  await client.change(uri, applyEdits(readFileSync(file, 'utf8'), edits));
  await fixed;
  await client.close(uri);
}

test('quick fix: SSLProxyEngine On', LIMIT, () =>
  fixGoes('broken/no-proxy-engine', 'proxy-engine-missing', (a) => a.isPreferred === true),
);
test('quick fix: SSLVerifyDepth', LIMIT, () =>
  fixGoes('broken/depth-too-small', 'verify-depth', (a) =>
    a.title.startsWith('Set SSLVerifyDepth'),
  ),
);
test('quick fix: SSLProxyVerifyDepth', LIMIT, () =>
  fixGoes('broken/proxy-depth-too-small', 'proxy-verify-depth', (a) => a.title.startsWith('Set')),
);
test('quick fix: ProxyPreserveHost Off', LIMIT, () =>
  fixGoes('broken/preserve-host', 'proxy-peer-name', (a) => a.title.includes('ProxyPreserveHost')),
);
test('suppression comment drops the finding', LIMIT, () =>
  fixGoes('broken/no-proxy-engine', 'proxy-engine-missing', (a) => a.title.startsWith('Ignore')),
);
