/**
 * Document links for every plain path argument (Include, ServerRoot, SSL*File, SSL*Path),
 * resolved as httpd does (relative to the final ServerRoot) and through the path mappings.
 * Only targets that exist on this machine get a link; globs and ${VAR} paths get none.
 */
import * as fs from 'node:fs';
import type { DocumentLink } from 'vscode-languageserver';
import type { ConfigNode } from '../config/types';
import { applyMappings, serverRootRelative } from '../config/paths';
import type { PathMapping } from '../config/types';
import { fileUri } from './diagnostics';
import { isPlainPath, pathKindOf } from './path-arguments';

export interface PathContext {
  serverRoot: string;
  pathMappings: readonly PathMapping[];
}

/** Local path an argument names (ServerRoot itself is taken as absolute or mapped). */
export function localPathOf(value: string, context: PathContext): string {
  return applyMappings(serverRootRelative(context.serverRoot, value), context.pathMappings);
}

export function documentLinks(
  nodes: readonly ConfigNode[],
  context: PathContext,
  exists: (file: string) => boolean = fs.existsSync,
): DocumentLink[] {
  const links: DocumentLink[] = [];
  const visit = (level: readonly ConfigNode[]): void => {
    for (const node of level) {
      if (node.kind === 'section') {
        visit(node.children);
        continue;
      }
      const word = node.args[0];
      if (word === undefined || pathKindOf(node, 0) === null || !isPlainPath(word.value)) continue;
      const local = localPathOf(word.value, context);
      if (!exists(local)) continue;
      links.push({ range: word.range, target: fileUri(local), tooltip: local });
    }
  };
  visit(nodes);
  return links;
}
