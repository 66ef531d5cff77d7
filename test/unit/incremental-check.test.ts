/**
 * Differential test of incremental re-checks: a generated ServerRoot tree takes a seeded random
 * sequence of edits (site files, main config, Defines, certificate and key files, modes, files
 * created and deleted), and after each edit a check through long-lived caches must equal a fresh
 * check of the same tree. Two variants: a store that trusts every file and is told what changed
 * the way server.ts `forgetFiles` does, and an untrusted store (stat on every load) told nothing.
 * Some edits happen in unsaved editor buffers of site files (and buffers get closed): the
 * trusting variant reads them through document-check's `editorSource`, as the server does.
 * File and directory mtimes are set explicitly to a strictly increasing clock in the past, so a
 * stat-based cache never sees two contents under one mtime and directory listings are "settled".
 * INCREMENTAL_SEED=N picks another sequence (default 1); a mismatch prints the edits so far.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import {
  checkConfig,
  createCheckCache,
  type CheckCache,
  type CheckOptions,
} from '../../server/src/engine';
import { createPkiStore, type ForgettingPkiStore } from '../../server/src/pki/store';
import type { Finding } from '../../server/src/findings';
import type { PkiStore } from '../../server/src/pki/types';
import type { KnownPeers } from '../../server/src/rules/types';
import {
  WatchedDirectoryCache,
  WatchedFiles,
  WatchedTextCache,
} from '../../server/src/watched-files';
import { editorSource } from '../../server/src/document-check';

const PKI = resolve(__dirname, '../fixtures/pki');
const RULES = resolve(__dirname, '../fixtures/rules');
/** After the fixtures' notBefore (make.sh issues them on the day it runs) and before expiry. */
const AT = new Date('2030-01-01T00:00:00Z');
const EDITS = 160;
const SEED = Number(process.env.INCREMENTAL_SEED ?? '1');

/** Fixture files a certificate slot may be rewritten with (from test/fixtures/pki). */
const CERT_CONTENTS = (
  'server.crt leaf-int1.crt leaf-int2.crt expired.crt not-yet-valid.crt cn-only.crt ' +
  'self-signed-leaf.crt ca-as-leaf.crt client.crt client.der serveronly.crt ' +
  'bad-signature.crt root.crt glued-bundle.pem mismatched-bundle.pem client-bundle.pem ' +
  'ca-bundle.pem intermediates.pem ../rules/weak-crypto-rsa1024.crt'
).split(' ');
/** Fixture files a key slot may be rewritten with. */
const KEY_CONTENTS = (
  'server.key leaf-int1.key leaf-int2.key client.key client.enc.key ec.key other.key ' +
  'root.key expired.key client.pk8.key client.key.der'
).split(' ');
const SLOTS = ['s1', 's2', 's3', 's4', 's5', 's6'];
/** Files under the root that edits rewrite, delete and create again. */
const CERTIFICATE_FILES = [
  ...SLOTS.flatMap((slot) => [`certs/${slot}.crt`, `certs/${slot}.key`]),
  'certs/chain.pem',
  'certs/proxy-client.pem',
  'certs/ca-bundle.pem',
  'peers/backend.crt',
  'peers/client.crt',
];

