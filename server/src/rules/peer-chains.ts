/** Certificates of the peers Apache talks to: known clients and backends (manifest). */
import type { ProxyRoute } from '../model/types';
import { buildChain } from '../pki/chain';
import type { CertView, Located } from '../pki/types';
import { parseBackendUrl } from '../model/routes';
import type { TrustStore } from './trust-store';
import type { KnownBackend, RuleContext } from './types';

export interface PeerChain {
  leaf: Located<CertView>;
  /** The certificates after the leaf in the peer's file (what it sends as its chain). */
  rest: CertView[];
  /** Found in the workspace, not declared: judged only when its chain verifies. */
  discovered: boolean;
}

/** The deepest chain a CA in the store implies for leaves it issues: depth = certificates - 1. */
export function depthNeededByStore(
  store: TrustStore,
  at: Date,
): { depth: number; via: Located<CertView> } | null {
  // A leaf issued by a root CA of the store is a chain of 2: depth 1 (0 only takes self-signed).
  const rootCa = store.roots.find((r) => r.value.isCA);
  let best: { depth: number; via: Located<CertView> } | null = rootCa
    ? { depth: 1, via: rootCa }
    : null;
  const anchors = store.roots.map((r) => r.value);
  const pool = store.certificates.map((c) => c.value);
  for (const ca of store.certificates) {
    if (!ca.value.isCA || store.roots.includes(ca)) continue;
    const chain = buildChain(ca.value, pool, anchors, { at });
    if (!chain.trusted) continue;
    // A leaf under this CA adds one certificate: C = chain + 1, and Apache needs depth C - 1.
    const depth = chain.certificates.length;
    if (!best || depth > best.depth) best = { depth, via: ca };
  }
  return best;
}

export function loadPeerChain(
  ctx: RuleContext,
  path: string,
  discovered = false,
): PeerChain | null {
  const file = ctx.pki.load(path);
  const [leaf, ...rest] = file.certificates;
  if (!leaf) return null;
  return { leaf, rest: rest.map((c) => c.value), discovered };
}

export function knownClientChains(ctx: RuleContext): PeerChain[] {
  return ctx.peers.clients
    .map((client) => loadPeerChain(ctx, client.certificate, client.discovered ?? false))
    .filter((c): c is PeerChain => c !== null);
}

/** The known backend for a route (same host and port); a declared one beats a discovered one. */
export function knownBackendFor(ctx: RuleContext, route: ProxyRoute): KnownBackend | null {
  const matching = ctx.peers.backends.filter((backend) => {
    const url = parseBackendUrl(backend.url);
    return url !== null && url.host === route.host && url.port === route.port;
  });
  return matching.find((b) => !b.discovered) ?? matching[0] ?? null;
}
