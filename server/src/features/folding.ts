/**
 * Folding ranges of one config file: every closed section (the close tag stays visible) and
 * every run of two or more comment lines. Lines are 0-based.
 */
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver';
import type { ConfigNode } from '../config/types';

function sectionRanges(nodes: readonly ConfigNode[], into: FoldingRange[]): void {
  for (const node of nodes) {
    if (node.kind !== 'section') continue;
    const start = node.openRange.start.line;
    const end = (node.closeRange?.start.line ?? node.range.end.line + 1) - 1;
    if (end > start) into.push({ startLine: start, endLine: end });
    sectionRanges(node.children, into);
  }
}

export function foldingRanges(nodes: readonly ConfigNode[], text: string): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  sectionRanges(nodes, ranges);
  const lines = text.split('\n');
  let runStart = -1;
  for (let line = 0; line <= lines.length; line++) {
    const isComment = line < lines.length && /^\s*#/.test(lines[line] ?? '');
    if (isComment && runStart < 0) runStart = line;
    if (!isComment && runStart >= 0) {
      if (line - 1 > runStart) {
        ranges.push({ startLine: runStart, endLine: line - 1, kind: FoldingRangeKind.Comment });
      }
      runStart = -1;
    }
  }
  return ranges;
}
