/**
 * Outline of one config file from its syntax tree: every section (VirtualHost named by its
 * ServerName, Location, Proxy, IfModule, ...) and the directives that say what a scope is
 * (ServerName, ProxyPass, Include, SSLEngine).
 */
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import type { ConfigNode, DirectiveNode, SectionNode } from '../config/types';

const OUTLINED_DIRECTIVES = new Set(['servername', 'proxypass', 'include', 'includeoptional']);

function argsText(node: DirectiveNode | SectionNode): string {
  return node.args.map((word) => word.raw).join(' ');
}

function serverNameOf(section: SectionNode): string | null {
  const names = section.children.filter(
    (child): child is DirectiveNode =>
      child.kind === 'directive' && child.name.toLowerCase() === 'servername',
  );
  return names.at(-1)?.args[0]?.value ?? null;
}

/** VirtualHost is the unit of the outline; conditionals are namespaces; the rest modules. */
function symbolKindOf(lowerName: string): SymbolKind {
  if (lowerName === 'virtualhost') return SymbolKind.Class;
  return lowerName.startsWith('if') ? SymbolKind.Namespace : SymbolKind.Module;
}

function sectionSymbol(section: SectionNode): DocumentSymbol {
  const lower = section.name.toLowerCase();
  const serverName = lower === 'virtualhost' ? serverNameOf(section) : null;
  const tag = `<${section.name} ${argsText(section)}>`.replace(' >', '>');
  return {
    name: serverName === null ? tag : `${serverName} ${tag}`,
    detail: serverName === null ? undefined : argsText(section),
    kind: symbolKindOf(lower),
    range: section.range,
    selectionRange: section.nameRange,
    children: documentSymbols(section.children),
  };
}

export function documentSymbols(nodes: readonly ConfigNode[]): DocumentSymbol[] {
  return nodes.flatMap((node): DocumentSymbol[] => {
    if (node.kind === 'section') return [sectionSymbol(node)];
    if (!OUTLINED_DIRECTIVES.has(node.name.toLowerCase())) return [];
    return [
      {
        name: `${node.name} ${argsText(node)}`.trim(),
        kind: SymbolKind.Property,
        range: node.range,
        selectionRange: node.nameRange,
      },
    ];
  });
}
