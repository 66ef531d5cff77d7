import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseConfig } from '../../server/src/config/parser';
import { lookupDirective } from '../../server/src/config/directives';
import { contextOf, nodeAt, sectionsAround } from '../../server/src/features/node-at';
import { documentSymbols } from '../../server/src/features/symbols';
import { foldingRanges } from '../../server/src/features/folding';
import { completions } from '../../server/src/features/completion';
import { directiveHover, pemFileHover, validityPhrase } from '../../server/src/features/hover';
import { hoverAt } from '../../server/src/features/hover-at';
import { documentLinks } from '../../server/src/features/document-links';
import { createPkiStore } from '../../server/src/pki/store';

const SEED = path.join(__dirname, '..', '..', 'examples', 'seed');
const TEXT = [
  '# one',
  '# two',
  'ServerRoot "/etc/httpd"',
  '<VirtualHost *:443>',
  '    ServerName api.example.com',
  '    SSLCertificateFile sslCerts/apacheServerCert.pem',
  '    <Location "/">',
  '        ProxyPass "https://b:1/"',
  '    </Location>',
  '</VirtualHost>',
  '',
].join('\n');
const nodes = parseConfig(TEXT, '/c.conf').nodes;
const paths = { serverRoot: '/etc/httpd', pathMappings: [{ from: '/etc/httpd', to: SEED }] };

test('node at a position: name, argument, enclosing sections and context', () => {
  const onName = nodeAt(nodes, { line: 5, character: 6 });
  assert.equal(onName?.part, 'name');
  assert.equal(onName?.node.name, 'SSLCertificateFile');
  const onArg = nodeAt(nodes, { line: 7, character: 20 });
  assert.equal(onArg?.part, 'arg');
  assert.equal(onArg?.argIndex, 0);
  assert.deepEqual(
    onArg?.ancestors.map((s) => s.name),
    ['VirtualHost', 'Location'],
  );
  assert.equal(nodeAt(nodes, { line: 0, character: 2 }), null);
  assert.equal(contextOf(sectionsAround(nodes, { line: 7, character: 0 })), 'location');
  assert.equal(contextOf(sectionsAround(nodes, { line: 4, character: 0 })), 'virtualhost');
  assert.equal(contextOf(sectionsAround(nodes, { line: 1, character: 0 })), 'server');
});

test('symbols name the vhost by ServerName and nest Location', () => {
  const symbols = documentSymbols(nodes);
  assert.deepEqual(
    symbols.map((s) => s.name),
    ['api.example.com <VirtualHost *:443>'],
  );
  assert.deepEqual(
    symbols[0]?.children?.map((s) => s.name),
    ['ServerName api.example.com', '<Location "/">'],
  );
  assert.equal(symbols[0]?.range.start.line, 3);
  assert.equal(symbols[0]?.range.end.line, 9);
});

test('folding: sections up to the line before the close tag, comment runs', () => {
  const folds = foldingRanges(nodes, TEXT).map((f) => [f.startLine, f.endLine, f.kind ?? '']);
  assert.deepEqual(folds, [
    [3, 8, ''],
    [6, 7, ''],
    [0, 1, 'comment'],
  ]);
});

test('completion: context filter, section tags, keyword values, paths', () => {
  const inLocation = completions({ linePrefix: '        SSL', context: 'location', paths }).map(
    (item) => item.label,
  );
  assert.ok(inLocation.includes('SSLVerifyClient'));
  assert.ok(!inLocation.includes('SSLCertificateFile'), 'not allowed in <Location>');
  const tags = completions({ linePrefix: '<Vir', context: 'server', paths }).map((i) => i.label);
  assert.ok(tags.includes('<VirtualHost'));
  const flag = completions({ linePrefix: 'SSLProxyEngine ', context: 'virtualhost', paths });
  assert.deepEqual(
    flag.map((i) => i.label),
    ['On', 'Off'],
  );
  const linePrefix = 'SSLCertificateFile sslCerts/';
  const files = completions({ linePrefix, context: 'server', paths });
  assert.ok(
    files.some((i) => i.label === 'apacheServerCert.pem'),
    JSON.stringify(files),
  );
  assert.deepEqual(completions({ linePrefix: 'ServerName x ', context: 'server', paths }), []);
});

test('directive hover: syntax, context, default, manual link', () => {
  const info = lookupDirective('sslverifydepth');
  assert.ok(info);
  const markdown = directiveHover(info);
  assert.match(markdown, /^```apacheconf\nSSLVerifyDepth argument\n```/);
  assert.match(markdown, /\*\*Default:\*\* `1`/);
  assert.ok(markdown.includes('https://httpd.apache.org/docs/2.4/mod/mod_ssl.html#sslverifydepth'));
});

test('certificate hover: fields, validity in days, no key material', () => {
  const pki = createPkiStore();
  const file = pki.load(path.join(SEED, 'sslCerts', 'apacheServerCert.pem'));
  const cert = file.certificates[0]?.value;
  assert.ok(cert);
  const in41 = new Date(cert.notAfter.getTime() - 41.5 * 86_400_000);
  assert.equal(validityPhrase(cert, in41), 'expires in 41 days');
  const markdown = pemFileHover(file, '/etc/httpd/sslCerts/apacheServerCert.pem', in41);
  assert.match(markdown, /Subject: `[^`]*CN=apache\.server\.name/);
  assert.match(markdown, /SANs: DNS:apache\.server\.name/);
  assert.match(markdown, /EKU: serverAuth/);
  assert.match(markdown, /SHA-256: `([0-9A-F]{2}:){31}[0-9A-F]{2}`/);

  const bundlePath = path.join(SEED, 'sslCerts', 'apacheAsClientCertAndKeyCombined.pem');
  const bundle = pki.load(bundlePath);
  const both = pemFileHover(bundle, 'bundle.pem', new Date());
  assert.match(both, /\*\*Certificate\*\* \(block 1/);
  assert.match(both, /\*\*Private key\*\* \(block 2/);
  assert.doesNotMatch(both, /BEGIN|MII/);

  const hover = hoverAt(nodes, { line: 5, character: 30 }, paths, pki, new Date());
  assert.match(hover?.markdown ?? '', /read from/);
  assert.equal(hover?.range.start.character, 23);
});

test('links: existing files only, through ServerRoot and mappings', () => {
  const links = documentLinks(nodes, paths);
  assert.deepEqual(
    links.map((l) => l.range.start.line),
    [2, 5],
  );
  assert.match(links[1]?.target ?? '', /examples\/seed\/sslCerts\/apacheServerCert\.pem$/);
  assert.deepEqual(
    documentLinks(nodes, paths, () => false),
    [],
  );
});
