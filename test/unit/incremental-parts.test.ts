/**
 * The pieces re-checks are built from, one by one: recorded store answers and the store's
 * change journal, trusted directory listings and kinds, the diagnostics store reporting only
 * changed files, and the loader handing back the same objects for an unchanged tree.
 * (test/unit/incremental-check.test.ts checks the whole against fresh checks.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver';
import { ChangeJournal } from '../../server/src/change-journal';
import { IncludeMemo } from '../../server/src/config/include-memo';
import { loadConfig } from '../../server/src/config/loader';
import { DiagnosticStore } from '../../server/src/diagnostic-store';
import { RecordedReads } from '../../server/src/pki/recorded-reads';
import { createPkiStore } from '../../server/src/pki/store';
import type { PkiStore } from '../../server/src/pki/types';
import { WatchedDirectoryCache, WatchedFiles } from '../../server/src/watched-files';

const FIXTURES = join(__dirname, '..', 'fixtures', 'pki');
const scratch = mkdtempSync(join(tmpdir(), 'incremental-parts-'));
test.after(() => rmSync(scratch, { recursive: true, force: true }));

function copy(fixture: string, name: string): string {
  const file = join(scratch, name);
  copyFileSync(join(FIXTURES, fixture), file);
  return file;
}

/** A store that counts the loads reaching it. */
function counting(inner: PkiStore): { store: PkiStore; loads: () => number } {
  let loads = 0;
  return {
    loads: () => loads,
    store: {
      load: (path) => {
        loads++;
        return inner.load(path);
      },
      listDirectory: (path) => inner.listDirectory(path),
      pathKind: (path) => inner.pathKind(path),
    },
  };
}

test('the change journal names what changed since a token, and stays bounded', () => {
  const journal = new ChangeJournal(8);
  const start = journal.token();
  journal.record(['/a']);
  const afterA = journal.token();
  journal.record(['/b', '/c']);
  assert.deepEqual([...(journal.since(start) as Set<string>)].sort(), ['/a', '/b', '/c']);
  assert.deepEqual([...(journal.since(afterA) as Set<string>)].sort(), ['/b', '/c']);
  assert.equal((journal.since(journal.token()) as Set<string>).size, 0);
  assert.equal(journal.since(journal.token() + 1), 'all', 'a token from the future is not ours');
  assert.equal(journal.since(-1), 'all');

  // Many more entries than the limit: the oldest tokens get 'all', recent ones stay exact.
  const recent: number[] = [];
  for (let index = 0; index < 100; index++) {
    recent.push(journal.token());
    journal.record([`/f${index}`]);
  }
  assert.equal(journal.since(start), 'all');
  assert.equal(journal.since(recent[50]), 'all');
  assert.deepEqual([...(journal.since(recent[97]) as Set<string>)].sort(), [
    '/f97',
    '/f98',
    '/f99',
  ]);
  assert.ok(
    (journal as unknown as { entries: unknown[] }).entries.length <= 8,
    'entries past the limit are dropped',
  );

  // 'all' covers every older token and keeps no entries; later tokens stay exact.
  const beforeAll = journal.token();
  journal.record('all');
  const afterAll = journal.token();
  journal.record(['/d']);
  assert.equal(journal.since(beforeAll), 'all');
  assert.deepEqual([...(journal.since(afterAll) as Set<string>)], ['/d']);
  assert.equal((journal as unknown as { entries: unknown[] }).entries.length, 1);
});

test('trusted recorded reads hold without asking again until their path is forgotten', () => {
  const certificate = copy('client.crt', 'recorded.crt');
  const other = copy('server.crt', 'other.crt');
  const pki = createPkiStore({ trusted: () => true });
  const reads = new RecordedReads(pki.changes);
  reads.recording(pki).load(certificate);

  const probe = counting(pki);
  pki.forget([other]);
  assert.equal(reads.stillSame(probe.store), true);
  assert.equal(probe.loads(), 0, 'an unrelated change costs no load');

  copyFileSync(join(FIXTURES, 'server.crt'), certificate);
  pki.forget([certificate]);
  assert.equal(reads.stillSame(probe.store), false, 'the file it read changed');
});

test('forget("all") makes recorded reads ask again; the same answers still hold', () => {
  const certificate = copy('client.crt', 'all.crt');
  const pki = createPkiStore({ trusted: () => true });
  const reads = new RecordedReads(pki.changes);
  reads.recording(pki).load(certificate);
  pki.forget('all');
  const probe = counting(pki);
  assert.equal(reads.stillSame(probe.store), true);
  assert.equal(probe.loads(), 1);
});

