/**
 * Client -> Apache: SSLVerifyClient needs a CA to verify against, the CA file needs a
 * self-signed root, and SSLVerifyDepth must allow the chains clients will present
 * (Apache's rule: certificates in the chain, leaf and root counted, minus one <= depth).
 */
import type { Finding } from '../findings';
import type { VirtualHostModel } from '../model/types';
import { apacheDepthAccepts, buildChain } from '../pki/chain';
import { EKU_CLIENT_AUTH } from '../pki/types';
import { ekuAllows } from './cert-checks';
import { atDirective, atFile, blockLocation, vhostLabel } from './finding-helpers';
import { loadTrustStore, unhashedCaPath, type TrustStore } from './trust-store';
import type { RuleContext, RuleFamily } from './types';
import { depthNeededByStore, knownClientChains } from './peer-chains';

export const clientAuthRules: RuleFamily = {
  server(ctx, vhost) {
    if (!vhost.tls.enabled.value) return [];
    const mode = vhost.tls.verifyClient;
    if (mode.value === 'none' || !mode.directive) return [];
    return checkVhost(ctx, vhost);
  },
};

function checkVhost(ctx: RuleContext, vhost: VirtualHostModel): Finding[] {
  const tls = vhost.tls;
  const id = vhostLabel(vhost.serverName.value, vhost.port);
  const verifyDirective = tls.verifyClient.directive;
  if (!verifyDirective) return [];
  if (!tls.caCertificateFile && !tls.caCertificatePath) {
    if (tls.verifyClient.value === 'optional_no_ca') return [];
    return [
      atDirective(
        'client-ca-missing',
        verifyDirective,
        `SSLVerifyClient ${tls.verifyClient.value} on ${id} without SSLCACertificateFile or ` +
          'SSLCACertificatePath: httpd warns AH01897 and every client certificate fails ' +
          'verification.',
      ),
    ];
  }

  const caPath = tls.caCertificatePath;
  if (!tls.caCertificateFile && caPath && unhashedCaPath(ctx.pki, caPath)) {
    if (tls.verifyClient.value === 'optional_no_ca') return [];
    return [
      atDirective(
        'client-ca-missing',
        caPath.directive,
        `${caPath.deployedPath} has certificates but no hash links (<hash>.0): ` +
          'OpenSSL finds none of them, so every client certificate fails verification on ' +
          `${id}. Run openssl rehash on the folder.`,
      ),
    ];
  }
  const store = loadTrustStore(ctx.pki, [tls.caCertificateFile, tls.caCertificatePath]);
  if (store.incomplete) return [];
  const findings: Finding[] = [];
  const caRef = tls.caCertificateFile ?? tls.caCertificatePath;
  if (caRef && store.certificates.length > 0 && store.roots.length === 0) {
    findings.push(
      atFile(
        'client-ca-no-root',
        caRef,
        `${caRef.deployedPath} has no self-signed root certificate: OpenSSL cannot finish any ` +
          'client chain (unable to get issuer certificate), so every client is rejected.',
        {
          related: store.certificates.map((c) => blockLocation(c.file, c.block, c.value.subject)),
        },
      ),
    );
    return findings;
  }
  if (tls.verifyClient.value === 'optional_no_ca') return findings;
  const known = knownClientFindings(ctx, vhost, store);
  findings.push(...known.findings);
  // Known clients say exactly which chains arrive; only without them does the CA file speak.
  if (known.judged === 0) findings.push(...depthFindings(ctx, vhost, store));
  return findings;
}

function depthFindings(ctx: RuleContext, vhost: VirtualHostModel, store: TrustStore): Finding[] {
  const depth = vhost.tls.verifyDepth;
  const needed = depthNeededByStore(store, ctx.at);
  if (!needed || apacheDepthAccepts(needed.depth + 1, depth.value)) return [];
  const target = depth.directive ?? vhost.tls.verifyClient.directive;
  if (!target) return [];
  const via = needed.via;
  return [
    atDirective(
      'verify-depth',
      target,
      `Clients issued by ${via.value.subject} present a chain of ${needed.depth + 1} ` +
        'certificates, ' +
        `which needs SSLVerifyDepth ${needed.depth}; it is ${depth.value}` +
        `${depth.directive ? '' : ' (the default)'}: httpd rejects them with AH02040 ` +
        '(Certificate Chain too long) and a TLS alert.',
      {
        related: [blockLocation(via.file, via.block, `issuing CA: ${via.value.subject}`)],
        data: { fix: 'set-depth', directive: 'SSLVerifyDepth', depth: needed.depth },
      },
    ),
  ];
}

function knownClientFindings(
  ctx: RuleContext,
  vhost: VirtualHostModel,
  store: TrustStore,
): { findings: Finding[]; judged: number } {
  const findings: Finding[] = [];
  let judged = 0;
  const verifyDirective = vhost.tls.verifyClient.directive;
  if (!verifyDirective) return { findings, judged };
  const depth = vhost.tls.verifyDepth;
  for (const client of knownClientChains(ctx)) {
    const leaf = client.leaf;
    const anchors = store.roots.map((r) => r.value);
    const chain = buildChain(
      leaf.value,
      [...client.rest, ...store.certificates.map((c) => c.value)],
      anchors,
      {
        at: ctx.at,
        purpose: 'sslclient',
      },
    );
    const related = [blockLocation(leaf.file, leaf.block, `known client: ${leaf.value.subject}`)];
    // A certificate merely found in the workspace may be meant for another vhost.
    const verifies = chain.trusted && chain.error === null;
    if (client.discovered && !verifies) continue;
    judged++;
    if (!ekuAllows(leaf.value, EKU_CLIENT_AUTH) || !verifies) {
      const why = !ekuAllows(leaf.value, EKU_CLIENT_AUTH)
        ? 'its extendedKeyUsage lacks clientAuth'
        : (chain.error ?? 'its chain does not verify');
      findings.push(
        atDirective(
          'client-untrusted',
          verifyDirective,
          `The known client ${leaf.value.subject} is rejected by this vhost: ${why}; ` +
            'it gets a TLS alert.',
          { related },
        ),
      );
      continue;
    }
    if (!apacheDepthAccepts(chain.certificates.length, depth.value)) {
      const target = depth.directive ?? verifyDirective;
      findings.push(
        atDirective(
          'verify-depth',
          target,
          `The known client ${leaf.value.subject} has a chain of ${chain.certificates.length} ` +
            `certificates, which needs SSLVerifyDepth ${chain.certificates.length - 1}; it is ` +
            `${depth.value}: httpd rejects it with AH02040 and a TLS alert.`,
          {
            related,
            data: {
              fix: 'set-depth',
              directive: 'SSLVerifyDepth',
              depth: chain.certificates.length - 1,
            },
          },
        ),
      );
    }
  }
  return { findings, judged };
}
