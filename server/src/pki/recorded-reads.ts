/**
 * The answers a computation got from a store (loads, listings, path kinds), kept to tell on a
 * later check whether it would get the same answers again, and so whether its result still
 * holds. The store hands back the same object for a file (and the same array for a listing)
 * while it is unchanged, so "the same" is object identity.
 *
 * With a store that trusts paths (the language server's, see `StoreChanges`), answers that
 * were trusted when read stay right until the store is told their path changed: then only
 * the paths changed since are looked up, not every read. Otherwise every read is asked again.
 */
import type { LoadedPemFile, PathKind, PkiStore, StoreChanges } from './types';

/** Per store: every path any recording read (a superset of what live recordings hold). */
const everRead = new WeakMap<StoreChanges, Set<string>>();
/** Per changed-path set: those of its paths some recording read (most changes touch none). */
const relevant = new WeakMap<ReadonlySet<string>, string[]>();

export class RecordedReads {
  private readonly loads = new Map<string, LoadedPemFile>();
  private readonly listings = new Map<string, string[]>();
  private readonly kinds = new Map<string, PathKind>();
  /** Every answer was trusted when read (see `StoreChanges.trusted`). */
  private allTrusted = true;
  private token: number;

  constructor(private readonly changes: StoreChanges | undefined) {
    this.token = changes?.token() ?? 0;
  }

  /** Every answer was trusted when read: `nothingReadChanged` then vouches for it. */
  get trustedOnly(): boolean {
    return this.changes !== undefined && this.allTrusted;
  }

  /** A store that answers as `pki` does and records every answer. */
  recording(pki: PkiStore): PkiStore {
    return {
      load: (path) => this.noted('load', path, this.loads, pki.load(path)),
      listDirectory: (path) => this.noted('listing', path, this.listings, pki.listDirectory(path)),
      pathKind: (path) => this.noted('kind', path, this.kinds, pki.pathKind(path)),
    };
  }

  /** True when `pki` would answer every recorded read with the same object now. */
  stillSame(pki: PkiStore): boolean {
    if (this.changes !== undefined && this.allTrusted && !this.touchedSinceToken()) {
      this.token = this.changes.token();
      return true;
    }
    for (const [path, answer] of this.loads) if (pki.load(path) !== answer) return false;
    for (const [path, answer] of this.listings)
      if (pki.listDirectory(path) !== answer) return false;
    for (const [path, answer] of this.kinds) if (pki.pathKind(path) !== answer) return false;
    this.allTrusted = this.everyReadTrusted();
    this.token = this.changes?.token() ?? 0;
    return true;
  }

  private noted<T>(
    read: 'load' | 'listing' | 'kind',
    path: string,
    into: Map<string, T>,
    answer: T,
  ): T {
    into.set(path, answer);
    if (this.changes !== undefined) readBy(this.changes).add(path);
    if (this.allTrusted && this.changes?.trusted(read, path) !== true) this.allTrusted = false;
    return answer;
  }

  private touchedSinceToken(): boolean {
    const changes = this.changes as StoreChanges;
    const changed = changes.since(this.token);
    if (changed === 'all') return true;
    let paths = relevant.get(changed);
    if (paths === undefined) {
      const read = readBy(changes);
      paths = [...changed].filter((path) => read.has(path));
      relevant.set(changed, paths);
    }
    for (const path of paths) {
      if (this.loads.has(path) || this.listings.has(path) || this.kinds.has(path)) return true;
    }
    return false;
  }

  private everyReadTrusted(): boolean {
    const changes = this.changes;
    if (changes === undefined) return false;
    for (const path of this.loads.keys()) if (!changes.trusted('load', path)) return false;
    for (const path of this.listings.keys()) if (!changes.trusted('listing', path)) return false;
    for (const path of this.kinds.keys()) if (!changes.trusted('kind', path)) return false;
    return true;
  }
}

/**
 * True when no path any recording read has been forgotten since `token`: then every
 * recording whose answers were all trusted (`trustedOnly`) and that held at `token` still
 * holds, with no look at its reads. A site file edit forgets only the site file, which no
 * recording reads, so a re-check can keep thousands of results at the cost of one test.
 */
export function nothingReadChanged(changes: StoreChanges, token: number): boolean {
  const changed = changes.since(token);
  if (changed === 'all') return false;
  const read = readBy(changes);
  for (const path of changed) if (read.has(path)) return false;
  return true;
}

function readBy(changes: StoreChanges): Set<string> {
  let paths = everRead.get(changes);
  if (paths === undefined) {
    paths = new Set();
    everRead.set(changes, paths);
  }
  return paths;
}
