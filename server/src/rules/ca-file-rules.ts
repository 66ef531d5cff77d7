/**
 * `pem-glued` / `pem-invalid` for SSLCACertificateFile and SSLProxyCACertificateFile: mod_ssl
 * loads them at startup whatever the verify mode (`ssl_init_ctx_verify`; the proxy's only with
 * SSLProxyEngine on), and OpenSSL's loader fails on a PEM error anywhere in the file or when
 * it finds no certificate or CRL at all: AH01895, httpd does not start (apache-semantics.md
 * §2 and §4). The other rules treat such a store as unknown and say nothing about it.
 */
import type { Finding } from '../findings';
import type { FileRef, ProxyTls, VirtualHostModel } from '../model/types';
import type { LoadedPemFile } from '../pki/types';
import { atFile } from './finding-helpers';
import { pemFileProblems, visible } from './pem-problems';
import type { RuleFamily } from './types';

const FATAL =
  'httpd refuses to start (AH01895: Unable to configure verify locations for client ' +
  'authentication)';

export const caFileRules: RuleFamily = {
  server(ctx, vhost) {
    const refs: FileRef[] = [];
    if (vhost.tls.enabled.value && vhost.tls.caCertificateFile) {
      refs.push(vhost.tls.caCertificateFile);
    }
    for (const tls of proxyScopes(vhost)) {
      if (tls.engine.value && tls.caCertificateFile) refs.push(tls.caCertificateFile);
    }
    return refs.flatMap((ref) => unloadable(ref, ctx.pki.load(ref.localPath)));
  },
};

function proxyScopes(vhost: VirtualHostModel): Set<ProxyTls> {
  return new Set(vhost.routes.filter((route) => route.tls).map((route) => route.proxyTls));
}

function unloadable(ref: FileRef, file: LoadedPemFile): Finding[] {
  // A missing or empty file stops httpd earlier, at its directive (file-missing).
  if (file.problem !== null || file.pem === null) return [];
  const problems = pemFileProblems(ref, file, FATAL);
  if (problems.length > 0) return problems;
  const crls = file.pem.blocks.filter(
    (block) => block.label === 'X509 CRL' && !block.defects.includes('indented'),
  );
  if (visible(file.certificates).length > 0 || crls.length > 0) return [];
  return [
    atFile(
      'pem-invalid',
      ref,
      `${ref.deployedPath} holds no certificate OpenSSL reads (an indented BEGIN line is not ` +
        `read, nor is a key): ${FATAL}.`,
    ),
  ];
}
