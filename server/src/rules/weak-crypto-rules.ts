/**
 * `weak-crypto` (warning): certificates Apache presents, to clients (SSLCertificateFile:
 * the leaf and the chain after it, SSLCertificateChainFile) and to backends
 * (SSLProxyMachineCertificateFile), with an RSA key under 2048 bits or a SHA-1/MD5
 * signature. OpenSSL 3.0 at security level 1+ and current browsers refuse these. A
 * self-signed root's own signature is never checked by anyone, so it is not judged.
 */
import type { Finding } from '../findings';
import type { FileRef, VirtualHostModel } from '../model/types';
import type { CertView, Located } from '../pki/types';
import { atFile, blockLocation } from './finding-helpers';
import type { RuleContext, RuleFamily } from './types';

const WEAK_DIGEST = /^(sha1|md5|md2|md4)|with-?sha1$|sha1with/i;

function weakness(cert: CertView): string | null {
  const key = cert.publicKey;
  if ((key.algorithm === 'rsa' || key.algorithm === 'rsa-pss') && key.bits > 0 && key.bits < 2048) {
    return `an RSA key of ${key.bits} bits (at least 2048 needed)`;
  }
  if (!cert.selfIssued && WEAK_DIGEST.test(cert.signatureAlgorithm)) {
    return `a ${cert.signatureAlgorithm} signature`;
  }
  return null;
}

function presentedFiles(vhost: VirtualHostModel): FileRef[] {
  const refs: FileRef[] = [];
  if (vhost.tls.enabled.value) {
    refs.push(...vhost.tls.certificateFiles);
    if (vhost.tls.chainFile) refs.push(vhost.tls.chainFile);
  }
  for (const route of vhost.routes) {
    const machine = route.proxyTls.machineCertificateFile;
    if (route.tls && machine) refs.push(machine);
  }
  return refs;
}

export const weakCryptoRules: RuleFamily = { server: weakFindings };

function weakFindings(ctx: RuleContext, vhost: VirtualHostModel): Finding[] {
  const findings: Finding[] = [];
  for (const ref of presentedFiles(vhost)) {
    const file = ctx.pki.load(ref.localPath);
    if (file.problem) continue;
    file.certificates.forEach((located: Located<CertView>) => {
      const weak = weakness(located.value);
      if (weak === null) return;
      findings.push(
        atFile(
          'weak-crypto',
          ref,
          `${located.value.subject} in ${ref.deployedPath} has ${weak}; clients refuse it.`,
          { related: [blockLocation(located.file, located.block, 'this certificate')] },
        ),
      );
    });
  }
  return findings;
}
