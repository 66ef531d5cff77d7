/**
 * A log of which paths were told changed, in order: a token is a position in it, and `since`
 * answers which paths changed after one. The certificate store keeps one of `forget` calls,
 * the language server's text cache one of config files it dropped; caches of results ask it
 * instead of looking at every file they read.
 *
 * The log is bounded: an 'all' entry drops everything before it (older tokens get 'all'
 * anyway), and past `limit` entries the older half goes. A token from before what is kept
 * gets 'all', so a cache that has not asked for a long time starts over once; it is never
 * told less than what changed.
 */
export class ChangeJournal {
  /** Entries from position `base` on; positions before it are forgotten. */
  private entries: ReadonlySet<string>[] = [];
  private base = 0;
  /** `since` answers by token, until the next entry. */
  private readonly unions = new Map<number, ReadonlySet<string> | 'all'>();

  constructor(private readonly limit = 1024) {}

  /** A token for now, to pass to `since` later. */
  token(): number {
    return this.base + this.entries.length;
  }

  record(paths: Iterable<string> | 'all'): void {
    this.unions.clear();
    if (paths === 'all') {
      // Every token before this one now gets 'all': the older entries can go.
      this.base = this.token() + 1;
      this.entries = [];
      return;
    }
    this.entries.push(new Set(paths));
    if (this.entries.length > this.limit) {
      const dropped = this.entries.length - Math.floor(this.limit / 2);
      this.entries = this.entries.slice(dropped);
      this.base += dropped;
    }
  }

  /** Paths recorded after `token`; 'all' when every path was, or the token is not ours. */
  since(token: number): ReadonlySet<string> | 'all' {
    if (!Number.isInteger(token) || token < this.base || token > this.token()) return 'all';
    let union = this.unions.get(token);
    if (union === undefined) {
      const named = new Set<string>();
      for (let index = token - this.base; index < this.entries.length; index++) {
        for (const path of this.entries[index]) named.add(path);
      }
      union = named;
      this.unions.set(token, union);
    }
    return union;
  }
}
