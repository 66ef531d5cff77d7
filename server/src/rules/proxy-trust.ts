/**
 * The proxy context's trust store: SSLProxyCACertificateFile/Path plus
 * SSLProxyMachineCertificateChainFile, and from 2.4.59 every lone certificate of the machine
 * certificate file (AH10261), all of which mod_ssl adds to the store that verifies backends.
 */
import { compareVersions } from '../versions';
import type { ProxyTls } from '../model/types';
import { loadTrustStore, isSelfSigned, type TrustStore } from './trust-store';
import type { RuleContext } from './types';

export function proxyTrustStore(ctx: RuleContext, tls: ProxyTls): TrustStore {
  const store = loadTrustStore(ctx.pki, [
    tls.caCertificateFile,
    tls.caCertificatePath,
    tls.machineCertificateChainFile,
  ]);
  if (tls.machineCertificateFile && compareVersions(ctx.apacheVersion, '2.4.59') >= 0) {
    const bundle = ctx.pki.load(tls.machineCertificateFile.localPath);
    const lone = bundle.certificates.filter((c) => c.value.isCA);
    store.certificates.push(...lone);
    store.roots.push(...lone.filter((c) => isSelfSigned(c.value)));
  }
  return store;
}
