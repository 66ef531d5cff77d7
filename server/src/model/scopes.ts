/**
 * Splits the effective config tree into the scopes mod_ssl and mod_proxy read settings from:
 * the main server, each <VirtualHost>, and inside them <Location*> and <Proxy*> sections.
 */
import type { ConfigNode, DirectiveNode, SectionNode } from '../config/types';

export interface RawScope {
  /** null for the main server. */
  section: SectionNode | null;
  /** Directives directly in server/vhost scope, in config order. */
  directives: DirectiveNode[];
  /** <Location>/<LocationMatch> sections with their effective directives. */
  locations: { section: SectionNode; directives: DirectiveNode[] }[];
  /** <Proxy>/<ProxyMatch> sections with their effective directives. */
  proxies: { section: SectionNode; directives: DirectiveNode[] }[];
}

const LOCATION_SECTIONS = new Set(['location', 'locationmatch']);
const PROXY_SECTIONS = new Set(['proxy', 'proxymatch']);
/** Per-directory sections: settings there do not reach mod_ssl's server or proxy scopes. */
const DIRECTORY_SECTIONS = new Set([
  'directory',
  'directorymatch',
  'files',
  'filesmatch',
  'if',
  'elseif',
  'else',
  'limit',
  'limitexcept',
  'requireall',
  'requireany',
  'requirenone',
  'authnprovideralias',
  'authzprovideralias',
  'macro',
]);

export interface Scopes {
  main: RawScope;
  vhosts: RawScope[];
  /** Per top-level node: its index in `vhosts` when it is a <VirtualHost> section, else -1. */
  vhostAt: number[];
}

export function collectScopes(nodes: ConfigNode[]): Scopes {
  const main = emptyScope(null);
  const vhosts: RawScope[] = [];
  const vhostAt: number[] = [];
  for (const node of nodes) {
    vhostAt.push(isVirtualHost(node) ? vhosts.length : -1);
    walkNode(node, main, vhosts, true);
  }
  return { main, vhosts, vhostAt };
}

export function isVirtualHost(node: ConfigNode): node is SectionNode {
  return node.kind === 'section' && node.name.toLowerCase() === 'virtualhost';
}

function emptyScope(section: SectionNode | null): RawScope {
  return { section, directives: [], locations: [], proxies: [] };
}

/**
 * Scopes of <VirtualHost> sections, by section. A scope depends on its section alone, and
 * loading an unchanged tree again yields the same section objects (loader.ts).
 */
const vhostScopes = new WeakMap<SectionNode, RawScope>();

export function vhostScope(section: SectionNode): RawScope {
  let scope = vhostScopes.get(section);
  if (scope === undefined) {
    scope = emptyScope(section);
    walk(section.children, scope, [], false);
    vhostScopes.set(section, scope);
  }
  return scope;
}

function walk(nodes: ConfigNode[], scope: RawScope, vhosts: RawScope[], topLevel: boolean): void {
  for (const node of nodes) walkNode(node, scope, vhosts, topLevel);
}

function walkNode(node: ConfigNode, scope: RawScope, vhosts: RawScope[], topLevel: boolean): void {
  if (node.kind === 'directive') {
    scope.directives.push(node);
    return;
  }
  const name = node.name.toLowerCase();
  if (name === 'virtualhost' && topLevel) {
    vhosts.push(vhostScope(node));
  } else if (LOCATION_SECTIONS.has(name)) {
    scope.locations.push({ section: node, directives: flatten(node.children) });
  } else if (PROXY_SECTIONS.has(name)) {
    scope.proxies.push({ section: node, directives: flatten(node.children) });
  } else if (!DIRECTORY_SECTIONS.has(name) && name !== 'virtualhost') {
    // Sections such as <IfVersion> hold server-scope directives: read them in place.
    walk(node.children, scope, vhosts, topLevel);
  }
}

/** Directives of a section, looking through nested conditional-like sections. */
function flatten(nodes: ConfigNode[]): DirectiveNode[] {
  const out: DirectiveNode[] = [];
  const stack: ConfigNode[] = [...nodes].reverse();
  while (stack.length > 0) {
    const node = stack.pop() as ConfigNode;
    if (node.kind === 'directive') out.push(node);
    else if (!DIRECTORY_SECTIONS.has(node.name.toLowerCase())) {
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
    }
  }
  return out;
}

/** The last directive of that (lowercase) name: Apache's TAKE1 settings are last-wins. */
export function lastOf(directives: DirectiveNode[], name: string): DirectiveNode | undefined {
  for (let i = directives.length - 1; i >= 0; i--) {
    if (directives[i].name.toLowerCase() === name) return directives[i];
  }
  return undefined;
}

export function allOf(directives: DirectiveNode[], name: string): DirectiveNode[] {
  return directives.filter((d) => d.name.toLowerCase() === name);
}
