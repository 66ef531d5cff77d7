/**
 * Which files an `Include`/`IncludeOptional` argument names, as Apache 2.4 expands it
 * (server/config.c `ap_process_fnmatch_configs`, server/util.c `ap_dir_nofnmatch`,
 * `ap_dir_fnmatch`):
 * - no wildcard: a file is itself; a directory is every file below it, recursively, dotfiles
 *   and editor backups included, `.` and `..` skipped, each directory in byte order;
 * - wildcards are matched one path component at a time with fnmatch and FNM_PERIOD (a
 *   leading dot must be matched literally); a wildcard in an intermediate component matches
 *   directories only; matches are taken in byte order, and matched directories are recursed;
 * - `optional` (IncludeOptional): a missing file, a missing directory, or a wildcard with no
 *   match is silently nothing.
 * Works on local (already mapped) absolute paths. Never throws.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import type { DirectoryReader } from './types';
import { keptFor } from '../kept-for';

/** httpd's AP_MAX_FNMATCH_DIR_DEPTH. */
const MAX_DIRECTORY_DEPTH = 128;
/** Far above any real config; keeps a runaway glob bounded. */
export const MAX_INCLUDED_FILES = 50_000;

export interface IncludeExpansion {
  /** Local paths of the files to read, in the order httpd reads them. */
  files: string[];
  /** httpd's error texts; httpd stops at the first, the checker keeps what it found. */
  errors: string[];
}

/** Whether the path has a wildcard, as `apr_fnmatch_test`. */
export function hasWildcard(pattern: string): boolean {
  let nesting = 0;
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];
    if (char === '?' || char === '*') return true;
    if (char === '\\') {
      index++;
      if (index >= pattern.length) return false;
    } else if (char === '[') {
      nesting++;
    } else if (char === ']' && nesting > 0) {
      return true;
    }
  }
  return false;
}

type Kind = 'file' | 'directory' | 'missing';

