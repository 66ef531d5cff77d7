/**
 * The hops of one vhost, with the facts the report shows beside the findings: which
 * certificates take part, which known clients Apache accepts, what Apache presents to the
 * backend. Verdicts come from the findings (verify-findings.ts). Two per-peer verdicts are
 * computed with the pki chain builder because a finding names a peer only in its related
 * locations: whether each known client is accepted (also failed when a finding relates to its
 * file) and, in verify-backend-hop.ts, whether a known backend accepts Apache's client
 * certificate, which no rule covers.
 */
import type { Finding } from '../findings';
import type { VirtualHostModel } from '../model/types';
import { apacheDepthAccepts, buildChain } from '../pki/chain';
import { EKU_CLIENT_AUTH, EKU_SERVER_AUTH, type CertView, type Located } from '../pki/types';
import { clientNameMatches, isoDay } from '../rules/cert-checks';
import { vhostLabel } from '../rules/finding-helpers';
import { knownClientChains } from '../rules/peer-chains';
import { loadTrustStore } from '../rules/trust-store';
import type { RuleContext } from '../rules/types';
import { checkFromFinding, DirectiveSet, findingsForHop, worstStatus } from './verify-findings';
import type { CertSummary, HopStatus, VerifyCheck, VerifyHop } from './verify-types';

export function summarize(role: string, cert: Located<CertView>): CertSummary {
  const v = cert.value;
  return {
    role,
    subject: v.subject,
    issuer: v.issuer,
    notAfter: v.notAfter.toISOString(),
    dnsNames: v.dnsNames,
    extKeyUsage: v.extKeyUsage,
    file: cert.file,
  };
}

function ekuText(cert: CertView): string {
  if (cert.extKeyUsage === null) return 'no EKU extension (any purpose)';
  const names: Record<string, string> = {
    [EKU_SERVER_AUTH]: 'serverAuth',
    [EKU_CLIENT_AUTH]: 'clientAuth',
  };
  return `EKU ${cert.extKeyUsage.map((oid) => names[oid] ?? oid).join(', ')}`;
}

export function finish(hop: Omit<VerifyHop, 'status'>, findings: Finding[]): VerifyHop {
  const checks = [...hop.checks, ...findings.map(checkFromFinding)];
  return { ...hop, checks, status: worstStatus(checks.map((c) => c.status)) };
}

/** Status of a fact that a finding may contradict: fail when one of `findings` names `file`. */
function statusUnlessFlagged(findings: Finding[], file: string): HopStatus {
  const flagged = findings.some(
    (f) => checkFromFinding(f).status === 'fail' && (f.related ?? []).some((r) => r.file === file),
  );
  return flagged ? 'fail' : 'pass';
}

