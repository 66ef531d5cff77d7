/**
 * `revocation`, the CRL half (the AH01899 half is revocation-rules.ts): what the CRLs in
 * SSLCARevocationFile do to client certificate verification (Apache 2.4.71 + OpenSSL 3.0,
 * apache-semantics.md §2). OpenSSL picks the CRL of each checked certificate's issuer:
 * - one past its nextUpdate fails the verification with `CRL has expired`;
 * - with `SSLCARevocationCheck chain` (no `no_crl_for_cert_ok`) every certificate of the chain
 *   is checked, so a CA without a CRL fails it with `unable to get certificate CRL`.
 * The CAs judged are those of SSLCACertificateFile: the ones client chains run through.
 * Only vhosts that verify clients (SSLVerifyClient require/optional) use the CRLs.
 */
import type { Finding } from '../findings';
import type { VirtualHostModel } from '../model/types';
import { readCrls } from '../pki/crl';
import { atFile, blockLocation, vhostLabel } from './finding-helpers';
import { loadTrustStore } from './trust-store';
import type { RuleContext, RuleFamily } from './types';

export const crlRules: RuleFamily = { server: vhostFindings };

function vhostFindings(ctx: RuleContext, vhost: VirtualHostModel): Finding[] {
  const tls = vhost.tls;
  const crlRef = tls.revocationFile;
  if (!tls.enabled.value || crlRef === null) return [];
  if (tls.verifyClient.value !== 'require' && tls.verifyClient.value !== 'optional') return [];
  const words = tls.revocationCheck.value.trim().toLowerCase().split(/\s+/);
  const mode = words[0] ?? 'none';
  if (mode !== 'leaf' && mode !== 'chain') return [];

  const crlFile = ctx.pki.load(crlRef.localPath);
  if (crlFile.problem || crlFile.pem === null || crlFile.pem.glued) return [];
  const crls = readCrls(crlFile.pem);
  const store = loadTrustStore(ctx.pki, [tls.caCertificateFile]);
  if (store.incomplete) return [];
  const cas = store.certificates.filter((c) => c.value.isCA || c.value.selfIssued);
  const id = vhostLabel(vhost.serverName.value, vhost.port);
  const findings: Finding[] = [];

  for (const crl of crls) {
    const next = crl.value.nextUpdate;
    if (next === null || next >= ctx.at) continue;
    if (!cas.some((ca) => sameBytes(ca.value.subjectDer, crl.value.issuerDer))) continue;
    findings.push(
      atFile(
        'revocation',
        crlRef,
        `The CRL of ${crl.value.issuer} in ${crlRef.deployedPath} expired on ` +
          `${next.toISOString()}: every client certificate it covers fails verification ` +
          `(CRL has expired) on ${id}. Publish a fresh CRL.`,
        { related: [blockLocation(crl.file, crl.block, `CRL of ${crl.value.issuer}`)] },
      ),
    );
  }

  if (mode === 'chain' && !words.includes('no_crl_for_cert_ok')) {
    for (const ca of cas) {
      if (crls.some((crl) => sameBytes(crl.value.issuerDer, ca.value.subjectDer))) continue;
      findings.push(
        atFile(
          'revocation',
          crlRef,
          `SSLCARevocationCheck chain on ${id} checks every CA of a client chain, but ` +
            `${crlRef.deployedPath} has no CRL from ${ca.value.subject}: client verification ` +
            'fails (unable to get certificate CRL). Add its CRL, or `no_crl_for_cert_ok`.',
          { related: [blockLocation(ca.file, ca.block, `CA: ${ca.value.subject}`)] },
        ),
      );
    }
  }
  return findings;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}
