/**
 * A CodeLens above each TLS virtual host summing up its three hops from the findings:
 * client (client auth: CA, depth, known clients), server (its certificate, key, chain) and
 * backend (SSLProxy* and the routes). The lens runs the client command `httpdMtls.verifyChain`
 * with the vhost as argument.
 */
import type { CodeLens } from 'vscode-languageserver';
import { FILE_START, type Finding, type RuleId } from '../findings';
import type { Topology, VirtualHostModel } from '../model/types';
import { RULES } from '../rules/rule-table';
import { reportedSeverity } from './diagnostics';
import { rangeContains } from './node-at';

export const VERIFY_CHAIN_COMMAND = 'httpdMtls.verifyChain';

export type Hop = 'client' | 'server' | 'backend';

/** The argument of the lens command: which vhost, where. Lines are 0-based. */
export interface VhostArgument {
  uri: string;
  line: number;
  serverName: string | null;
  port: number;
}

const CLIENT_RULES: ReadonlySet<RuleId> = new Set<RuleId>([
  'client-ca-missing',
  'client-ca-no-root',
  'verify-depth',
  'client-untrusted',
  'revocation',
]);

/** The hop a rule belongs to; proxy-* and backend-* rules are the backend hop. */
export function hopOf(rule: RuleId): Hop {
  if (CLIENT_RULES.has(rule)) return 'client';
  if (rule.startsWith('proxy-') || rule === 'backend-untrusted') return 'backend';
  return 'server';
}

function findingsIn(vhost: VirtualHostModel, findings: readonly Finding[]): Finding[] {
  const section = vhost.section;
  if (section === null) return [];
  return findings.filter(
    (f) => f.file === section.file && rangeContains(section.range, f.range.start),
  );
}

/** Errors and warnings fail a hop; information and hints are notes. */
function fails(finding: Finding): boolean {
  const severity = reportedSeverity(finding, RULES, {});
  return severity === 'error' || severity === 'warning';
}

function hopSummary(hop: Hop, failing: number, applies: boolean): string {
  if (!applies) return `${hop}: -`;
  return failing === 0 ? `${hop}: pass` : `${hop}: ${failing} failing`;
}

/** Lenses for the TLS vhosts whose section is in `file`. */
export function codeLenses(
  topology: Topology,
  findings: readonly Finding[],
  file: string,
  uri: string,
): CodeLens[] {
  return topology.vhosts
    .filter((vhost) => vhost.section?.file === file && vhost.tls.enabled.value)
    .map((vhost): CodeLens => {
      const counts: Record<Hop, number> = { client: 0, server: 0, backend: 0 };
      for (const finding of findingsIn(vhost, findings)) {
        if (fails(finding)) counts[hopOf(finding.rule)]++;
      }
      const clientAuth = vhost.tls.verifyClient.value !== 'none';
      const proxied = vhost.routes.some((route) => route.tls);
      const title = [
        hopSummary('client', counts.client, clientAuth || counts.client > 0),
        hopSummary('server', counts.server, true),
        hopSummary('backend', counts.backend, proxied || counts.backend > 0),
      ].join(' | ');
      const argument: VhostArgument = {
        uri,
        line: vhost.section?.openRange.start.line ?? 0,
        serverName: vhost.serverName.value,
        port: vhost.port,
      };
      return {
        range: vhost.section?.openRange ?? FILE_START,
        command: { title: `mTLS ${title}`, command: VERIFY_CHAIN_COMMAND, arguments: [argument] },
      };
    });
}
