/**
 * Which files the language server may trust between checks without a stat: those the
 * client's file watcher reports changes of. A watched-file event (or a write of our own)
 * makes the server forget its copy; until then a cached read stands. This is what makes a
 * re-check cost less than stat-ing every file of a 1,000-vhost tree again.
 */
import { realpathSync, type Dirent } from 'node:fs';
import { DISK_DIRECTORIES } from './config/include-files';
import { ChangeJournal } from './change-journal';
import type { DirectoryReader } from './config/types';
import * as path from 'node:path';

/** The names `WATCH_GLOBS` in server.ts asks the client to watch (lower case, as typed). */
const WATCHED_NAME = /(\.(pem|crt|key|cer|der|conf|load)|(^|[/\\])\.httpd-mtls\.json)$/;
/** Folders VS Code leaves out of watching by default (`files.watcherExclude`). */
const UNWATCHED_SEGMENT = /(^|[/\\])(\.git|\.hg|node_modules)([/\\]|$)/;

/**
 * Answers, once per path until it is forgotten (changed, or any file created or deleted),
 * whether the client watches it: the client said it watches files, the path is inside a
 * workspace folder (clients watch nothing else), its name matches the globs, it is outside
 * the default-excluded folders, and no component of it is a symlink (an event names the path
 * that changed, not the links that lead to it).
 */
export class WatchedFiles {
  private readonly answers = new Map<string, boolean>();

  constructor(
    private readonly clientWatches: () => boolean,
    private readonly folderOf: (file: string) => string | undefined,
  ) {}

  covers(file: string): boolean {
    let answer = this.answers.get(file);
    if (answer === undefined) {
      answer = this.decide(file);
      this.answers.set(file, answer);
    }
    return answer;
  }

  /**
   * Whether a folder's listing may be kept until the next created/deleted event: it is inside
   * a workspace folder, outside the unwatched folders, and reached without symlinks. Files
   * of names the client does not watch can appear there unreported (see docs/benchmark.md).
   */
  coversDirectory(directory: string): boolean {
    const key = `${directory}${path.sep}`;
    let answer = this.answers.get(key);
    if (answer === undefined) {
      answer =
        this.clientWatches() &&
        !UNWATCHED_SEGMENT.test(directory) &&
        this.folderOf(directory) !== undefined &&
        realPathIsItself(directory);
      this.answers.set(key, answer);
    }
    return answer;
  }

  /**
   * Whether the client reports the creation of this missing file: a watched name, inside a
   * workspace folder, in a folder reached without symlinks.
   */
  reportsCreation(file: string): boolean {
    return (
      this.clientWatches() &&
      WATCHED_NAME.test(file) &&
      !UNWATCHED_SEGMENT.test(file) &&
      this.folderOf(file) !== undefined &&
      realPathIsItself(path.dirname(file))
    );
  }

  /** After these paths changed (one may have been replaced by a symlink). */
  forget(files: Iterable<string>): void {
    for (const file of files) this.answers.delete(file);
  }

  /** After the client's capabilities or folders change. */
  forgetAll(): void {
    this.answers.clear();
  }

  private decide(file: string): boolean {
    if (!this.clientWatches() || !WATCHED_NAME.test(file) || UNWATCHED_SEGMENT.test(file)) {
      return false;
    }
    return this.folderOf(file) !== undefined && realPathIsItself(file);
  }
}

/** No component of the path is a symlink (events name the path that changed, not links). */
function realPathIsItself(file: string): boolean {
  try {
    return realpathSync.native(file) === path.resolve(file);
  } catch {
    return false;
  }
}

/**
 * Directory entries read from disk, kept for folders inside the workspace until the client
 * reports a file created or deleted (`forgetAll`). Include globs and peer discovery read them.
 */
export class WatchedDirectoryCache implements DirectoryReader {
  private readonly entries = new Map<string, Dirent[]>();

  constructor(private readonly watched: WatchedFiles) {}

  read(directory: string): Dirent[] | Error {
    const cached = this.entries.get(directory);
    if (cached !== undefined) return cached;
    const entries = DISK_DIRECTORIES.read(directory);
    if (!(entries instanceof Error) && this.watched.coversDirectory(directory)) {
      this.entries.set(directory, entries);
    }
    return entries;
  }

  forgetAll(): void {
    this.entries.clear();
  }
}

/** Config texts read from disk, kept for watched files until an event names them. */
export class WatchedTextCache {
  private readonly texts = new Map<string, string>();
  /** Every `forget`, in order: what a re-load must read again (see `TextChanges`). */
  readonly changes = new ChangeJournal();

  constructor(private readonly watched: WatchedFiles) {}

  /** `read`'s answer, from the cache for a watched file read before; no text is not kept. */
  read(file: string, read: (file: string) => string | undefined): string | undefined {
    const cached = this.texts.get(file);
    if (cached !== undefined) return cached;
    const text = read(file);
    if (text !== undefined && this.watched.covers(file)) this.texts.set(file, text);
    return text;
  }

  /** The file's text is kept: `read` answers it from memory until the file is forgotten. */
  holds(file: string): boolean {
    return this.texts.has(file);
  }

  forget(files: Iterable<string>): void {
    const named = [...files];
    for (const file of named) this.texts.delete(file);
    this.changes.record(named);
  }

  forgetAll(): void {
    this.texts.clear();
    this.changes.record('all');
  }
}