test('reads of untrusted files are asked again every time', () => {
  const certificate = copy('client.crt', 'untrusted.crt');
  const pki = createPkiStore();
  const reads = new RecordedReads(pki.changes);
  reads.recording(pki).load(certificate);
  const probe = counting(pki);
  assert.equal(reads.stillSame(probe.store), true);
  assert.equal(probe.loads(), 1);
  writeFileSync(certificate, '');
  assert.equal(reads.stillSame(probe.store), false);
});

test('a chmod gives a new answer (mode is part of the cached file)', () => {
  const key = copy('client.key', 'mode.key');
  chmodSync(key, 0o600);
  const pki = createPkiStore();
  const before = pki.load(key);
  chmodSync(key, 0o644);
  const after = pki.load(key);
  assert.notEqual(after, before);
  assert.equal(after.mode, 0o644);
});

test('a trusted folder listing and a trusted kind stand until forget("all")', () => {
  const folder = join(scratch, 'listed');
  mkdirSync(folder);
  copy('client.crt', 'listed/a.pem');
  const pki = createPkiStore({ trusted: () => true, trustedDirectory: () => true });
  const listing = pki.listDirectory(folder);
  assert.equal(pki.pathKind(join(folder, 'a.pem')), 'file');
  copy('client.crt', 'listed/b.pem');
  writeFileSync(join(folder, 'a.pem'), '');
  assert.equal(pki.listDirectory(folder), listing, 'no look at the folder before the event');
  assert.equal(pki.pathKind(join(folder, 'a.pem')), 'file');
  pki.forget('all');
  assert.equal(pki.listDirectory(folder).length, 2);
  assert.equal(pki.pathKind(join(folder, 'a.pem')), 'empty');
});

test('the diagnostics store reports only files whose list changed', () => {
  const store = new DiagnosticStore();
  const diagnostic: Diagnostic = {
    range: { start: { line: 1, character: 0 }, end: { line: 1, character: 4 } },
    message: 'x',
  };
  const other: Diagnostic = { ...diagnostic, message: 'y' };
  const files = ['file:///a', 'file:///b', 'file:///c'];
  const found = (entries: [string, Diagnostic[]][]) => new Map(entries);
  const first = { files, found: found([['file:///b', [diagnostic]]]) };
  assert.deepEqual(store.update('entry', first).sort(), files);
  // Other files: c is withdrawn, d is new.
  const second = {
    files: ['file:///a', 'file:///b', 'file:///d'],
    found: found([
      ['file:///b', [diagnostic]],
      ['file:///d', [diagnostic]],
    ]),
  };
  assert.deepEqual(store.update('entry', second).sort(), ['file:///c', 'file:///d']);
  assert.deepEqual(store.diagnosticsFor('file:///c'), []);
  assert.deepEqual(store.diagnosticsFor('file:///d'), [diagnostic]);
  // The same files array: only what has diagnostics now or had them is compared.
  const same = second.files;
  const third = { files: same, found: found([['file:///b', [other]]]) };
  assert.deepEqual(store.update('entry', third).sort(), ['file:///b', 'file:///d']);
  assert.deepEqual(store.diagnosticsFor('file:///b'), [other]);
  assert.deepEqual(store.diagnosticsFor('file:///d'), []);
  assert.deepEqual(store.update('entry', { files: same, found: found([]) }), ['file:///b']);
  assert.deepEqual(store.update('entry', { files: same, found: found([]) }), []);
  // Equal lists in new arrays are not a change.
  const fourth = { files: same, found: found([['file:///a', [{ ...diagnostic }]]]) };
  assert.deepEqual(store.update('entry', fourth), ['file:///a']);
  const fifth = { files: same, found: found([['file:///a', [{ ...diagnostic }]]]) };
  assert.deepEqual(store.update('entry', fifth), []);
  // A second entry contributes to a shared file; removing the first withdraws only its share.
  store.update('other', { files: ['file:///a'], found: found([['file:///a', [other]]]) });
  assert.deepEqual(store.diagnosticsFor('file:///a'), [diagnostic, other]);
  assert.deepEqual(store.remove('entry').sort(), same);
  assert.deepEqual(store.diagnosticsFor('file:///a'), [other]);
  assert.deepEqual(store.diagnosticsFor('file:///b'), []);
});

