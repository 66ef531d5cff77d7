/** The Apache -> backend hop of one https:// route (see verify-hops.ts for the approach). */
import type { Finding } from '../findings';
import type { ProxyRoute, VirtualHostModel } from '../model/types';
import { buildChain } from '../pki/chain';
import { analyzeMachineBundle } from '../pki/machine-bundle';
import { EKU_CLIENT_AUTH, type CertView } from '../pki/types';
import { ekuAllows, isoDay } from '../rules/cert-checks';
import { vhostLabel } from '../rules/finding-helpers';
import { knownBackendFor, loadPeerChain } from '../rules/peer-chains';
import { checkedName, nameCheckMode } from '../rules/peer-name';
import { loadTrustStore } from '../rules/trust-store';
import type { RuleContext } from '../rules/types';
import { DirectiveSet, findingsForHop } from './verify-findings';
import { finish, summarize } from './verify-hops';
import type { CertSummary, VerifyCheck, VerifyHop } from './verify-types';

export function backendHop(
  ctx: RuleContext,
  vhost: VirtualHostModel,
  route: ProxyRoute,
  all: Finding[],
): VerifyHop {
  const tls = route.proxyTls;
  const directives = new DirectiveSet()
    .add(
      route.directive,
      route.preserveHost,
      tls.engine,
      tls.verify,
      tls.verifyDepth,
      tls.caCertificateFile,
      tls.caCertificatePath,
      tls.machineCertificateFile,
      tls.machineCertificatePath,
      tls.machineCertificateChainFile,
      tls.checkPeerName,
      tls.checkPeerCN,
      tls.checkPeerExpire,
    )
    .within(vhost.section);
  const otherUrls = vhost.routes.filter((r) => r.tls && r.url !== route.url).map((r) => r.url);
  const findings = findingsForHop(all, 'apache-to-backend', directives).filter(
    (f) => f.message.includes(route.url) || !otherUrls.some((url) => f.message.includes(url)),
  );
  const checks: VerifyCheck[] = [];
  const certificates: CertSummary[] = [];
  const mode = nameCheckMode(tls, ctx.apacheVersion);
  const name = checkedName(vhost, route);
  checks.push({
    name: 'backend identity Apache expects',
    status: 'pass',
    detail:
      `SSLProxyVerify ${tls.verify.value}, SSLProxyVerifyDepth ${tls.verifyDepth.value}; ` +
      (mode === 'none'
        ? 'name not checked'
        : `${mode === 'legacy-cn' ? 'CN' : 'name'} checked against ` +
          `${name?.hostname ?? 'the client Host'}` +
          `${name?.fromClientHost ? ' (client Host, ProxyPreserveHost On)' : ''}`),
    source: { file: route.directive.file, line: route.directive.range.start.line },
  });
  const backend = knownBackendFor(ctx, route);
  const backendChain = backend?.certificate ? loadPeerChain(ctx, backend.certificate) : null;
  if (backendChain) {
    const leaf = backendChain.leaf.value;
    certificates.push(summarize('backend certificate', backendChain.leaf));
    checks.push({
      name: 'known backend certificate',
      status: 'pass',
      detail:
        `${leaf.subject}; SAN ${leaf.dnsNames.join(', ') || 'none'}; ` +
        `valid until ${isoDay(leaf.notAfter)}`,
    });
  } else {
    checks.push({
      name: 'known backend certificate',
      status: 'unknown',
      detail: 'backend certificate unknown (add it to .httpd-mtls.json)',
    });
  }
  const caStore = loadTrustStore(ctx.pki, [tls.caCertificateFile, tls.caCertificatePath]);
  certificates.push(...caStore.certificates.map((c) => summarize('backend CA', c)));

  const bundle = tls.machineCertificateFile
    ? analyzeMachineBundle(ctx.pki.load(tls.machineCertificateFile.localPath), ctx)
    : null;
  const pair = bundle?.pairs[0]?.cert ?? null;
  if (!tls.machineCertificateFile) {
    checks.push({
      name: 'client certificate Apache presents',
      status: backend?.requireClientCertificate ? 'fail' : 'pass',
      detail: 'none (no SSLProxyMachineCertificateFile)',
    });
  } else if (pair === null) {
    checks.push({
      name: 'client certificate Apache presents',
      status: 'fail',
      detail: `Apache loads no cert/key pair from the bundle (${bundle?.ah ?? 'unreadable'})`,
    });
  } else {
    certificates.push(summarize('Apache client certificate', pair));
    checks.push({
      name: 'client certificate Apache presents',
      status: ekuAllows(pair.value, EKU_CLIENT_AUTH) ? 'pass' : 'fail',
      detail:
        `${pair.value.subject}; ` +
        `${ekuAllows(pair.value, EKU_CLIENT_AUTH) ? 'clientAuth allowed' : 'no clientAuth EKU'}; ` +
        `valid until ${isoDay(pair.value.notAfter)}`,
    });
  }
  // What Apache sends above its client certificate: SSLProxyMachineCertificateChainFile.
  const sentChain = tls.machineCertificateChainFile
    ? ctx.pki.load(tls.machineCertificateChainFile.localPath).certificates.map((c) => c.value)
    : [];
  checks.push(
    backendAcceptance(ctx, backend?.caCertificates, backend?.requireClientCertificate, {
      client: pair?.value ?? null,
      sentChain,
    }),
  );
  return finish(
    {
      kind: 'apache-to-backend',
      from: vhostLabel(vhost.serverName.value, vhost.port),
      to: `${route.host}:${route.port}`,
      url: route.url,
      checks,
      certificates,
    },
    findings,
  );
}

/** Whether the known backend's CA verifies Apache's client certificate (no rule covers it). */
function backendAcceptance(
  ctx: RuleContext,
  caFile: string | undefined,
  required: boolean | undefined,
  presented: { client: CertView | null; sentChain: CertView[] },
): VerifyCheck {
  const { client, sentChain } = presented;
  const name = "backend accepts Apache's client certificate";
  if (caFile === undefined) {
    return { name, status: 'unknown', detail: 'backend unknown (add it to .httpd-mtls.json)' };
  }
  if (client === null) {
    return required
      ? { name, status: 'fail', detail: 'the backend requires a client certificate' }
      : { name, status: 'pass', detail: 'the backend does not require a client certificate' };
  }
  const ca = ctx.pki.load(caFile).certificates.map((c) => c.value);
  const built = buildChain(
    client,
    [...sentChain, ...ca],
    ca.filter((c) => c.selfIssued),
    {
      at: ctx.at,
      purpose: 'sslclient',
    },
  );
  const ok = built.trusted && built.error === null;
  return {
    name,
    status: ok ? 'pass' : 'fail',
    detail: ok
      ? `verifies under ${caFile} (${built.certificates.length} certificates)`
      : `does not verify under ${caFile}: ${built.error ?? 'no chain'}`,
  };
}
