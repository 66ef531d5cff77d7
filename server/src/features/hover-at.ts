/**
 * Hover dispatch: on a directive or section name, its table entry; on a certificate, key or
 * CA file argument, what the file holds; on a CA folder, its files. Null elsewhere.
 */
import type { Position } from '../findings';
import type { ConfigNode } from '../config/types';
import { lookupDirective } from '../config/directives';
import type { PkiStore } from '../pki/types';
import { localPathOf, type PathContext } from './document-links';
import { directiveHover, pemFileHover } from './hover';
import { nodeAt } from './node-at';
import { isPlainPath, pathKindOf } from './path-arguments';

export interface HoverResult {
  markdown: string;
  range: { start: Position; end: Position };
}

export function hoverAt(
  nodes: readonly ConfigNode[],
  at: Position,
  paths: PathContext,
  pki: PkiStore,
  now: Date,
): HoverResult | null {
  const hit = nodeAt(nodes, at);
  if (hit === null) return null;
  if (hit.part === 'name') {
    const info = lookupDirective(hit.node.name);
    if (info === undefined) return null;
    return { markdown: directiveHover(info), range: hit.node.nameRange };
  }
  if (hit.part !== 'arg' || hit.argIndex === null) return null;
  const word = hit.node.args[hit.argIndex];
  const kind = pathKindOf(hit.node, hit.argIndex);
  if (word === undefined || kind === null || !isPlainPath(word.value)) return null;
  const local = localPathOf(word.value, paths);
  if (kind === 'pki-file') {
    return { markdown: pemFileHover(pki.load(local), word.value, now), range: word.range };
  }
  if (kind === 'pki-dir') {
    const files = pki.listDirectory(local);
    const list = files
      .slice(0, 20)
      .map((file) => `- \`${file}\``)
      .join('\n');
    const more = files.length > 20 ? `\n- ... ${files.length - 20} more` : '';
    const markdown = `\`${word.value}\`: ${files.length} files\n\n${list}${more}`;
    return { markdown, range: word.range };
  }
  return { markdown: `\`${word.value}\` → \`${local}\``, range: word.range };
}
