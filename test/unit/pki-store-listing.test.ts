import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPkiStore } from '../../server/src/pki/store';

const scratch = mkdtempSync(join(tmpdir(), 'pki-store-listing-'));
test.after(() => rmSync(scratch, { recursive: true, force: true }));

/** Moves a directory's mtime into the past, so its listing may be kept. */
const settle = (dir: string) => utimesSync(dir, new Date(2020, 0, 1), new Date(2020, 0, 1));

test('a kept listing follows added, removed and retyped entries', () => {
  const dir = join(scratch, 'plain');
  mkdirSync(dir);
  writeFileSync(join(dir, 'a.pem'), 'x');
  settle(dir);
  const store = createPkiStore();
  assert.deepEqual(store.listDirectory(dir), [join(dir, 'a.pem')]);

  writeFileSync(join(dir, 'b.pem'), 'x');
  assert.deepEqual(store.listDirectory(dir), [join(dir, 'a.pem'), join(dir, 'b.pem')]);
  settle(dir);
  assert.deepEqual(store.listDirectory(dir), [join(dir, 'a.pem'), join(dir, 'b.pem')]);

  unlinkSync(join(dir, 'a.pem'));
  mkdirSync(join(dir, 'a.pem'));
  assert.deepEqual(store.listDirectory(dir), [join(dir, 'b.pem')]);
  settle(dir);
  rmSync(join(dir, 'b.pem'));
  assert.deepEqual(store.listDirectory(dir), []);
});

test('a listing with a symlink is read again: its target may change alone', () => {
  const dir = join(scratch, 'links');
  mkdirSync(dir);
  writeFileSync(join(scratch, 'target.pem'), 'x');
  symlinkSync(join(scratch, 'target.pem'), join(dir, 'link.pem'));
  settle(dir);
  const store = createPkiStore();
  assert.deepEqual(store.listDirectory(dir), [join(dir, 'link.pem')]);

  rmSync(join(scratch, 'target.pem'));
  mkdirSync(join(scratch, 'target.pem'));
  assert.deepEqual(store.listDirectory(dir), []);
});

test('a directory that is gone lists empty', () => {
  const dir = join(scratch, 'gone');
  mkdirSync(dir);
  writeFileSync(join(dir, 'a.pem'), 'x');
  settle(dir);
  const store = createPkiStore();
  assert.equal(store.listDirectory(dir).length, 1);
  rmSync(dir, { recursive: true });
  assert.deepEqual(store.listDirectory(dir), []);
});
