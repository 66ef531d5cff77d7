/**
 * Proxy routes of a vhost: ProxyPass/ProxyPassMatch (vhost level, main server level, and inside
 * <Location*>), BalancerMember inside <Proxy balancer://…>, and RewriteRule with the [P] flag.
 * Each route gets the backend TLS settings mod_ssl would use for it.
 */
import type { DirectiveNode, SectionNode } from '../config/types';
import { lastOf, type RawScope } from './scopes';
import { readFlag } from './settings-scope';
import type { ProxyRoute, ProxyTls, Setting } from './types';

const TLS_SCHEMES = new Set(['https', 'wss', 'h2']);
const DEFAULT_PORTS: Record<string, number> = { https: 443, wss: 443, h2: 443, http: 80, ws: 80 };

export interface RouteInputs {
  scope: RawScope;
  main: RawScope;
  /** The vhost's merged backend TLS settings (main server -> vhost). */
  vhostProxy: ProxyTls;
  proxyTlsFor: (directives: DirectiveNode[], base: ProxyTls) => ProxyTls;
}

interface Candidate {
  directive: DirectiveNode;
  urlArgIndex: number;
  location: SectionNode | null;
  locationDirectives: DirectiveNode[];
}

export function collectRoutes(inputs: RouteInputs): ProxyRoute[] {
  const { scope, main } = inputs;
  const scopes = scope === main ? [scope] : [scope, main];
  const candidates: Candidate[] = [];
  for (const s of scopes) {
    for (const location of s.locations) {
      for (const d of location.directives) {
        const index = urlIndex(d, true);
        if (index !== null) {
          candidates.push({
            directive: d,
            urlArgIndex: index,
            location: location.section,
            locationDirectives: location.directives,
          });
        }
      }
    }
    for (const d of s.directives) {
      const index = urlIndex(d, false);
      if (index !== null) {
        candidates.push({
          directive: d,
          urlArgIndex: index,
          location: null,
          locationDirectives: [],
        });
      }
    }
    for (const proxy of s.proxies) {
      for (const d of proxy.directives) {
        if (d.name.toLowerCase() !== 'balancermember') continue;
        const index = d.args[0] && /^[a-z0-9+.-]+:\/\//i.test(d.args[0].value) ? 0 : 1;
        if (d.args[index]) {
          candidates.push({
            directive: d,
            urlArgIndex: index,
            location: null,
            locationDirectives: [],
          });
        }
      }
    }
  }

  const routes: ProxyRoute[] = [];
  for (const candidate of candidates) {
    const route = toRoute(candidate, inputs);
    if (route) routes.push(route);
  }
  return routes;
}

/** Index of the backend URL argument, or null when the directive is not a proxy route. */
function urlIndex(directive: DirectiveNode, inLocation: boolean): number | null {
  const name = directive.name.toLowerCase();
  if (name === 'proxypass' || name === 'proxypassmatch') return inLocation ? 0 : 1;
  if (name === 'rewriterule') {
    const flags = directive.args[2]?.value.toLowerCase() ?? '';
    const proxied = /[[,]\s*(p|proxy)\s*[\],]/.test(flags);
    return proxied ? 1 : null;
  }
  return null;
}

function toRoute(candidate: Candidate, inputs: RouteInputs): ProxyRoute | null {
  const url = candidate.directive.args[candidate.urlArgIndex]?.value;
  if (!url) return null;
  const parsed = parseBackendUrl(url);
  if (!parsed) return null;

  let tls = inputs.vhostProxy;
  for (const s of inputs.scope === inputs.main ? [inputs.main] : [inputs.main, inputs.scope]) {
    for (const proxy of s.proxies) {
      if (proxySectionMatches(proxy.section, url)) tls = inputs.proxyTlsFor(proxy.directives, tls);
    }
  }
  return {
    directive: candidate.directive,
    location: candidate.location,
    urlArgIndex: candidate.urlArgIndex,
    url,
    scheme: parsed.scheme,
    host: parsed.host,
    port: parsed.port,
    tls: TLS_SCHEMES.has(parsed.scheme),
    preserveHost: preserveHost(candidate, inputs),
    proxyTls: tls,
  };
}

function preserveHost(candidate: Candidate, inputs: RouteInputs): Setting<boolean> {
  const sources = [candidate.locationDirectives, inputs.scope.directives, inputs.main.directives];
  for (const directives of sources) {
    const directive = lastOf(directives, 'proxypreservehost');
    const value = directive ? readFlag(directive) : null;
    if (directive && value !== null) return { value, directive };
  }
  return { value: false, directive: null };
}

export interface BackendUrl {
  scheme: string;
  host: string;
  port: number;
}

/** Scheme, lowercase host (IPv6 without brackets) and port (scheme default when absent). */
export function parseBackendUrl(url: string): BackendUrl | null {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(\[[^\]]*\]|[^/:?#$]*)(?::(\d+))?/i.exec(url);
  if (!match) return null;
  const scheme = match[1].toLowerCase();
  const host = match[2].replace(/^\[|\]$/g, '').toLowerCase();
  const port = match[3] ? Number.parseInt(match[3], 10) : (DEFAULT_PORTS[scheme] ?? 0);
  return { scheme, host, port };
}

/**
 * mod_proxy matches `<Proxy>` against `proxy:URL`: a pattern with wildcards is an fnmatch
 * (`*` also crosses `/`), otherwise a prefix; `<ProxyMatch>` is a regex.
 */
function proxySectionMatches(section: SectionNode, url: string): boolean {
  const pattern = section.args[0]?.value ?? '';
  const target = url.toLowerCase();
  const isRegex = section.name.toLowerCase() === 'proxymatch' || section.args[0]?.value === '~';
  if (isRegex) {
    const source = section.args[0]?.value === '~' ? (section.args[1]?.value ?? '') : pattern;
    try {
      return new RegExp(source, 'i').test(url);
    } catch {
      return false;
    }
  }
  if (pattern === '*') return true;
  if (/[*?[]/.test(pattern)) {
    const regex = pattern
      .toLowerCase()
      .replace(/[.+^${}()|\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    return new RegExp(`^${regex}$`).test(target);
  }
  return target.startsWith(pattern.toLowerCase());
}