/** Choices per directive line of a vhost; null leaves the line out. Order is render order. */
const VHOST_LINES: (string | null)[][] = [
  ['SSLEngine on', 'SSLEngine off', null],
  [
    ...SLOTS.map((s) => `SSLCertificateFile certs/${s}.crt`),
    'SSLCertificateFile ${CERTS}/s1.crt',
    'SSLCertificateFile certs/absent.crt',
    null,
  ],
  [...SLOTS.map((s) => `SSLCertificateKeyFile certs/${s}.key`), null],
  ['SSLCertificateChainFile certs/chain.pem', null],
  ['SSLVerifyClient require', 'SSLVerifyClient optional', 'SSLVerifyClient none', null],
  ['SSLVerifyDepth 1', 'SSLVerifyDepth 3', 'SSLVerifyDepth ${DEPTH}', 'SSLVerifyDepth deep', null],
  ['SSLCACertificateFile certs/ca.crt', 'SSLCACertificateFile ${CERTS}/ca-bundle.pem', null],
  ['SSLProxyEngine on', 'SSLProxyEngine off', null],
  ['SSLProxyVerify require', 'SSLProxyVerify none', null],
  ['SSLProxyVerifyDepth 1', 'SSLProxyVerifyDepth ${DEPTH}', null],
  ['SSLProxyCACertificateFile certs/ca-bundle.pem', 'SSLProxyCACertificateFile certs/ca.crt', null],
  ['SSLProxyCheckPeerName off', null],
  [
    'SSLProxyMachineCertificateFile certs/proxy-client.pem',
    'SSLProxyMachineCertificateFile certs/s2.crt',
    null,
  ],
  ['ProxyPreserveHost On', null],
  [
    'ProxyPass "/" "https://${BACKEND}:9443/"',
    'ProxyPass "/" "https://backend.test:9443/"',
    'ProxyPass "/" "http://backend.test:8080/"',
    'ProxyPass "/api/" "https://127.0.0.1:9443/"',
    '<Location "/x/">\n    ProxyPass "https://other.test:9443/"\n</Location>',
    null,
  ],
  [
    'SSLVerifyDeph 2',
    'SSLCARevocationCheck chain',
    '<Location "/z/">\n    SSLCACertificateFile certs/ca.crt\n</Location>',
    '</Location>',
    null,
  ],
];

/** Choices per line of apache2.conf after ServerRoot, before the Include; same shape. */
const MAIN_LINES: (string | null)[][] = [
  ['Define CERTS certs', 'Define CERTS elsewhere', null],
  ['Define BACKEND backend.test', 'Define BACKEND other.test', 'Define BACKEND 127.0.0.1'],
  ['Define DEPTH 2', 'Define DEPTH 1', 'Define DEPTH 4'],
  ['ServerName main.test', null],
  [null, 'Include conf-extra/*.conf'],
  ['Listen 443'],
  ['SSLCACertificateFile certs/ca.crt', 'SSLCACertificateFile certs/chain.pem', null],
  ['SSLVerifyDepth 3', 'SSLVerifyDepth 1', null],
  ['SSLProxyEngine on', null],
  ['SSLProxyCACertificateFile certs/ca-bundle.pem', null],
  ['SSLCertificateFile certs/s1.crt\nSSLCertificateKeyFile certs/s1.key', null],
  [
    '<Proxy "https://backend.test:9443/*">\n    SSLProxyCheckPeerName off\n</Proxy>',
    '<Proxy "https://${BACKEND}:9443/*">\n    SSLProxyEngine on\n    SSLProxyVerify none\n</Proxy>',
    null,
  ],
];

/** A seeded PRNG (mulberry32): the same seed gives the same edit sequence on every machine. */
function randomSource(seed: number): { int: (n: number) => number; pick: <T>(xs: T[]) => T } {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return { int, pick: (xs) => xs[int(xs.length)] };
}

/** A config file as choices made per line plus blank lines inserted (0-based line indexes). */
interface ConfigText {
  choices: number[];
  blanksAt: number[];
}

interface Site {
  name: string;
  /**
   * Written without `${VAR}` (values put in) to `sites-plain/`: an Include of such files is
   * kept by the loader's include memo (include-memo.ts), which re-reads only changed files.
   */
  plain: boolean;
  ports: number[];
  vhosts: ConfigText[];
}

/** The tree on disk, kept in memory so edits can re-render a file. */
class Tree {
  readonly root = fs.realpathSync(fs.mkdtempSync(join(tmpdir(), 'incremental-check-')));
  readonly entry = join(this.root, 'apache2.conf');
  readonly main: ConfigText;
  readonly sites: Site[] = [];
  /** Unsaved editor buffers of site files, by path: they win over the disk. */
  readonly buffers = new Map<string, string>();
  private clock = 1_600_000_000;
  private nextSite = 0;

