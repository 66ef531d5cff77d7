/**
 * File watching for what the client does not report (files outside the workspace or reached
 * through a symlink, everything for a plain stdio client): node fs.watch on exactly the files
 * and folders the open configs depend on, and on the folder of each, for events naming it.
 * The folder sees a file created, deleted or replaced by a rename (a symlink swapped, as
 * certbot renews); the file's own watch sees writes to it, also through a symlink.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from './logger';

export class FallbackWatcher {
  /** Watched path (a dependency, or the folder of a missing one) -> its watcher. */
  private readonly watchers = new Map<string, fs.FSWatcher>();
  /** Dependencies that exist, watched as themselves: any event on them is a change. */
  private readonly present = new Set<string>();
  /** The regular files among `present` (a folder's watcher outlives renames inside it). */
  private readonly files = new Set<string>();
  /** Folder of dependencies -> their names in it. */
  private readonly namesIn = new Map<string, Set<string>>();
  /**
   * For dependencies whose folder does not exist yet: the nearest existing ancestor -> the
   * next name on the way down -> those dependencies (certbot makes live/NAME/ on first run).
   */
  private readonly awaiting = new Map<string, Map<string, Set<string>>>();

  constructor(
    private readonly onChange: (file: string) => void,
    private readonly logger: Logger,
  ) {}

  /** Watches exactly `dependencies` from now on (starting and stopping watchers as needed). */
  watch(dependencies: Set<string>): void {
    this.present.clear();
    this.files.clear();
    this.namesIn.clear();
    this.awaiting.clear();
    const wanted = new Set<string>();
    for (const dependency of dependencies) this.plan(dependency, wanted);

    for (const [watched, watcher] of this.watchers) {
      if (wanted.has(watched)) continue;
      watcher.close();
      this.watchers.delete(watched);
    }
    for (const target of wanted) {
      if (!this.watchers.has(target)) this.start(target);
    }
  }

  dispose(): void {
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }

  /** Adds to `wanted` what to watch for one dependency: itself if it exists, its folder. */
  private plan(dependency: string, wanted: Set<string>): void {
    let stats: fs.Stats | null = null;
    try {
      stats = fs.statSync(dependency);
    } catch {
      // Missing (or unreachable): its folder reports it appearing.
    }
    if (stats !== null) {
      wanted.add(dependency);
      this.present.add(dependency);
      if (!stats.isDirectory()) this.files.add(dependency);
    }
    const folder = path.dirname(dependency);
    const names = this.namesIn.get(folder) ?? new Set<string>();
    names.add(path.basename(dependency));
    this.namesIn.set(folder, names);
    if (folder === dependency) return;
    if (fs.existsSync(folder)) {
      wanted.add(folder);
      return;
    }
    let next = folder;
    let ancestor = path.dirname(folder);
    while (ancestor !== next && !fs.existsSync(ancestor)) {
      next = ancestor;
      ancestor = path.dirname(ancestor);
    }
    if (ancestor === next) return;
    const byName = this.awaiting.get(ancestor) ?? new Map<string, Set<string>>();
    const waiting = byName.get(path.basename(next)) ?? new Set<string>();
    waiting.add(dependency);
    byName.set(path.basename(next), waiting);
    this.awaiting.set(ancestor, byName);
    wanted.add(ancestor);
  }

  private start(target: string): void {
    try {
      const watcher = fs.watch(target, { persistent: false }, (event, name) => {
        // A folder can be a dependency itself (a listed folder) and hold others.
        if (this.present.has(target)) this.onChange(target);
        const names = this.namesIn.get(target);
        const entry = name === null ? null : name.toString();
        if (names !== undefined && entry !== null && names.has(entry)) {
          this.onChange(path.join(target, entry));
        }
        // A folder on the way to a missing dependency appeared: watch further down.
        const waiting = entry === null ? undefined : this.awaiting.get(target)?.get(entry);
        for (const dependency of waiting ?? []) this.restart(dependency);
        // On Linux a watch follows the inode: a file replaced by a rename (editors, sed -i,
        // certbot's symlink swap) or deleted gets no more events, so it is watched anew.
        if (event === 'rename' && this.files.has(target)) this.restart(target);
      });
      watcher.on('error', (error) => {
        this.logger.warn(`Stopped watching ${target}`, error);
        watcher.close();
        this.watchers.delete(target);
      });
      this.watchers.set(target, watcher);
    } catch (error) {
      this.logger.warn(`Cannot watch ${target}`, error);
    }
  }

  /** Plans `dependency` again (its inode or its way changed); reports it if it is there now. */
  private restart(dependency: string): void {
    this.watchers.get(dependency)?.close();
    this.watchers.delete(dependency);
    this.present.delete(dependency);
    this.files.delete(dependency);
    const wanted = new Set<string>();
    this.plan(dependency, wanted);
    for (const target of wanted) {
      if (!this.watchers.has(target)) this.start(target);
    }
    // It may have appeared before the new watch began (a folder and file made at once).
    if (this.present.has(dependency)) this.onChange(dependency);
  }
}
