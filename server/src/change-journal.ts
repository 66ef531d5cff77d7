/**
 * A log of which paths were told changed, in order: a token is a position in it, and `since`
 * answers which paths changed after one. The certificate store keeps one of `forget` calls,
 * the language server's text cache one of config files it dropped; caches of results ask it
 * instead of looking at every file they read.
 */
export class ChangeJournal {
  private readonly entries: (ReadonlySet<string> | 'all')[] = [];
  /** `since` answers by token, until the next entry. */
  private readonly unions = new Map<number, ReadonlySet<string> | 'all'>();

  /** A token for now, to pass to `since` later. */
  token(): number {
    return this.entries.length;
  }

  record(paths: Iterable<string> | 'all'): void {
    this.entries.push(paths === 'all' ? 'all' : new Set(paths));
    this.unions.clear();
  }

  /** Paths recorded after `token`; 'all' when every path was, or the token is not ours. */
  since(token: number): ReadonlySet<string> | 'all' {
    if (!Number.isInteger(token) || token < 0 || token > this.entries.length) return 'all';
    let union = this.unions.get(token);
    if (union === undefined) {
      const named = new Set<string>();
      union = named;
      for (let index = token; index < this.entries.length; index++) {
        const entry = this.entries[index];
        if (entry === 'all') {
          union = 'all';
          break;
        }
        for (const path of entry) named.add(path);
      }
      this.unions.set(token, union);
    }
    return union;
  }
}
