/**
 * Loads the files directives name, once per (path, size, mtime, mode): every call stats the file
 * (unless the caller trusts it, see `PkiStoreOptions`) and re-reads it only when it changed.
 * Directory listings are kept per directory mtime. Certificates are parsed once per content
 * hash (see `parseCertificate`). All file errors become a `FileProblem`; nothing here throws.
 */
import { readdirSync, readFileSync, statSync, type BigIntStats, type Dirent } from 'node:fs';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import { CertificateParseError, parseCertificate } from './certificate';
import { isPrivateKeyLabel, readDerKey, readKey } from './keys';
import { readPem } from './pem';
import { ChangeJournal } from '../change-journal';
import type {
  BadCertificate,
  CertView,
  FileProblem,
  KeyView,
  LoadedPemFile,
  Located,
  PemBlock,
  PathKind,
  PkiStore,
  StoreChanges,
} from './types';

/** How old a directory's mtime must be before its listing is kept (2 s, in ns). */
const RACY_NS = 2_000_000_000n;

const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);

interface CachedFile {
  size: bigint;
  mtimeNs: bigint;
  /** Permission bits are part of the answer (key-permissions), and chmod leaves mtime alone. */
  mode: bigint;
  loaded: LoadedPemFile;
}

/**
 * A store with its own file cache. `load` mirrors mod_ssl's phase-W check (Apache 2.4
 * `ssl_cmd_check_file`): the path must be an existing regular file with size > 0. Every
 * parsable certificate and key block is listed, defective ones included: callers decide
 * from `block.defects` whether OpenSSL would see it (it skips indented and glued blocks).
 */
export function createPkiStore(options: PkiStoreOptions = {}): ForgettingPkiStore {
  const files = new Map<string, CachedFile>();
  const trusted = options.trusted ?? (() => false);
  const trustedDirectory = options.trustedDirectory ?? (() => false);
  /** Paths stat'ed since `forget` last named them: their cached answer may skip the stat. */
  const verified = new Set<string>();

  const load = (localPath: string): LoadedPemFile => {
    const known = files.get(localPath);
    if (known !== undefined && verified.has(localPath)) return known.loaded;
    let stats: BigIntStats;
    try {
      stats = statSync(localPath, { bigint: true });
    } catch (error) {
      files.delete(localPath);
      return withProblem(localPath, statProblem(error), null);
    }
    if (trusted(localPath)) verified.add(localPath);
    if (
      known !== undefined &&
      known.size === stats.size &&
      known.mtimeNs === stats.mtimeNs &&
      known.mode === stats.mode
    ) {
      return known.loaded;
    }
    const loaded = loadFile(localPath, stats);
    files.set(localPath, { size: stats.size, mtimeNs: stats.mtimeNs, mode: stats.mode, loaded });
    return loaded;
  };

  const listings = new Map<string, { mtimeNs: bigint; listing: DirectoryListing }>();
  /** Directories whose cached listing stands without a stat until `forget('all')`. */
  const verifiedDirectories = new Set<string>();
  const list = (localPath: string): string[] => {
    const known = listings.get(localPath);
    if (known !== undefined && verifiedDirectories.has(localPath)) return known.listing.files;
    let stats: BigIntStats;
    try {
      stats = statSync(localPath, { bigint: true });
    } catch {
      listings.delete(localPath);
      return [];
    }
    const cached = listings.get(localPath);
    if (cached !== undefined && cached.mtimeNs === stats.mtimeNs) return cached.listing.files;
    const listing = listDirectory(localPath);
    // A directory's mtime moves when an entry is added, removed or renamed, which covers
    // every change of a listing made of plain entries; a symlink's target may change alone.
    // A directory changed in the last seconds is not kept: on a file system with coarse
    // timestamps a second change could keep the same mtime (git's "racy" entries).
    // A trusted directory is forgotten on the events that change it, so it may be kept now.
    const settled = BigInt(Date.now()) * 1_000_000n - stats.mtimeNs > RACY_NS;
    const trustedNow = trustedDirectory(localPath);
    if (listing.plain && (settled || trustedNow) && stats.isDirectory()) {
      listings.set(localPath, { mtimeNs: stats.mtimeNs, listing });
      if (trustedNow) verifiedDirectories.add(localPath);
    } else {
      listings.delete(localPath);
    }
    return listing.files;
  };

  const kinds = new Map<string, PathKind>();
  const pathKind = (localPath: string): PathKind => {
    const known = kinds.get(localPath);
    if (known !== undefined) return known;
    const kind = statKind(localPath);
    // Only what events will report a change of is kept (a regular file the client watches).
    if (kind === 'file' && trusted(localPath)) kinds.set(localPath, kind);
    return kind;
  };

  /** What each `forget` call named, in call order (a token is a position in it). */
  const journal = new ChangeJournal();
  const changes: StoreChanges = {
    token: () => journal.token(),
    since: (token) => journal.since(token),
    trusted(read, path) {
      if (read === 'load') return verified.has(path);
      if (read === 'listing') return verifiedDirectories.has(path);
      return kinds.has(path);
    },
  };

  const forget = (paths: Iterable<string> | 'all'): void => {
    journal.record(paths);
    if (paths === 'all') {
      verified.clear();
      verifiedDirectories.clear();
      kinds.clear();
      return;
    }
    for (const localPath of paths) {
      verified.delete(localPath);
      kinds.delete(localPath);
    }
  };

  return { load, listDirectory: list, pathKind, forget, changes };
}

function statKind(localPath: string): PathKind {
  try {
    const stats = statSync(localPath);
    if (stats.isDirectory()) return 'directory';
    if (!stats.isFile()) return 'other';
    return stats.size > 0 ? 'file' : 'empty';
  } catch {
    return 'absent';
  }
}