test('a diagnostic two configs report is merged the same whatever their order', () => {
  const range = { start: { line: 2, character: 4 }, end: { line: 2, character: 9 } };
  const plain: Diagnostic = { range, code: 'file-missing', message: 'm' };
  const withRelated: Diagnostic = {
    ...plain,
    relatedInformation: [{ location: { uri: 'file:///b.conf', range }, message: 'also' }],
  };
  const target = 'file:///site.conf';
  const from = (list: Diagnostic[]) => ({ files: [target], found: new Map([[target, list]]) });
  const merged = (first: [string, Diagnostic], second: [string, Diagnostic]) => {
    const store = new DiagnosticStore();
    store.update(first[0], from([first[1]]));
    store.update(second[0], from([second[1]]));
    return store;
  };
  const a: [string, Diagnostic] = ['file:///a.conf', withRelated];
  const z: [string, Diagnostic] = ['file:///z.conf', plain];
  assert.deepEqual(merged(a, z).diagnosticsFor(target), [withRelated]);
  const store = merged(z, a);
  assert.deepEqual(store.diagnosticsFor(target), [withRelated]);
  // a.conf stops and starts reading the file again: still the same pick.
  store.update(a[0], { files: [], found: new Map() });
  assert.deepEqual(store.diagnosticsFor(target), [plain]);
  store.update(a[0], from([withRelated]));
  assert.deepEqual(store.diagnosticsFor(target), [withRelated]);
});

test('loading an unchanged tree again yields the same vhost sections', () => {
  const root = join(scratch, 'tree');
  mkdirSync(join(root, 'sites'), { recursive: true });
  writeFileSync(
    join(root, 'main.conf'),
    `ServerRoot "${root}"\nDefine NAME a.test\nInclude sites/*.conf\n`,
  );
  writeFileSync(
    join(root, 'sites', 'plain.conf'),
    '<VirtualHost *:443>\nServerName p\n</VirtualHost>\n',
  );
  writeFileSync(
    join(root, 'sites', 'var.conf'),
    '<VirtualHost *:443>\nServerName ${NAME}\n</VirtualHost>\n',
  );
  const first = loadConfig(join(root, 'main.conf'));
  const second = loadConfig(join(root, 'main.conf'));
  const sections = (nodes: typeof first.nodes) => nodes.filter((n) => n.kind === 'section');
  assert.equal(sections(second.nodes)[0], sections(first.nodes)[0], 'an inert section is reused');
  assert.notEqual(
    sections(second.nodes)[1],
    sections(first.nodes)[1],
    'a section with ${} is walked',
  );
  const varName = sections(second.nodes)[1];
  assert.equal(
    varName.kind === 'section' &&
      varName.children[0].kind === 'directive' &&
      varName.children[0].args[0].value,
    'a.test',
  );

  writeFileSync(
    join(root, 'sites', 'plain.conf'),
    '<VirtualHost *:443>\nServerName q\n</VirtualHost>\n',
  );
  const third = loadConfig(join(root, 'main.conf'));
  assert.notEqual(sections(third.nodes)[0], sections(second.nodes)[0], 'an edited file is new');
});

test('an Include of inert files is read again unexpanded, and sees edits and new files', () => {
  const root = join(scratch, 'memo');
  mkdirSync(join(root, 'sites'), { recursive: true });
  writeFileSync(join(root, 'main.conf'), `ServerRoot "${root}"\nInclude sites/*.conf\n`);
  const site = (name: string, server: string) =>
    writeFileSync(
      join(root, 'sites', name),
      `<VirtualHost *:443>\nServerName ${server}\n</VirtualHost>\n`,
    );
  site('a.conf', 'a');
  site('b.conf', 'b');
  const watched = new WatchedFiles(
    () => true,
    () => root,
  );
  const directories = new WatchedDirectoryCache(watched);
  const includeMemo = new IncludeMemo();
  const load = () => loadConfig(join(root, 'main.conf'), { directories, includeMemo });
  const names = (config: ReturnType<typeof load>) =>
    config.nodes.flatMap((n) =>
      n.kind === 'section' && n.children[0]?.kind === 'directive'
        ? [n.children[0].args[0].value]
        : [],
    );

  const first = load();
  const second = load();
  assert.deepEqual(names(second), ['a', 'b']);
  assert.deepEqual(second.nodes, first.nodes);
  assert.equal(second.nodes[1], first.nodes[1], 'the same section objects');
  assert.deepEqual(second.files, first.files);

  site('b.conf', 'b2');
  const third = load();
  assert.deepEqual(names(third), ['a', 'b2'], 'an edited file is read again');
  assert.equal(third.nodes[1], first.nodes[1], 'the others keep their nodes');

  site('c.conf', 'c');
  assert.deepEqual(names(load()), ['a', 'b2'], 'a kept listing does not see a new file yet');
  directories.forgetAll();
  assert.deepEqual(names(load()), ['a', 'b2', 'c'], 'after the create event it does');

  writeFileSync(join(root, 'sites', 'c.conf'), 'Define X 1\n');
  const fourth = load();
  assert.deepEqual(names(fourth), ['a', 'b2'], 'a file no longer inert is loaded the usual way');
  assert.equal(fourth.defines.get('X'), '1');
});
