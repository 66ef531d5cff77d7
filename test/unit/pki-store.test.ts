import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPkiStore } from '../../server/src/pki/store';

const FIXTURES = join(__dirname, '..', 'fixtures', 'pki');
const fixture = (name: string) => join(FIXTURES, name);
const scratch = mkdtempSync(join(tmpdir(), 'pki-store-'));
test.after(() => rmSync(scratch, { recursive: true, force: true }));

test('file problems mirror the phase-W check', () => {
  const store = createPkiStore();
  writeFileSync(join(scratch, 'empty.pem'), '');
  mkdirSync(join(scratch, 'dir'));
  execFileSync('mkfifo', [join(scratch, 'fifo')]);
  assert.deepEqual(store.load(join(scratch, 'nope.pem')).problem, { kind: 'missing' });
  assert.deepEqual(store.load(join(scratch, 'empty.pem', 'x')).problem, { kind: 'missing' });
  assert.deepEqual(store.load(join(scratch, 'empty.pem')).problem, { kind: 'empty' });
  assert.deepEqual(store.load(join(scratch, 'dir')).problem, { kind: 'directory' });
  assert.equal(store.load(join(scratch, 'fifo')).problem?.kind, 'unreadable');
  assert.equal(store.load(join(scratch, 'nope.pem')).pem, null);
});

test('bundle: certificates and keys in file order, mode', () => {
  const loaded = createPkiStore().load(fixture('client-bundle.pem'));
  assert.equal(loaded.problem, null);
  assert.equal(loaded.pem?.format, 'pem');
  assert.deepEqual(
    loaded.certificates.map((c) => c.value.commonNames[0]),
    ['proxy-client'],
  );
  assert.deepEqual(
    loaded.certificates.map((c) => c.block.index),
    [0],
  );
  assert.deepEqual(
    loaded.keys.map((k) => [k.value.format, k.block.index]),
    [['traditional', 1]],
  );
  assert.equal(loaded.certificates[0]!.file, fixture('client-bundle.pem'));

  const modeFile = join(scratch, 'mode.pem');
  writeFileSync(modeFile, readFileSync(fixture('client.crt')), { mode: 0o640 });
  assert.equal(createPkiStore().load(modeFile).mode, 0o640);
});

test('CA bundle in order; bad certificate blocks are listed apart', () => {
  const store = createPkiStore();
  const bundle = store.load(fixture('ca-bundle.pem'));
  const names = bundle.certificates.map((c) => c.value.commonNames[0]);
  assert.deepEqual(names, ['Test Root CA', 'Test Intermediate 1', 'Test Intermediate 2']);

  const keyAsCert = readFileSync(fixture('client.pk8.key'), 'utf8').replace(
    /PRIVATE KEY/g,
    'CERTIFICATE',
  );
  const damaged = readFileSync(fixture('int1.crt'), 'utf8').replace(/\n(.)/, '\n*');
  const path = join(scratch, 'bad.pem');
  writeFileSync(path, `${keyAsCert}${damaged}${readFileSync(fixture('root.crt'), 'utf8')}`);
  const loaded = store.load(path);
  assert.deepEqual(
    loaded.badCertificates.map((b) => b.block.index),
    [0, 1],
  );
  assert.deepEqual(
    loaded.certificates.map((c) => c.block.index),
    [2],
  );
});

test('DER certificate and DER key files load as such', () => {
  const store = createPkiStore();
  const cert = store.load(fixture('client.der'));
  assert.equal(cert.pem?.format, 'der');
  assert.equal(cert.certificates.length, 1);
  assert.equal(cert.certificates[0]!.block.label, 'CERTIFICATE');
  assert.equal(cert.certificates[0]!.value.commonNames[0], 'proxy-client');

  const key = store.load(fixture('client.key.der'));
  assert.equal(key.pem?.format, 'der');
  assert.deepEqual(
    key.keys.map((k) => k.block.label),
    ['PRIVATE KEY'],
  );
  assert.equal(key.keys[0]!.value.publicKey?.algorithm, 'rsa');
});

test('text file has nothing; glued file keeps its blocks', () => {
  const path = join(scratch, 'text.pem');
  writeFileSync(path, 'not a certificate\n');
  const text = createPkiStore().load(path);
  assert.equal(text.pem?.format, 'text');
  assert.equal(text.certificates.length + text.keys.length, 0);
  const glued = createPkiStore().load(fixture('glued-bundle.pem'));
  assert.equal(glued.pem?.glued, true);
  assert.equal(glued.certificates.length, 1);
  assert.equal(glued.keys.length, 1);
});

test('cache: same object until size or mtime changes', () => {
  const store = createPkiStore();
  const path = join(scratch, 'cached.pem');
  writeFileSync(path, readFileSync(fixture('root.crt')));
  const first = store.load(path);
  assert.equal(store.load(path), first);
  const both = [readFileSync(fixture('root.crt')), readFileSync(fixture('int1.crt'))];
  writeFileSync(path, Buffer.concat(both));
  const second = store.load(path);
  assert.notEqual(second, first);
  assert.equal(second.certificates.length, 2);
  // The unchanged root certificate is parsed once: same view object.
  assert.equal(second.certificates[0]!.value, first.certificates[0]!.value);
  rmSync(path);
  assert.deepEqual(store.load(path).problem, { kind: 'missing' });
});

test('listDirectory: regular files in byte order, empty for a non-directory', () => {
  const dir = join(scratch, 'hashes');
  mkdirSync(dir);
  for (const name of ['b.0', 'B.0', 'a.1', '.hidden']) writeFileSync(join(dir, name), 'x');
  mkdirSync(join(dir, 'sub'));
  const store = createPkiStore();
  assert.deepEqual(
    store.listDirectory(dir),
    ['.hidden', 'B.0', 'a.1', 'b.0'].map((name) => join(dir, name)),
  );
  assert.deepEqual(store.listDirectory(fixture('root.crt')), []);
  assert.deepEqual(store.listDirectory(join(scratch, 'missing')), []);
});
