/**
 * `verifyReport`: the Verify mTLS chain report for the TLS vhosts of a checked config, built
 * from checkConfig's topology and findings (a pure function of them plus the PKI files).
 */
import type { Finding } from '../findings';
import type { Topology, VirtualHostModel } from '../model/types';
import { createPkiStore } from '../pki/store';
import type { PkiStore } from '../pki/types';
import { vhostLabel } from '../rules/finding-helpers';
import type { KnownPeers, RuleContext } from '../rules/types';
import { backendHop } from './verify-backend-hop';
import { clientHop, identityHop } from './verify-hops';
import type { VerifyReport } from './verify-types';

export interface VerifyOptions {
  /** Validity instant, default now (as checkConfig's `at`). */
  at?: Date;
  apacheVersion?: string;
  opensslVersion?: string;
  peers?: KnownPeers;
  pki?: PkiStore;
  /** Only the vhost with this `ServerName:port` label, ServerName or ServerAlias. */
  vhost?: string;
  /** Only the vhost whose <VirtualHost> contains this place (0-based line, absolute file). */
  position?: { file: string; line: number };
}

/** What verifyReport reads from a checkConfig result. */
export interface CheckedConfig {
  topology: Topology;
  findings: Finding[];
}

/** One report per selected TLS vhost, in config order; empty when none matches. */
export function verifyReport(checked: CheckedConfig, options: VerifyOptions = {}): VerifyReport[] {
  const ctx: RuleContext = {
    topology: checked.topology,
    pki: options.pki ?? createPkiStore(),
    at: options.at ?? new Date(),
    apacheVersion: options.apacheVersion ?? '2.4.71',
    opensslVersion: options.opensslVersion ?? '3.0',
    expiryWarningDays: 30,
    peers: options.peers ?? { clients: [], backends: [] },
  };
  return selectVhosts(checked.topology, options).map((vhost) => reportFor(ctx, vhost, checked));
}

export function selectVhosts(topology: Topology, options: VerifyOptions): VirtualHostModel[] {
  const tlsVhosts = topology.servers.filter((v) => v.tls.enabled.value);
  const { vhost: name, position } = options;
  return tlsVhosts.filter((vhost) => {
    if (name !== undefined) {
      const label = vhostLabel(vhost.serverName.value, vhost.port);
      const names = [label, vhost.serverName.value, ...vhost.serverAliases];
      if (!names.some((n) => n !== null && n.toLowerCase() === name.toLowerCase())) return false;
    }
    if (position !== undefined) {
      const section = vhost.section;
      if (section === null) return false;
      const { start, end } = section.range;
      const inside = position.line >= start.line && position.line <= end.line;
      if (section.file !== position.file || !inside) return false;
    }
    return true;
  });
}

function reportFor(
  ctx: RuleContext,
  vhost: VirtualHostModel,
  checked: CheckedConfig,
): VerifyReport {
  const findings = checked.findings;
  const hops = [clientHop(ctx, vhost, findings), identityHop(ctx, vhost, findings)];
  for (const route of vhost.routes) {
    if (route.tls) hops.push(backendHop(ctx, vhost, route, findings));
  }
  return {
    vhost: vhostLabel(vhost.serverName.value, vhost.port),
    source: vhost.section
      ? { file: vhost.section.file, line: vhost.section.openRange.start.line }
      : null,
    hops,
  };
}
