/**
 * What sits under a cursor in one file's syntax tree (the parser's per-file view, not the
 * effective tree): the directive or section tag, which part of it, and the sections around
 * it. Positions are 0-based LSP positions.
 */
import type { Position, Range } from '../findings';
import type { ConfigNode, DirectiveNode, SectionNode } from '../config/types';
import { SECTION_CONTEXTS, type DirectiveContext } from '../config/directives';

export interface NodeAt {
  node: DirectiveNode | SectionNode;
  /** `name` on the directive name or section tag name; `arg` on an argument; else `line`. */
  part: 'name' | 'arg' | 'line';
  /** 0-based argument index when `part` is `arg`, else null. */
  argIndex: number | null;
  /** Enclosing sections, outermost first (the node itself excluded). */
  ancestors: SectionNode[];
}

/** Half-open containment, but a cursor right after the last character still counts. */
export function rangeContains(range: Range, at: Position): boolean {
  const afterStart =
    at.line > range.start.line ||
    (at.line === range.start.line && at.character >= range.start.character);
  const beforeEnd =
    at.line < range.end.line || (at.line === range.end.line && at.character <= range.end.character);
  return afterStart && beforeEnd;
}

function partOf(node: DirectiveNode | SectionNode, at: Position): Omit<NodeAt, 'ancestors'> {
  if (rangeContains(node.nameRange, at)) return { node, part: 'name', argIndex: null };
  const index = node.args.findIndex((word) => rangeContains(word.range, at));
  if (index >= 0) return { node, part: 'arg', argIndex: index };
  return { node, part: 'line', argIndex: null };
}

/** The innermost directive or section tag at `at`; null between nodes. */
export function nodeAt(nodes: readonly ConfigNode[], at: Position): NodeAt | null {
  const ancestors: SectionNode[] = [];
  let level = nodes;
  for (;;) {
    const hit = level.find((node) => rangeContains(node.range, at));
    if (hit === undefined) return null;
    if (hit.kind === 'directive') return { ...partOf(hit, at), ancestors };
    const onOpenTag = rangeContains(hit.openRange, at);
    const onCloseTag = hit.closeRange !== null && rangeContains(hit.closeRange, at);
    if (onOpenTag || onCloseTag) return { ...partOf(hit, at), ancestors };
    ancestors.push(hit);
    level = hit.children;
  }
}

/** Sections enclosing `at`, outermost first (also between directives). */
export function sectionsAround(nodes: readonly ConfigNode[], at: Position): SectionNode[] {
  const around: SectionNode[] = [];
  let level = nodes;
  for (;;) {
    const hit = level.find(
      (node): node is SectionNode =>
        node.kind === 'section' &&
        rangeContains(node.range, at) &&
        !rangeContains(node.openRange, at),
    );
    if (hit === undefined) return around;
    around.push(hit);
    level = hit.children;
  }
}

/**
 * The directive context Apache applies inside these sections: the innermost context-making
 * one wins; conditional and other sections (`<IfModule>`, `<If>`) are transparent here.
 */
export function contextOf(sections: readonly SectionNode[]): DirectiveContext {
  for (let i = sections.length - 1; i >= 0; i--) {
    const context = SECTION_CONTEXTS[sections[i]?.name.toLowerCase() ?? ''];
    if (context !== undefined) return context;
  }
  return 'server';
}
