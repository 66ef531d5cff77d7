/**
 * `pem-glued` / `pem-invalid` for the CA certificates mod_ssl loads at startup whatever the
 * verify mode (`ssl_init_ctx_verify`; the proxy's only with SSLProxyEngine on; research §2, §4):
 * - SSLCACertificateFile / SSLProxyCACertificateFile: OpenSSL's loader fails on a PEM error
 *   anywhere in the file, or when it finds no certificate and no CRL: AH01895, no start;
 * - the list of acceptable CA names comes from the file and the folder together: when neither
 *   yields a certificate (CRLs only, an empty folder), AH01896, no start.
 * The other rules treat such a store as unknown and say nothing about it.
 */
import type { Finding } from '../findings';
import type { FileRef, ProxyTls, VirtualHostModel } from '../model/types';
import type { LoadedPemFile } from '../pki/types';
import { atFile } from './finding-helpers';
import { pemFileProblems, visible } from './pem-problems';
import type { RuleContext, RuleFamily } from './types';

const FATAL =
  'httpd refuses to start (AH01895: Unable to configure verify locations for client ' +
  'authentication)';
const NO_CA_NAMES =
  'httpd refuses to start (AH01896: Unable to determine list of acceptable CA certificates ' +
  'for client authentication)';

export const caFileRules: RuleFamily = {
  server(ctx, vhost) {
    const findings: Finding[] = [];
    if (vhost.tls.enabled.value) {
      findings.push(...caFindings(ctx, vhost.tls.caCertificateFile, vhost.tls.caCertificatePath));
    }
    for (const tls of proxyScopes(vhost)) {
      if (!tls.engine.value) continue;
      findings.push(...caFindings(ctx, tls.caCertificateFile, tls.caCertificatePath));
    }
    return findings;
  },
};

function proxyScopes(vhost: VirtualHostModel): Set<ProxyTls> {
  return new Set(vhost.routes.filter((route) => route.tls).map((route) => route.proxyTls));
}

/** One side's CA file and folder (either may be unset). */
function caFindings(
  ctx: RuleContext,
  fileRef: FileRef | null,
  folderRef: FileRef | null,
): Finding[] {
  const file = fileRef === null ? null : ctx.pki.load(fileRef.localPath);
  // A missing file or folder stops httpd earlier, at its directive (file-missing).
  if (file !== null && (file.problem !== null || file.pem === null)) return [];
  if (folderRef !== null && ctx.pki.pathKind(folderRef.localPath) !== 'directory') return [];
  if (fileRef !== null && file !== null) {
    const problems = unloadable(fileRef, file);
    if (problems.length > 0) return problems;
  }
  const first = fileRef ?? folderRef;
  if (first === null) return [];
  const inFile = file !== null && visible(file.certificates).length > 0;
  const inFolder =
    folderRef !== null &&
    ctx.pki
      .listDirectory(folderRef.localPath)
      .some((entry) => visible(ctx.pki.load(entry).certificates).length > 0);
  if (inFile || inFolder) return [];
  return [
    atFile('pem-invalid', first, `${first.deployedPath} holds no certificate: ${NO_CA_NAMES}.`),
  ];
}

/** AH01895: a PEM error anywhere, or neither certificate nor CRL. */
function unloadable(ref: FileRef, file: LoadedPemFile): Finding[] {
  const problems = pemFileProblems(ref, file, FATAL);
  if (problems.length > 0) return problems;
  if (visible(file.certificates).length > 0) return [];
  const crls = (file.pem?.blocks ?? []).some(
    (block) => block.label === 'X509 CRL' && !block.defects.includes('indented'),
  );
  if (crls) return [];
  return [
    atFile(
      'pem-invalid',
      ref,
      `${ref.deployedPath} holds no certificate OpenSSL reads (an indented BEGIN line is not ` +
        `read, nor is a key): ${FATAL}.`,
    ),
  ];
}