  constructor(private readonly random: ReturnType<typeof randomSource>) {
    this.main = { choices: MAIN_LINES.map(() => 0), blanksAt: [] };
    fs.mkdirSync(join(this.root, 'certs'));
    fs.mkdirSync(join(this.root, 'peers'));
    fs.mkdirSync(join(this.root, 'sites-enabled'));
    fs.mkdirSync(join(this.root, 'sites-plain'));
    SLOTS.forEach((slot, index) => {
      this.copy(`certs/${slot}.crt`, index % 2 === 0 ? 'server.crt' : 'leaf-int1.crt');
      this.copy(`certs/${slot}.key`, index % 2 === 0 ? 'server.key' : 'leaf-int1.key');
    });
    this.copy('certs/ca.crt', 'root.crt');
    this.copy('certs/ca-bundle.pem', 'ca-bundle.pem');
    this.copy('certs/chain.pem', 'intermediates.pem');
    this.copy('certs/proxy-client.pem', 'client-bundle.pem');
    this.copy('peers/backend.crt', 'leaf-int1.crt');
    this.copy('peers/client.crt', 'client.crt');
    for (let i = 0; i < 7; i++) this.addSite();
    this.writeMain();
    for (const dir of ['', 'certs', 'peers', 'sites-enabled', 'sites-plain']) {
      this.touch(join(this.root, dir));
    }
  }

  /** Absolute path of a file under the root. */
  path(name: string): string {
    return join(this.root, name);
  }

  /** Sets the file's mtime to the next tick of a clock in the past (never sleeps). */
  touch(file: string): void {
    this.clock += 1;
    fs.utimesSync(file, this.clock, this.clock);
  }

  copy(name: string, fixture: string): void {
    const file = this.path(name);
    fs.writeFileSync(file, fs.readFileSync(join(PKI, fixture)), { mode: 0o600 });
    this.touch(file);
  }

  writeMain(): void {
    const lines = [`ServerRoot "${this.root}"`, ...renderLines(this.main, MAIN_LINES)];
    const includes = ['IncludeOptional sites-enabled/*.conf', 'IncludeOptional sites-plain/*.conf'];
    this.write(this.entry, [...lines, ...includes]);
  }

  writeSite(site: Site): void {
    this.write(this.sitePath(site), this.siteLines(site));
  }

  /** The site as an unsaved buffer holds it (the disk keeps what was written last). */
  bufferSite(site: Site): void {
    this.buffers.set(this.sitePath(site), `${this.siteLines(site).join('\n')}\n`);
  }

  private siteLines(site: Site): string[] {
    const lines = site.vhosts.flatMap((vhost, index) => [
      `<VirtualHost *:${site.ports[index]}>`,
      `    ServerName ${site.name}.test`,
      ...renderLines(vhost, VHOST_LINES).map((line) => indent(line)),
      '</VirtualHost>',
    ]);
    if (!site.plain) return lines;
    return lines.map((line) =>
      line
        .replaceAll('${CERTS}', 'certs')
        .replaceAll('${DEPTH}', '2')
        .replaceAll('${BACKEND}', 'backend.test'),
    );
  }

  sitePath(site: Site): string {
    return this.path(`sites-${site.plain ? 'plain' : 'enabled'}/${site.name}.conf`);
  }

  addSite(): Site {
    this.nextSite += 1;
    const vhosts = Array.from({ length: 1 + this.random.int(2) }, () => ({
      choices: VHOST_LINES.map((choices) => this.random.int(choices.length)),
      blanksAt: [],
    }));
    const ports = vhosts.map((_, i) => 8000 + this.nextSite * 10 + i);
    const plain = this.random.int(2) === 0;
    const site: Site = { name: `site-${this.nextSite}`, plain, ports, vhosts };
    this.sites.push(site);
    this.writeSite(site);
    return site;
  }

  private write(file: string, lines: string[]): void {
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    this.touch(file);
  }
}

function indent(line: string): string {
  return line
    .split('\n')
    .map((part) => `    ${part}`)
    .join('\n');
}

/** The chosen lines with the blank lines inserted (an index past the end appends). */
function renderLines(text: ConfigText, table: (string | null)[][]): string[] {
  const lines = table.flatMap((choices, i) => {
    const line = choices[text.choices[i]];
    return line === null ? [] : line.split('\n');
  });
  for (const at of text.blanksAt) lines.splice(Math.min(at, lines.length), 0, '');
  return lines;
}

