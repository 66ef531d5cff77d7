/**
 * The config tree. Two views exist:
 * - the per-file syntax tree from `parser.ts` (every node as written, for editor features);
 * - the effective tree from `loader.ts` (Include spliced in place, <IfModule>/<IfDefine>
 *   resolved, ${VAR} substituted), which is what Apache runs and what `model/` reads.
 * All ranges are 0-based LSP ranges in the node's own `file`.
 */
import type { Dirent } from 'node:fs';
import type { Finding, Range } from '../findings';
import type { IncludeMemo } from './include-memo';

export interface Word {
  /** The argument as Apache sees it: quotes removed, escapes applied, ${VAR} substituted. */
  value: string;
  /** The exact source text of the argument, quotes included. */
  raw: string;
  range: Range;
  quoted: boolean;
}

export interface DirectiveNode {
  kind: 'directive';
  /** As written; compare with `name.toLowerCase()` (Apache names are case-insensitive). */
  name: string;
  nameRange: Range;
  args: Word[];
  /** From the first character of the name to the end of the last argument (continuations included). */
  range: Range;
  file: string;
}

export interface SectionNode {
  kind: 'section';
  /** Without the '<', as written, e.g. `VirtualHost`. */
  name: string;
  nameRange: Range;
  args: Word[];
  /** The whole `<Name args>` tag. */
  openRange: Range;
  /** The `</Name>` tag; null when the file ended before it (a `syntax` finding exists). */
  closeRange: Range | null;
  children: ConfigNode[];
  /** From the open tag to the close tag (or the last child). */
  range: Range;
  file: string;
}

export type ConfigNode = DirectiveNode | SectionNode;

export interface ParsedFile {
  file: string;
  nodes: ConfigNode[];
  /** `syntax` findings: unbalanced sections, bad quoting, missing '>'. */
  findings: Finding[];
}

/** Maps a deployment prefix (as named in the config) to a local folder, like a debugger's source map. */
export interface PathMapping {
  from: string;
  to: string;
}

/** Where file contents come from: disk, or the editor's unsaved buffers first. */
export interface FileSource {
  /** UTF-8 text of a file, or undefined when it cannot be read. */
  readText(path: string): string | undefined;
  /** Which answers changed between loads; without it a re-load reads every file again. */
  changes?: TextChanges;
}

/**
 * How a `FileSource`'s answers change: a re-load with an include memo reads again only the
 * files named since the token it kept, when every file it read was steady.
 */
export interface TextChanges {
  /** A token for now, to pass to `since` later. */
  token(): number;
  /** Paths whose text may have changed after `token`; 'all' when any may have. */
  since(token: number): ReadonlySet<string> | 'all';
  /** True while `readText(path)` answers from memory: it then changes only as `since` says. */
  steady(path: string): boolean;
}

/** Reads directory entries (with their types); the language server answers from a cache. */
export interface DirectoryReader {
  read(directory: string): Dirent[] | Error;
}

export interface LoadOptions {
  /** ServerRoot when the config sets none (Apache: compiled-in, Debian `/etc/apache2`). */
  serverRoot?: string;
  /** `-D NAME` / Define values; `null` means defined without a value. */
  defines?: Record<string, string | null>;
  /** Module ids (`ssl_module`) or source names (`mod_ssl.c`) that `<IfModule>` sees as loaded. */
  modules?: string[];
  pathMappings?: PathMapping[];
  /** Unsaved editor contents win over disk. */
  files?: FileSource;
  /** Where Include globs read directories from; default the disk, every time. */
  directories?: DirectoryReader;
  /** Includes of inert files kept from earlier loads of this config (include-memo.ts). */
  includeMemo?: IncludeMemo;
  /**
   * Environment for the `${VAR}` fallback after Defines (httpd's getenv). The CLI passes its
   * own, as httpd run from the same shell would see it; the language server passes none (the
   * editor's environment is not the server's).
   */
  env?: Record<string, string>;
}

export interface LoadedConfig {
  /** Absolute path of the main config file. */
  entry: string;
  /** The effective tree, as Apache walks it. Nodes keep the `file` they came from. */
  nodes: ConfigNode[];
  /** The last ServerRoot in file order: the base of every mod_ssl relative path. */
  serverRoot: string;
  /** Every config file read, entry first, in read order. */
  files: string[];
  /**
   * Files a plain (wildcard-free) Include named that could not be read: an editor buffer or
   * a new file there changes the config, so the language server re-checks when one appears.
   */
  wanted: string[];
  /** Names loaded by LoadModule or assumed by the options, both forms (`ssl_module`, `mod_ssl.c`). */
  modules: Set<string>;
  defines: Map<string, string | null>;
  pathMappings: PathMapping[];
  findings: Finding[];
}