function kindOf(target: string): Kind {
  try {
    const stats = fs.statSync(target);
    return stats.isDirectory() ? 'directory' : 'file';
  } catch {
    return 'missing';
  }
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** UTF-8 byte order (httpd sorts with strcmp); UTF-16 order agrees unless a surrogate is in. */
function byteOrder(left: string, right: string): number {
  if (SURROGATE.test(left) || SURROGATE.test(right)) {
    return Buffer.compare(Buffer.from(left), Buffer.from(right));
  }
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Reads from the disk, every time. */
export const DISK_DIRECTORIES: DirectoryReader = {
  read(directory) {
    try {
      return fs.readdirSync(directory, { withFileTypes: true });
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  },
};

/** Names matching a pattern, per sorted name list (kept while the list is). */
const matchesPerList = new WeakMap<string[], Map<string, string[]>>();

function matchingNames(names: string[], pattern: string): string[] {
  return keptFor(matchesPerList, names, pattern, () => {
    const matches = componentMatcher(pattern);
    return names.filter((name) => matches(name));
  });
}

/** `base/name` for each name, kept per name list and base. */
const joinedPerList = new WeakMap<string[], Map<string, string[]>>();

function joinedPaths(base: string, names: string[]): string[] {
  return keptFor(joinedPerList, names, base, () => names.map((name) => path.join(base, name)));
}

/** Sorted names per entry list: a cached reader hands back the same list while unchanged. */
const sortedNames = new WeakMap<fs.Dirent[], string[]>();

/** A folder's names in byte order; the same array while a caching reader keeps the folder. */
export function listingOf(directory: string, reader: DirectoryReader): string[] | Error {
  const entries = reader.read(directory);
  if (entries instanceof Error) return entries;
  let names = sortedNames.get(entries);
  if (names === undefined) {
    names = entries.map((entry) => entry.name).sort(byteOrder);
    sortedNames.set(entries, names);
  }
  return names;
}

function errnoText(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'No such file or directory' : (code ?? error.message);
}

const matchers = new Map<string, (name: string) => boolean>();

/** A compiled matcher per pattern (a handful per config, compiled once). */
function componentMatcher(pattern: string): (name: string) => boolean {
  let matcher = matchers.get(pattern);
  if (matcher === undefined) {
    if (matchers.size >= 1000) matchers.clear();
    matcher = compileMatcher(pattern);
    matchers.set(pattern, matcher);
  }
  return matcher;
}

function compileMatcher(pattern: string): (name: string) => boolean {
  // fnmatch spells a negated bracket `[!...]`; picomatch wants `[^...]`.
  const translated = pattern.replace(/(^|[^\\])\[!/g, '$1[^');
  return picomatch(translated, {
    dot: false,
    nobrace: true,
    noextglob: true,
    nonegate: true,
    noglobstar: true,
  });
}

class Expander {
  readonly result: IncludeExpansion = { files: [], errors: [] };

  constructor(
    private readonly optional: boolean,
    private readonly knownFile: (target: string) => boolean,
    private readonly directories: DirectoryReader,
  ) {}

  private full(): boolean {
    if (this.result.files.length < MAX_INCLUDED_FILES) return false;
    this.result.errors.push(`More than ${MAX_INCLUDED_FILES} files included; stopped reading`);
    return true;
  }

  /** `ap_dir_nofnmatch`: a file, or every file below a directory. Iterative. */
  addPlain(target: string): void {
    const pending: Array<{ target: string; depth: number }> = [{ target, depth: 0 }];
    while (pending.length > 0) {
      const next = pending.pop() as { target: string; depth: number };
      const kind = this.knownFile(next.target) ? 'file' : kindOf(next.target);
      if (kind !== 'directory') {
        if (kind === 'missing' && this.optional) continue;
        if (this.full()) return;
        this.result.files.push(next.target);
        continue;
      }
      if (next.depth >= MAX_DIRECTORY_DEPTH) {
        this.result.errors.push(
          `Directory '${next.target}' exceeds the maximum include directory nesting level of ` +
            `${MAX_DIRECTORY_DEPTH}. You have probably a recursion somewhere.`,
        );
        continue;
      }
      const entries = listingOf(next.target, this.directories);
      if (entries instanceof Error) {
        this.result.errors.push(`Could not open directory ${next.target}: ${errnoText(entries)}`);
        continue;
      }
      for (let index = entries.length - 1; index >= 0; index--) {
        pending.push({ target: path.join(next.target, entries[index]), depth: next.depth + 1 });
      }
    }
  }

  /** `ap_dir_fnmatch`: walks `components` below `base`, wildcards matched per component. */
  addMatching(base: string, components: string[]): void {
    const pending: Array<{ base: string; index: number }> = [{ base, index: 0 }];
    while (pending.length > 0 && this.result.errors.length === 0) {
      const next = pending.pop() as { base: string; index: number };
      const component = components[next.index];
      const isLast = next.index === components.length - 1;

      if (!hasWildcard(component)) {
        const joined = path.join(next.base, component);
        if (isLast) this.addPlain(joined);
        else pending.push({ base: joined, index: next.index + 1 });
        continue;
      }

      const entries = listingOf(next.base, this.directories);
      if (entries instanceof Error) {
        const missing = (entries as NodeJS.ErrnoException).code === 'ENOENT';
        if (!(missing && this.optional)) {
          this.result.errors.push(`Could not open directory ${next.base}: ${errnoText(entries)}`);
        }
        continue;
      }
      const matching = matchingNames(entries, component);
      const candidates = isLast
        ? matching
        : matching.filter((name) => kindOf(path.join(next.base, name)) === 'directory');
      if (candidates.length === 0 && !this.optional) {
        this.result.errors.push(
          `No matches for the wildcard '${component}' in '${next.base}', failing`,
        );
      }
      if (isLast) {
        // Final matches, in order, as plain paths (a known file needs no look at the disk).
        for (const joined of joinedPaths(next.base, candidates)) {
          if (!this.knownFile(joined)) this.addPlain(joined);
          else if (!this.full()) this.result.files.push(joined);
        }
        continue;
      }
      for (let index = candidates.length - 1; index >= 0; index--) {
        pending.push({ base: path.join(next.base, candidates[index]), index: next.index + 1 });
      }
    }
  }
}

/**
 * Expands an Include target. `target` is a local absolute path; `knownFile` says whether
 * an editor buffer exists for a path (it then counts as a file even if not on disk).
 */
export function expandInclude(
  target: string,
  optional: boolean,
  knownFile: (target: string) => boolean = () => false,
  directories: DirectoryReader = DISK_DIRECTORIES,
): IncludeExpansion {
  const expander = new Expander(optional, knownFile, directories);
  try {
    if (!hasWildcard(target)) {
      expander.addPlain(target);
    } else {
      const root = path.parse(target).root;
      const components = target
        .slice(root.length)
        .split('/')
        .filter((part) => part !== '');
      expander.addMatching(root, components);
    }
  } catch (error) {
    expander.result.errors.push(error instanceof Error ? error.message : String(error));
  }
  return expander.result;
}
