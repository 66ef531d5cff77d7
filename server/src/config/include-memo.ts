/**
 * What an Include of inert files (see loader.ts `isInertFile`) read last time, so that a
 * re-load reads each file's text again but neither expands the glob nor looks a file up in
 * the parse cache, unless its text changed. `IncludeOptional sites-enabled/*.conf` over a
 * thousand site files is the case it is for.
 *
 * Valid while the Include resolves to the same path, under the same include chain, and its
 * folder answers with the same listing object (only a caching `DirectoryReader` does that:
 * the language server's keeps a workspace folder until a file is created or deleted), and
 * while each file still has text. Anything else (a wildcard above the last component, an
 * expansion error, a file not inert) is not kept: the loader then expands as usual.
 *
 * When the file source reports its changes (`TextChanges`) and every file was steady when
 * read, a re-load reads only the files named since: one site file edited out of a thousand
 * costs one read, not a thousand.
 */
import * as path from 'node:path';
import type { Finding } from '../findings';
import { hasWildcard, listingOf } from './include-files';
import type { ConfigNode, DirectiveNode, DirectoryReader } from './types';

export interface IncludedFiles {
  files: string[];
  texts: string[];
  nodes: (readonly ConfigNode[])[];
  findings: (readonly Finding[])[];
}

/** What an Include read, kept; the loader updates texts, nodes and findings in place. */
export interface KeptInclude extends IncludedFiles {
  /** The source's `TextChanges` token when every file was last read steady; else null. */
  token: number | null;
}

interface Kept extends KeptInclude {
  target: string;
  optional: boolean;
  chain: readonly string[];
  listing: string[];
}

/** Position of each file in a kept file list (lists are kept while the folder's listing is). */
const positions = new WeakMap<string[], Map<string, number>>();

/** Positions in `kept.files` of the files `named` names, in order. */
export function indexesOf(kept: IncludedFiles, named: ReadonlySet<string>): number[] {
  let byFile = positions.get(kept.files);
  if (byFile === undefined) {
    byFile = new Map(kept.files.map((file, index) => [file, index]));
    positions.set(kept.files, byFile);
  }
  const indexes: number[] = [];
  for (const file of named) {
    const index = byFile.get(file);
    if (index !== undefined) indexes.push(index);
  }
  return indexes.sort((a, b) => a - b);
}

export class IncludeMemo {
  private readonly kept = new WeakMap<DirectiveNode, Kept>();

  /**
   * The files last read for this Include, when still valid as far as the folder goes; the
   * caller still compares each file's text.
   */
  lookup(
    include: DirectiveNode,
    target: string,
    optional: boolean,
    chain: readonly string[],
    directories: DirectoryReader,
  ): KeptInclude | null {
    const kept = this.kept.get(include);
    if (
      kept === undefined ||
      kept.target !== target ||
      kept.optional !== optional ||
      kept.chain.length !== chain.length ||
      kept.chain.some((file, index) => file !== chain[index])
    ) {
      return null;
    }
    return listingOf(path.dirname(target), directories) === kept.listing ? kept : null;
  }

  /** Keeps what an Include of inert files read; only a wildcard in the last component. */
  keep(
    include: DirectiveNode,
    target: string,
    optional: boolean,
    chain: readonly string[],
    directories: DirectoryReader,
    read: IncludedFiles,
    token: number | null,
  ): void {
    const folder = path.dirname(target);
    if (!hasWildcard(path.basename(target)) || hasWildcard(folder)) return;
    const listing = listingOf(folder, directories);
    if (listing instanceof Error) return;
    this.kept.set(include, { ...read, token, target, optional, chain: [...chain], listing });
  }
}
