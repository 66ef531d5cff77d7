/**
 * A trust store as mod_ssl builds it from SSL[Proxy]CACertificateFile (and, for the proxy,
 * SSLProxyMachineCertificateChainFile): every certificate in the file is in the store, but only
 * self-signed ones end a chain (no partial chains, apache-semantics.md §2 and §3).
 */
import type { FileRef } from '../model/types';
import { isSignedBy } from '../pki/certificate';
import type { CertView, Located, PkiStore } from '../pki/types';

export interface TrustStore {
  refs: FileRef[];
  certificates: Located<CertView>[];
  /** Self-signed certificates: the only possible trust anchors. */
  roots: Located<CertView>[];
  /** True when at least one referenced file could not be read (then verdicts are unknown). */
  incomplete: boolean;
}

export function loadTrustStore(pki: PkiStore, refs: (FileRef | null)[]): TrustStore {
  const present = refs.filter((r): r is FileRef => r !== null);
  const certificates: Located<CertView>[] = [];
  let incomplete = false;
  for (const ref of present) {
    if (ref.directive.name.toLowerCase().endsWith('path')) {
      // A hashed directory: OpenSSL looks certificates up by <hash>.N names only.
      for (const entry of pki.listDirectory(ref.localPath)) {
        if (!/^[0-9a-f]{8}\.\d+$/i.test(entry.split('/').pop() ?? '')) continue;
        const file = pki.load(entry);
        certificates.push(...file.certificates);
      }
      continue;
    }
    const file = pki.load(ref.localPath);
    if (file.problem || (file.pem?.glued ?? false)) incomplete = true;
    certificates.push(...file.certificates);
  }
  const roots = certificates.filter((c) => isSelfSigned(c.value));
  return { refs: present, certificates, roots, incomplete };
}

export function isSelfSigned(cert: CertView): boolean {
  return cert.selfIssued && isSignedBy(cert, cert);
}