/** What the client's file watcher would report for an edit (server.ts onFilesChanged). */
interface Change {
  files: string[];
  createdOrDeleted: boolean;
}

/** Applies one random edit to the tree; returns its description and the watcher event. */
function applyRandomEdit(
  tree: Tree,
  random: ReturnType<typeof randomSource>,
  edits: number,
): { what: string; change: Change } {
  const changed = (what: string, file: string) => ({
    what,
    change: { files: [file], createdOrDeleted: false },
  });
  const createdOrDeleted = (what: string, file: string) => ({
    what,
    change: { files: [file], createdOrDeleted: true },
  });
  const kind = random.int(14);
  if (kind >= 12) {
    // No file event: the server sees didChange/didClose and reads buffers first.
    const unchanged = { files: [], createdOrDeleted: false };
    const open = [...tree.buffers.keys()];
    if (kind === 13 && open.length > 0) {
      const file = random.pick(open);
      tree.buffers.delete(file);
      return { what: `buffer of ${relative(tree.root, file)} closed unsaved`, change: unchanged };
    }
    const site = random.pick(tree.sites);
    const line = random.int(VHOST_LINES.length);
    const choice = random.int(VHOST_LINES[line].length);
    site.vhosts[random.int(site.vhosts.length)].choices[line] = choice;
    tree.bufferSite(site);
    const what = `${site.name} in a buffer: ${lineChoice(VHOST_LINES, line, choice)}`;
    return { what, change: unchanged };
  }
  if (kind <= 2) {
    const site = random.pick(tree.sites);
    const vhost = random.int(site.vhosts.length);
    const line = random.int(VHOST_LINES.length);
    const choice = random.int(VHOST_LINES[line].length);
    site.vhosts[vhost].choices[line] = choice;
    tree.writeSite(site);
    const what = `${site.name} vhost ${vhost}: ${lineChoice(VHOST_LINES, line, choice)}`;
    return changed(what, tree.sitePath(site));
  }
  if (kind === 3) {
    const site = random.pick(tree.sites);
    const at = random.int(12);
    site.vhosts[random.int(site.vhosts.length)].blanksAt.push(at);
    tree.writeSite(site);
    return changed(`${site.name}: blank line at ${at}`, tree.sitePath(site));
  }
  if (kind <= 5) {
    const name = random.pick(CERTIFICATE_FILES);
    const fixture =
      name.endsWith('.key') && random.int(5) > 0
        ? random.pick(KEY_CONTENTS)
        : random.pick(CERT_CONTENTS);
    const existed = fs.existsSync(tree.path(name));
    tree.copy(name, fixture);
    if (existed) return changed(`${name} := ${fixture}`, tree.path(name));
    tree.touch(dirname(tree.path(name)));
    return createdOrDeleted(`${name} created as ${fixture}`, tree.path(name));
  }
  if (kind === 6) {
    const file = tree.path('certs/ca.crt');
    fs.appendFileSync(file, '\n');
    tree.touch(file);
    return changed('certs/ca.crt += newline', file);
  }
  if (kind === 7) {
    // Deleting only would leave few files to check: past two missing, one comes back instead.
    if (random.int(3) === 0) {
      // A name no listing had before: only a fresh directory read finds it.
      const name = `${random.pick(['certs', 'peers'])}/new-${edits}.${random.pick(['pem', 'key'])}`;
      tree.copy(name, random.pick([...CERT_CONTENTS, ...KEY_CONTENTS]));
      tree.touch(dirname(tree.path(name)));
      return createdOrDeleted(`${name} created`, tree.path(name));
    }
    const missing = CERTIFICATE_FILES.filter((name) => !fs.existsSync(tree.path(name)));
    if (missing.length >= 2) {
      const name = random.pick(missing);
      tree.copy(name, random.pick(name.endsWith('.key') ? KEY_CONTENTS : CERT_CONTENTS));
      tree.touch(dirname(tree.path(name)));
      return createdOrDeleted(`${name} created again`, tree.path(name));
    }
    const name = random.pick(CERTIFICATE_FILES);
    const file = tree.path(name);
    fs.rmSync(file, { force: true });
    tree.touch(dirname(file));
    return createdOrDeleted(`${name} deleted`, file);
  }
  if (kind === 8) {
    if (tree.sites.length < 10 && random.int(2) === 0) {
      const site = tree.addSite();
      tree.touch(dirname(tree.sitePath(site)));
      return createdOrDeleted(`${site.name} created`, tree.sitePath(site));
    }
    if (tree.sites.length > 4) {
      const [site] = tree.sites.splice(random.int(tree.sites.length), 1);
      fs.rmSync(tree.sitePath(site));
      tree.touch(dirname(tree.sitePath(site)));
      return createdOrDeleted(`${site.name} deleted`, tree.sitePath(site));
    }
    return changed('nothing', tree.entry);
  }
  if (kind <= 10) {
    // Lines 0-2 are the Defines the vhosts use; pick them as often as the rest together.
    const line = random.int(2) === 0 ? random.int(3) : random.int(MAIN_LINES.length);
    if (random.int(6) === 0) tree.main.blanksAt.push(random.int(14));
    else tree.main.choices[line] = random.int(MAIN_LINES[line].length);
    tree.writeMain();
    const what = `main: ${lineChoice(MAIN_LINES, line, tree.main.choices[line])}`;
    return changed(what, tree.entry);
  }
  const key = tree.path(`certs/${random.pick(SLOTS)}.key`);
  if (!fs.existsSync(key)) return changed('nothing', tree.entry);
  const mode = (fs.statSync(key).mode & 0o777) === 0o600 ? 0o644 : 0o600;
  fs.chmodSync(key, mode);
  return changed(`chmod ${mode.toString(8)} ${relative(tree.root, key)}`, key);
}

