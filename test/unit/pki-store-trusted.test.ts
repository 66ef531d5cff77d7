import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPkiStore } from '../../server/src/pki/store';

const FIXTURES = join(__dirname, '..', 'fixtures', 'pki');
const scratch = mkdtempSync(join(tmpdir(), 'pki-store-trusted-'));
test.after(() => rmSync(scratch, { recursive: true, force: true }));

function certificateCopy(name: string): string {
  const file = join(scratch, name);
  copyFileSync(join(FIXTURES, 'client.crt'), file);
  return file;
}

test('a trusted file keeps its cached answer until forgotten', () => {
  const file = certificateCopy('trusted.pem');
  const store = createPkiStore({ trusted: (path) => path === file });
  assert.equal(store.load(file).certificates.length, 1);
  writeFileSync(file, '');
  assert.equal(store.load(file).certificates.length, 1, 'no stat before forget');
  store.forget([file]);
  assert.deepEqual(store.load(file).problem, { kind: 'empty' });
});

test('forget all makes every trusted file stat again', () => {
  const file = certificateCopy('all.pem');
  const store = createPkiStore({ trusted: () => true });
  store.load(file);
  writeFileSync(file, '');
  store.forget('all');
  assert.deepEqual(store.load(file).problem, { kind: 'empty' });
});

test('an untrusted file is stat-ed on every load (the default)', () => {
  const file = certificateCopy('untrusted.pem');
  for (const store of [createPkiStore(), createPkiStore({ trusted: (path) => path !== file })]) {
    copyFileSync(join(FIXTURES, 'client.crt'), file);
    assert.equal(store.load(file).certificates.length, 1);
    writeFileSync(file, '');
    assert.deepEqual(store.load(file).problem, { kind: 'empty' });
  }
});

test('a missing trusted file is looked for again on the next load', () => {
  const file = join(scratch, 'later.pem');
  const store = createPkiStore({ trusted: () => true });
  assert.deepEqual(store.load(file).problem, { kind: 'missing' });
  copyFileSync(join(FIXTURES, 'client.crt'), file);
  assert.equal(store.load(file).problem, null);
});
