/**
 * Which client certificate Apache sends to a backend (ssl_callback_proxy_cert, research §4):
 * for each CA name the backend advertises, the first pair whose issuer is that name
 * (AH02279), else the first pair whose chain (lone certificates of the file, 2.4.59+, and
 * SSLProxyMachineCertificateChainFile) holds a certificate issued by that name (AH02280).
 * If nothing matches, no certificate is sent (AH02269) and the backend rejects the proxy.
 * Judged only for known backends that declare their CA file and require a client certificate.
 */
import type { Finding } from '../findings';
import type { ProxyRoute } from '../model/types';
import type { CertView, MachineBundleAnalysis } from '../pki/types';
import { atFile, blockLocation } from './finding-helpers';
import { knownBackendFor } from './peer-chains';
import type { RuleContext } from './types';

export function clientSelectionFindings(
  ctx: RuleContext,
  route: ProxyRoute,
  analysis: MachineBundleAnalysis,
): Finding[] {
  const ref = route.proxyTls.machineCertificateFile;
  const backend = knownBackendFor(ctx, route);
  if (!ref || !backend?.caCertificates || backend.requireClientCertificate === false) return [];
  if (!analysis.starts || analysis.pairs.length === 0) return [];

  const advertised = ctx.pki.load(backend.caCertificates).certificates.map((c) => c.value);
  if (advertised.length === 0) return [];
  const chainFile = route.proxyTls.machineCertificateChainFile;
  const pool = [
    ...analysis.trustedAsCA.map((c) => c.value),
    ...(chainFile ? ctx.pki.load(chainFile.localPath).certificates.map((c) => c.value) : []),
  ];

  const sendable = analysis.pairs.some(
    (pair) => pair.cert !== null && reachesAdvertised(pair.cert.value, pool, advertised),
  );
  if (sendable) return [];
  const first = analysis.pairs[0]?.cert;
  if (!first) return [];
  return [
    atFile(
      'proxy-client-missing',
      ref,
      `${route.url} asks for a client certificate issued by ` +
        `${advertised.map((c) => c.subject).join(' or ')}; ` +
        `Apache's certificate is issued by ${first.value.issuer} and its chain to those CAs is ` +
        'neither in the file nor in SSLProxyMachineCertificateChainFile, so Apache sends none ' +
        '(AH02269) and the backend rejects the proxy: 502.',
      { related: [blockLocation(first.file, first.block, first.value.subject)] },
    ),
  ];
}

/** Whether the certificate or a certificate above it in `pool` is issued by an advertised CA. */
function reachesAdvertised(cert: CertView, pool: CertView[], advertised: CertView[]): boolean {
  const isAdvertisedIssuer = (c: CertView) =>
    advertised.some((ca) => sameName(c.issuerDer, ca.subjectDer));
  let current: CertView | undefined = cert;
  const visited = new Set<string>();
  while (current && !visited.has(current.sha256)) {
    if (isAdvertisedIssuer(current)) return true;
    visited.add(current.sha256);
    const issuerName: Uint8Array = current.issuerDer;
    current = pool.find((c) => sameName(c.subjectDer, issuerName) && !c.selfIssued);
  }
  return false;
}

function sameName(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}
