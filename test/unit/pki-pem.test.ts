import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPem } from '../../server/src/pki/pem';

const FIXTURES = join(__dirname, '..', 'fixtures', 'pki');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const clientCert = fixture('client.crt');
const rsaKey = fixture('client.rsa.key');
const certLines = clientCert.trimEnd().split('\n');

test('single certificate: label, range, byte offsets and DER', () => {
  const pem = readPem(clientCert, 'client.crt');
  assert.equal(pem.format, 'pem');
  assert.equal(pem.glued, false);
  assert.equal(pem.blocks.length, 1);
  const block = pem.blocks[0]!;
  assert.equal(block.label, 'CERTIFICATE');
  assert.deepEqual(block.defects, []);
  assert.deepEqual(block.range, {
    start: { line: 0, character: 0 },
    end: { line: certLines.length - 1, character: '-----END CERTIFICATE-----'.length },
  });
  assert.deepEqual(block.offset, { start: 0, end: clientCert.trimEnd().length });
  assert.deepEqual(Buffer.from(block.der!), readFileSync(join(FIXTURES, 'client.der')));
});

test('cert then key in file order, text before and between blocks', () => {
  const text = `Bag Attributes\n    friendlyName: é client\n${clientCert}subject=x\n${rsaKey}`;
  const pem = readPem(text, 'bundle.pem');
  assert.deepEqual(
    pem.blocks.map((b) => [b.label, b.index, b.range.start.line]),
    [
      ['CERTIFICATE', 0, 2],
      ['RSA PRIVATE KEY', 1, 2 + certLines.length + 1],
    ],
  );
  // The é takes two bytes: byte offsets run one past the string index.
  const keyStart = text.indexOf('-----BEGIN RSA');
  assert.equal(pem.blocks[1]!.offset.start, keyStart + 1);
  assert.deepEqual(
    pem.blocks.map((b) => b.defects),
    [[], []],
  );
});

test('CRLF, trailing spaces, no final newline and a BOM are fine', () => {
  const crlf = clientCert
    .trimEnd()
    .split('\n')
    .map((l) => `${l}  `)
    .join('\r\n');
  const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(crlf)]);
  const pem = readPem(bytes, 'crlf.pem');
  const block = pem.blocks[0]!;
  assert.deepEqual(block.defects, []);
  assert.equal(block.range.start.character, 0);
  assert.equal(block.range.end.character, '-----END CERTIFICATE-----'.length);
  assert.equal(block.offset.start, 3);
  assert.equal(block.offset.end, bytes.length - 2);
  assert.deepEqual(Buffer.from(block.der!), readFileSync(join(FIXTURES, 'client.der')));
});

test('RFC 1421 headers of a Proc-Type encrypted key', () => {
  const block = readPem(fixture('client.proc.key'), 'k').blocks[0]!;
  assert.equal(block.headers['Proc-Type'], '4,ENCRYPTED');
  assert.match(block.headers['DEK-Info'] ?? '', /^AES-256-CBC,[0-9A-F]{32}$/);
  assert.notEqual(block.der, null);
  assert.deepEqual(block.defects, []);
});

test('glued END/BEGIN marks both blocks and the file', () => {
  const pem = readPem(fixture('glued-bundle.pem'), 'glued.pem');
  assert.equal(pem.glued, true);
  assert.deepEqual(
    pem.blocks.map((b) => [b.label, b.defects]),
    [
      ['CERTIFICATE', ['glued']],
      ['RSA PRIVATE KEY', ['glued']],
    ],
  );
  const endLine = certLines.length - 1;
  assert.deepEqual(pem.blocks[0]!.range.end, { line: endLine, character: 25 });
  assert.deepEqual(pem.blocks[1]!.range.start, { line: endLine, character: 25 });
  assert.notEqual(pem.blocks[1]!.der, null);
});

test('indented BEGIN is reported, not hidden', () => {
  const pem = readPem(`  ${clientCert}`, 'x');
  assert.deepEqual(pem.blocks[0]!.defects, ['indented']);
  assert.equal(pem.blocks[0]!.range.start.character, 2);
});

test('an indented END under a column-0 BEGIN is a bad end line; a wholly indented block is not', () => {
  const indentedEnd = clientCert.replace('-----END', '  -----END');
  assert.deepEqual(readPem(indentedEnd, 'x').blocks[0]!.defects, ['indented-end']);
  const allIndented = clientCert
    .split('\n')
    .map((line) => (line === '' ? line : `  ${line}`))
    .join('\n');
  assert.deepEqual(readPem(allIndented, 'x').blocks[0]!.defects, ['indented']);
});

test('unterminated block ends at the last line or at the next BEGIN', () => {
  const cut = certLines.slice(0, -1).join('\n');
  const atEnd = readPem(cut, 'x');
  assert.deepEqual(atEnd.blocks[0]!.defects, ['unterminated']);
  assert.equal(atEnd.blocks[0]!.range.end.line, certLines.length - 2);

  const beforeNext = readPem(`${cut}\n${rsaKey}`, 'x');
  assert.deepEqual(
    beforeNext.blocks.map((b) => [b.label, b.defects]),
    [
      ['CERTIFICATE', ['unterminated']],
      ['RSA PRIVATE KEY', []],
    ],
  );
});

test('damaged base64 gives null DER', () => {
  const damaged = clientCert.replace(/\n(.)/, '\n*');
  const block = readPem(damaged, 'x').blocks[0]!;
  assert.deepEqual(block.defects, ['bad-base64']);
  assert.equal(block.der, null);
});

test('END label differing from BEGIN label', () => {
  const block = readPem(clientCert.replace('END CERTIFICATE', 'END X509 CRL'), 'x').blocks[0]!;
  assert.deepEqual(block.defects, ['label-mismatch']);
  // Other text after the END marker is the same OpenSSL error (bad end line).
  const junk = clientCert.replace('END CERTIFICATE-----', 'END CERTIFICATE-----x');
  const trailing = readPem(junk, 'x');
  assert.deepEqual(trailing.blocks[0]!.defects, ['label-mismatch']);
});

test('file formats: empty, der, text', () => {
  assert.equal(readPem(Buffer.alloc(0), 'x').format, 'empty');
  assert.equal(readPem(readFileSync(join(FIXTURES, 'client.der')), 'x').format, 'der');
  assert.equal(readPem('hello\nworld\n', 'x').format, 'text');
  assert.equal(readPem('hello\nworld\n', 'x').blocks.length, 0);
});

test('large input stays linear', () => {
  const many = clientCert.repeat(5000);
  const started = process.hrtime.bigint();
  const pem = readPem(many, 'x');
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  assert.equal(pem.blocks.length, 5000);
  assert.ok(elapsedMs < 5000, `took ${elapsedMs} ms`);
  // One line of a million blanks must not trigger backtracking.
  assert.equal(readPem(`${' '.repeat(1_000_000)}x`, 'x').format, 'text');
});