/** A chosen line for the edit log: its first line, or `- Name` when the line is left out. */
function lineChoice(table: (string | null)[][], line: number, choice: number): string {
  const text = table[line][choice];
  if (text !== null) return text.split('\n')[0];
  const named = table[line].find((c) => c !== null) ?? '';
  return `- ${named.split(' ')[0]}`;
}

/** A long-lived checker of one entry, as the language server keeps one per open config. */
interface IncrementalChecker {
  /** Options for the next check, with these unsaved buffers open. */
  options(buffers: ReadonlyMap<string, string>): CheckOptions;
  notify(change: Change): void;
}

/**
 * A check cache bound to its store, as server.ts makes it: a store with a change journal lets
 * re-checks skip asking again for unchanged files. Typed to compile whether or not
 * `createCheckCache` takes the store (it ignores an argument it does not declare).
 */
const cacheFor: (pki?: PkiStore) => CheckCache = createCheckCache;

/** Trusts every file and folder; forgets exactly as server.ts forgetFiles does. */
function trustingChecker(root: string): IncrementalChecker {
  const watched = new WatchedFiles(
    () => true,
    (file) => (file.startsWith(`${root}/`) || file === root ? root : undefined),
  );
  const pki: ForgettingPkiStore = createPkiStore({
    trusted: () => true,
    trustedDirectory: () => true,
  });
  const texts = new WatchedTextCache(watched);
  const directories = new WatchedDirectoryCache(watched);
  const cache = cacheFor(pki);
  return {
    options: (buffers) => ({ cache, pki, directories, files: editorSource(buffers, texts, cache) }),
    notify({ files: paths, createdOrDeleted }) {
      if (createdOrDeleted) {
        watched.forgetAll();
        pki.forget('all');
        texts.forgetAll();
        directories.forgetAll();
        return;
      }
      watched.forget(paths);
      pki.forget(paths);
      texts.forget(paths);
    },
  };
}

/** Stats every file on every check and is never told anything. */
function statingChecker(): IncrementalChecker {
  const pki = createPkiStore();
  const cache = cacheFor(pki);
  return {
    options: (buffers) => ({ cache, pki, files: editorSource(buffers, undefined, undefined) }),
    notify: () => {},
  };
}

