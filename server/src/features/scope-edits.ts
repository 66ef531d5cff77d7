/**
 * Edits on a config file's syntax tree for quick fixes: set a directive's value in the scope
 * of a finding, or insert one there. The scope is the innermost <VirtualHost> around the
 * finding (else the file's top level); inserts go before the scope child holding the finding,
 * so a directive that <Location> does not allow never lands inside one.
 */
import type { TextEdit } from 'vscode-languageserver';
import type { Range } from '../findings';
import type { ConfigNode, DirectiveNode, SectionNode } from '../config/types';
import { rangeContains } from './node-at';

/** Sections around `range`, outermost first. */
function sectionsAt(nodes: readonly ConfigNode[], range: Range): SectionNode[] {
  const around: SectionNode[] = [];
  let level = nodes;
  for (;;) {
    const hit = level.find(
      (node): node is SectionNode =>
        node.kind === 'section' && rangeContains(node.range, range.start),
    );
    if (hit === undefined) return around;
    around.push(hit);
    level = hit.children;
  }
}

/** Directives named `name` directly in the scope or in its conditional sections. */
function directivesInScope(children: readonly ConfigNode[], name: string): DirectiveNode[] {
  const lower = name.toLowerCase();
  return children.flatMap((node): DirectiveNode[] => {
    if (node.kind === 'directive') return node.name.toLowerCase() === lower ? [node] : [];
    return node.name.toLowerCase().startsWith('if') ? directivesInScope(node.children, name) : [];
  });
}

function indentOf(lines: readonly string[], line: number): string {
  return /^[ \t]*/.exec(lines[line] ?? '')?.[0] ?? '';
}

/**
 * Sets `name value` for the scope of `at`: rewrites the last such directive's arguments in
 * the innermost section around `at` that has one, up to the vhost (Apache keeps the last,
 * and inner sections override outer ones), or inserts a new line before the scope child
 * holding `at`.
 */
export function setDirectiveEdit(
  nodes: readonly ConfigNode[],
  text: string,
  at: Range,
  name: string,
  value: string,
): TextEdit {
  const around = sectionsAt(nodes, at);
  let vhostIndex = -1;
  around.forEach((section, index) => {
    if (section.name.toLowerCase() === 'virtualhost') vhostIndex = index;
  });
  const children = around[vhostIndex]?.children ?? nodes;
  // The innermost setting wins in Apache's merge, so that is the one to change.
  const inner = around.slice(vhostIndex + 1).reverse();
  const scopes = [...inner.map((section) => section.children), children];
  const existing = scopes
    .map((scope) => directivesInScope(scope, name).at(-1))
    .find((directive) => directive !== undefined);
  if (existing !== undefined) {
    const first = existing.args[0];
    const last = existing.args.at(-1);
    if (first !== undefined && last !== undefined) {
      return { range: { start: first.range.start, end: last.range.end }, newText: value };
    }
    const end = existing.nameRange.end;
    return { range: { start: end, end }, newText: ` ${value}` };
  }
  const holder = children.find((node) => rangeContains(node.range, at.start));
  const line = holder?.range.start.line ?? at.start.line;
  const lines = text.split('\n');
  return {
    range: { start: { line, character: 0 }, end: { line, character: 0 } },
    newText: `${indentOf(lines, line)}${name} ${value}\n`,
  };
}

/** A comment line above `line`, indented like it. */
export function commentAboveEdit(text: string, line: number, comment: string): TextEdit {
  const indent = indentOf(text.split('\n'), line);
  return {
    range: { start: { line, character: 0 }, end: { line, character: 0 } },
    newText: `${indent}# ${comment}\n`,
  };
}