export function clientHop(ctx: RuleContext, vhost: VirtualHostModel, all: Finding[]): VerifyHop {
  const tls = vhost.tls;
  const label = vhostLabel(vhost.serverName.value, vhost.port);
  const directives = new DirectiveSet()
    .add(
      tls.caCertificateFile,
      tls.caCertificatePath,
      tls.verifyClient,
      tls.verifyDepth,
      tls.revocationCheck,
      tls.revocationFile,
      tls.revocationPath,
    )
    .within(vhost.section);
  const findings = findingsForHop(all, 'client-to-apache', directives);
  const checks: VerifyCheck[] = [];
  const certificates: CertSummary[] = [];
  const mode = tls.verifyClient.value;
  checks.push({
    name: 'client certificate policy',
    status: 'pass',
    detail: `SSLVerifyClient ${mode}, SSLVerifyDepth ${tls.verifyDepth.value}`,
  });
  const store = loadTrustStore(ctx.pki, [tls.caCertificateFile, tls.caCertificatePath]);
  if (store.certificates.length > 0) {
    checks.push({
      name: 'CA names Apache advertises',
      status: 'pass',
      detail: store.certificates.map((c) => c.value.subject).join('; '),
    });
    certificates.push(...store.certificates.map((c) => summarize('client CA', c)));
  }
  if (mode !== 'none') {
    const clients = knownClientChains(ctx);
    if (clients.length === 0) {
      checks.push({
        name: 'known clients accepted',
        status: 'unknown',
        detail: 'no known client certificate (add "clients" to .httpd-mtls.json)',
      });
    }
    for (const client of clients) {
      certificates.push(summarize('known client', client.leaf));
      const built = buildChain(
        client.leaf.value,
        [...client.rest, ...store.certificates.map((c) => c.value)],
        store.roots.map((r) => r.value),
        { at: ctx.at, purpose: 'sslclient' },
      );
      const depth = built.certificates.length - 1;
      const facts = [
        `${built.certificates.length} certificates to ` +
          `${built.trusted ? 'a trusted root' : 'no root'}`,
        `depth needed ${depth} (SSLVerifyDepth ${tls.verifyDepth.value})`,
        ekuText(client.leaf.value),
        `valid until ${isoDay(client.leaf.value.notAfter)}`,
      ];
      const depthOk = apacheDepthAccepts(depth + 1, tls.verifyDepth.value);
      const accepted = built.trusted && built.error === null && depthOk;
      const flagged = statusUnlessFlagged(findings, client.leaf.file);
      checks.push({
        name: `client ${client.leaf.value.commonNames[0] ?? client.leaf.value.subject} accepted`,
        status: flagged === 'fail' || !accepted ? 'fail' : 'pass',
        detail: `${facts.join('; ')}${built.error ? `; ${built.error}` : ''}`,
      });
    }
  }
  return finish(
    { kind: 'client-to-apache', from: 'client', to: label, checks, certificates },
    findings,
  );
}

export function identityHop(ctx: RuleContext, vhost: VirtualHostModel, all: Finding[]): VerifyHop {
  const tls = vhost.tls;
  const label = vhostLabel(vhost.serverName.value, vhost.port);
  const directives = new DirectiveSet()
    .add(...tls.certificateFiles, ...tls.keyFiles, tls.chainFile, tls.enabled, vhost.serverName)
    .within(vhost.section);
  const findings = findingsForHop(all, 'apache-identity', directives);
  const checks: VerifyCheck[] = [];
  const certificates: CertSummary[] = [];
  for (const ref of tls.certificateFiles) {
    const [leaf, ...inFile] = ctx.pki.load(ref.localPath).certificates;
    if (!leaf) continue;
    // What Apache sends after the leaf: the rest of the file, then SSLCertificateChainFile.
    const chainFile = tls.chainFile ? ctx.pki.load(tls.chainFile.localPath).certificates : [];
    const chain = [...inFile, ...chainFile];
    certificates.push(summarize('server certificate', leaf));
    certificates.push(...chain.map((c) => summarize('sent chain', c)));
    const names = [vhost.serverName.value, ...vhost.serverAliases].filter(
      (n): n is string => n !== null,
    );
    const covered = names.filter((n) => clientNameMatches(leaf.value, n) === 'san');
    checks.push({
      name: 'server certificate',
      status: 'pass',
      detail:
        `${leaf.value.subject}; SAN ${leaf.value.dnsNames.join(', ') || 'none'}; ` +
        `covers ${covered.join(', ') || 'none of'} of ${names.join(', ') || 'no ServerName'}; ` +
        `${ekuText(leaf.value)}; valid until ${isoDay(leaf.value.notAfter)}; ` +
        `sends ${chain.length} chain certificate(s)`,
      source: { file: ref.directive.file, line: ref.directive.range.start.line },
    });
  }
  if (checks.length === 0) {
    const detail = 'no readable certificate';
    checks.push({ name: 'server certificate', status: 'unknown', detail });
  }
  return finish(
    { kind: 'apache-identity', from: label, to: 'client', checks, certificates },
    findings,
  );
}