/** Checks through the caches and afresh; fails with the edits so far when they differ. */
function assertSameAsFresh(
  tree: Tree,
  shared: CheckOptions,
  checker: IncrementalChecker,
  edits: string[],
): void {
  const entry = tree.entry;
  const incremental = checkConfig(entry, { ...shared, ...checker.options(tree.buffers) });
  const files = editorSource(tree.buffers, undefined, undefined);
  const fresh = checkConfig(entry, { ...shared, pki: createPkiStore(), files });
  const context = `after ${edits.length} edits (seed ${SEED}):\n  ${edits.join('\n  ')}`;
  assert.deepEqual(incremental.internalErrors, [], context);
  assert.deepEqual(fresh.internalErrors, [], context);
  const differences = findingDifferences(incremental.findings, fresh.findings);
  if (differences !== '') assert.fail(`findings differ ${context}\n${differences}`);
  assert.deepEqual(incremental.findings, fresh.findings, `findings order differs ${context}`);
  // Files reused results depend on are carried over from earlier checks (engine CheckCache):
  // a superset of what a fresh check reads. Extra ones only cause an extra re-check.
  const missingFiles = onlyIn(fresh.referencedFiles, incremental.referencedFiles);
  if (missingFiles.length > 0) {
    assert.fail(`referenced files missing ${context}\n  fresh only: ${missingFiles.join(' ')}`);
  }
}

/** Items of `xs` that `ys` lacks. */
function onlyIn(xs: string[], ys: string[]): string[] {
  const others = new Set(ys);
  return xs.filter((x) => !others.has(x));
}

/** One line per finding only one side has (rule, file, 1-based line, message), or ''. */
function findingDifferences(incremental: Finding[], fresh: Finding[]): string {
  const line = (f: Finding) =>
    `${f.rule} ${f.file}:${f.range.start.line + 1}:${f.range.start.character} ${f.message}`;
  const a = incremental.map(line);
  const b = fresh.map(line);
  return [
    ...onlyIn(a, b).map((x) => `  incremental only: ${x}`),
    ...onlyIn(b, a).map((x) => `  fresh only:       ${x}`),
  ].join('\n');
}

function runSequence(makeChecker: (root: string) => IncrementalChecker): void {
  const random = randomSource(SEED);
  const tree = new Tree(random);
  try {
    const shared: CheckOptions = { at: AT, discoverPeersIn: tree.root };
    const checker = makeChecker(tree.root);
    const edits: string[] = [];
    assertSameAsFresh(tree, shared, checker, edits);
    for (let i = 0; i < EDITS; i++) {
      const edit = applyRandomEdit(tree, random, i);
      edits.push(edit.what);
      checker.notify(edit.change);
      assertSameAsFresh(tree, shared, checker, edits);
    }
  } finally {
    fs.rmSync(tree.root, { recursive: true, force: true });
  }
}

test('incremental: trusted store told of each change equals a fresh check', () => {
  runSequence((root) => trustingChecker(root));
});

test('incremental: untrusted store (stat every load) equals a fresh check', () => {
  runSequence(() => statingChecker());
});

function peersFor(conf: string): KnownPeers {
  const sidecar = conf.replace(/\.conf$/, '.peers.json');
  if (!fs.existsSync(sidecar)) return { clients: [], backends: [] };
  const raw = JSON.parse(fs.readFileSync(sidecar, 'utf8')) as Partial<KnownPeers>;
  return {
    clients: (raw.clients ?? []).map((c) => ({ ...c, certificate: join(RULES, c.certificate) })),
    backends: (raw.backends ?? []).map((b) => ({
      ...b,
      certificate: b.certificate ? join(RULES, b.certificate) : undefined,
    })),
  };
}

test('incremental: every rule fixture checked twice through one cache equals a fresh check', () => {
  const pki = createPkiStore();
  for (const name of fs
    .readdirSync(RULES)
    .filter((f) => f.endsWith('.conf'))
    .sort()) {
    const conf = join(RULES, name);
    const options: CheckOptions = { serverRoot: RULES, peers: peersFor(conf), at: AT };
    const cache = createCheckCache();
    checkConfig(conf, { ...options, cache, pki });
    const cached = checkConfig(conf, { ...options, cache, pki });
    const fresh = checkConfig(conf, { ...options, pki: createPkiStore() });
    assert.deepEqual(cached.findings, fresh.findings, name);
    assert.deepEqual(new Set(cached.referencedFiles), new Set(fresh.referencedFiles), name);
  }
});