export interface PkiStoreOptions {
  /**
   * Paths whose cached file is answered without a stat until `forget` names them (the
   * language server, for files the client reports changes of). Default: none; every load
   * stats the file.
   */
  trusted?: (localPath: string) => boolean;
  /**
   * Directories whose listing is answered from the cache, without a stat, until
   * `forget('all')` (the language server: folders inside the workspace, which it forgets
   * whenever the client reports a file created or deleted). Default: none.
   */
  trustedDirectory?: (localPath: string) => boolean;
}

/** A store that can be told which files changed (see `PkiStoreOptions.trusted`). */
export interface ForgettingPkiStore extends PkiStore {
  /**
   * The next load of these paths (or of every path) stats the file again, and re-reads it
   * when its size or mtime moved.
   */
  forget(paths: Iterable<string> | 'all'): void;
  changes: StoreChanges;
}

interface DirectoryListing {
  /** Joined paths of the regular files, in byte order. */
  files: string[];
  /** No entry is a symlink or of unknown type: the listing depends on the directory alone. */
  plain: boolean;
}

/**
 * Regular files in a directory (symlinks followed, as OpenSSL's hash lookup does), as
 * joined paths in byte order; empty when the path is not a readable directory. Entry types
 * come from the directory listing itself; only symlinks and unknown types cost a stat.
 */
function listDirectory(localPath: string): DirectoryListing {
  let entries: Dirent[];
  try {
    entries = readdirSync(localPath, { withFileTypes: true });
  } catch {
    return { files: [], plain: false };
  }
  let plain = true;
  const files = entries.filter((entry) => {
    if (entry.isFile()) return true;
    if (!entry.isSymbolicLink() && !isUnknownType(entry)) return false;
    plain = false;
    return isRegularFile(join(localPath, entry.name));
  });
  const sorted = files
    .map((entry) => entry.name)
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return { files: sorted.map((name) => join(localPath, name)), plain };
}

/** Some file systems report DT_UNKNOWN: then only a stat tells. */
function isUnknownType(entry: Dirent): boolean {
  return (
    !entry.isFile() &&
    !entry.isDirectory() &&
    !entry.isSymbolicLink() &&
    !entry.isFIFO() &&
    !entry.isSocket() &&
    !entry.isCharacterDevice() &&
    !entry.isBlockDevice()
  );
}

function isRegularFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function statProblem(error: unknown): FileProblem {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
  return { kind: 'unreadable', reason: typeof code === 'string' ? code : String(error) };
}

function withProblem(path: string, problem: FileProblem, mode: number | null): LoadedPemFile {
  return { path, problem, pem: null, certificates: [], badCertificates: [], keys: [], mode };
}

function loadFile(path: string, stats: BigIntStats): LoadedPemFile {
  const mode = Number(stats.mode & 0o7777n);
  if (stats.isDirectory()) return withProblem(path, { kind: 'directory' }, mode);
  // Never open a FIFO or device: reading could block; Apache refuses them too.
  if (!stats.isFile()) {
    return withProblem(path, { kind: 'unreadable', reason: 'not a regular file' }, mode);
  }
  if (stats.size === 0n) return withProblem(path, { kind: 'empty' }, mode);

  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    return withProblem(path, statProblem(error), mode);
  }

  const pem = readPem(bytes, path);
  const loaded: LoadedPemFile = {
    path,
    problem: null,
    pem,
    certificates: [],
    badCertificates: [],
    keys: [],
    mode,
  };
  if (pem.format === 'der') addDerContent(loaded, new Uint8Array(bytes));
  for (const block of pem.blocks) addBlock(loaded, block);
  return loaded;
}

function addBlock(loaded: LoadedPemFile, block: PemBlock): void {
  if (CERTIFICATE_LABELS.has(block.label)) {
    const parsed = parseBlockCertificate(block);
    if ('reason' in parsed) loaded.badCertificates.push({ ...parsed, file: loaded.path });
    else loaded.certificates.push({ value: parsed, file: loaded.path, block });
  } else if (isPrivateKeyLabel(block.label)) {
    loaded.keys.push({ value: readKey(block), file: loaded.path, block });
  }
}

function parseBlockCertificate(block: PemBlock): CertView | Omit<BadCertificate, 'file'> {
  if (block.der === null) return { block, reason: 'damaged base64 body' };
  try {
    // TRUSTED CERTIFICATE carries OpenSSL trust settings after the certificate itself.
    const der = block.label === 'TRUSTED CERTIFICATE' ? firstElement(block.der) : block.der;
    return parseCertificate(der);
  } catch (error) {
    const reason = error instanceof CertificateParseError ? error.message : 'unparsable';
    return { block, reason };
  }
}

function firstElement(der: Uint8Array): Uint8Array {
  const parsed = asn1js.fromBER(der);
  return parsed.offset > 0 ? der.subarray(0, parsed.offset) : der;
}

/**
 * A DER file holding one certificate or one private key. Its block is synthetic: it spans
 * the whole file in bytes, with an empty LSP range at the file start.
 */
function addDerContent(loaded: LoadedPemFile, der: Uint8Array): void {
  const block = (label: string): PemBlock => ({
    label,
    index: 0,
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    offset: { start: 0, end: der.length },
    headers: {},
    der,
    defects: [],
  });
  try {
    const value = parseCertificate(der);
    loaded.certificates.push({ value, file: loaded.path, block: block('CERTIFICATE') });
    return;
  } catch {
    // Not a certificate; maybe a key.
  }
  const key = readDerKey(der);
  if (key === null) return;
  const located: Located<KeyView> = { value: key.key, file: loaded.path, block: block(key.label) };
  loaded.keys.push(located);
}
