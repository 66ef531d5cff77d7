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

interface Kept extends IncludedFiles {
  target: string;
  optional: boolean;
  chain: readonly string[];
  listing: string[];
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
  ): IncludedFiles | null {
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
  ): void {
    const folder = path.dirname(target);
    if (!hasWildcard(path.basename(target)) || hasWildcard(folder)) return;
    const listing = listingOf(folder, directories);
    if (listing instanceof Error) return;
    this.kept.set(include, { ...read, target, optional, chain: [...chain], listing });
  }
}
