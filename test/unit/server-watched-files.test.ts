import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WatchedFiles, WatchedTextCache } from '../../server/src/watched-files';

const scratch = mkdtempSync(join(tmpdir(), 'watched-files-'));
const workspace = join(scratch, 'ws');
const outside = join(scratch, 'outside');
test.after(() => rmSync(scratch, { recursive: true, force: true }));
mkdirSync(join(workspace, 'node_modules'), { recursive: true });
mkdirSync(outside);
for (const file of [
  join(workspace, 'site.conf'),
  join(workspace, 'server.crt'),
  join(workspace, 'server.p12'),
  join(workspace, 'node_modules', 'x.pem'),
  join(outside, 'ca.pem'),
]) {
  writeFileSync(file, 'text');
}
symlinkSync(join(outside, 'ca.pem'), join(workspace, 'linked.pem'));

const inWorkspace = (file: string): string | undefined =>
  file.startsWith(`${workspace}/`) ? workspace : undefined;

test('only files the client watches are covered', () => {
  const watched = new WatchedFiles(() => true, inWorkspace);
  assert.equal(watched.covers(join(workspace, 'site.conf')), true);
  assert.equal(watched.covers(join(workspace, 'server.crt')), true);
  assert.equal(watched.covers(join(workspace, 'server.p12')), false, 'not in the globs');
  assert.equal(watched.covers(join(workspace, 'node_modules', 'x.pem')), false, 'excluded');
  assert.equal(watched.covers(join(outside, 'ca.pem')), false, 'outside the folder');
  assert.equal(watched.covers(join(workspace, 'linked.pem')), false, 'symlink');
  assert.equal(watched.covers(join(workspace, 'missing.pem')), false, 'absent');
});

test('nothing is covered when the client does not watch files', () => {
  const watched = new WatchedFiles(() => false, inWorkspace);
  assert.equal(watched.covers(join(workspace, 'site.conf')), false);
});

test('the text cache keeps watched texts until forgotten, and never keeps no text', () => {
  const cache = new WatchedTextCache(new WatchedFiles(() => true, inWorkspace));
  let reads = 0;
  const reader = (text: string | undefined) => () => {
    reads++;
    return text;
  };
  const conf = join(workspace, 'site.conf');
  assert.equal(cache.read(conf, reader('one')), 'one');
  assert.equal(cache.read(conf, reader('two')), 'one');
  cache.forget([conf]);
  assert.equal(cache.read(conf, reader('three')), 'three');
  cache.forgetAll();
  assert.equal(cache.read(conf, reader('four')), 'four');

  const p12 = join(workspace, 'server.p12');
  assert.equal(cache.read(p12, reader('a')), 'a');
  assert.equal(cache.read(p12, reader('b')), 'b', 'not watched: read again');
  const absent = join(workspace, 'absent.conf');
  assert.equal(cache.read(absent, reader(undefined)), undefined);
  assert.equal(cache.read(absent, reader('now')), 'now');
  assert.equal(reads, 7);
});
