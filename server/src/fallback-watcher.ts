/**
 * File watching for clients that cannot register workspace/didChangeWatchedFiles (e.g. a
 * plain stdio client): node fs.watch on exactly the files the open configs depend on.
 * Watching folders instead would also see files being created; files that do not exist yet
 * are therefore watched through their folder, when the folder exists.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from './logger';

export class FallbackWatcher {
  /** Watched path (file, or folder of a missing file) -> its watcher. */
  private readonly watchers = new Map<string, fs.FSWatcher>();
  /** Folder being watched for missing files -> the missing file names in it. */
  private readonly missingIn = new Map<string, Set<string>>();

  constructor(
    private readonly onChange: (file: string) => void,
    private readonly logger: Logger,
  ) {}

  /** Watches exactly `files` from now on (starting and stopping watchers as needed). */
  watch(files: Set<string>): void {
    const wanted = new Set<string>();
    this.missingIn.clear();
    for (const file of files) {
      if (fs.existsSync(file)) {
        wanted.add(file);
        continue;
      }
      const folder = path.dirname(file);
      const names = this.missingIn.get(folder) ?? new Set<string>();
      names.add(path.basename(file));
      this.missingIn.set(folder, names);
      if (fs.existsSync(folder)) wanted.add(folder);
    }

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

  private start(target: string): void {
    try {
      const watcher = fs.watch(target, { persistent: false }, (_event, name) => {
        const names = this.missingIn.get(target);
        if (names === undefined) this.onChange(target);
        else if (name !== null && names.has(name.toString())) {
          this.onChange(path.join(target, name.toString()));
        }
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
}
