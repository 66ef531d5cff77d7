/**
 * SSLProxyMachineCertificateFile/Path as mod_ssl reads them at startup (only for scopes with
 * SSLProxyEngine on; apache-semantics.md §4): OpenSSL's grouping of blocks into entries, then
 * mod_ssl's per-entry checks, then what the backend sees of the certificate Apache sends.
 */
import type { Finding } from '../findings';
import type { FileRef, ProxyTls, VirtualHostModel } from '../model/types';
import { analyzeMachineBundle } from '../pki/machine-bundle';
import {
  EKU_CLIENT_AUTH,
  type LoadedPemFile,
  type MachineBundleAnalysis,
  type MachineBundleIssue,
} from '../pki/types';
import { ekuAllows, validityFindings } from './cert-checks';
import { atFile, blockLocation, type FindingExtras } from './finding-helpers';
import { pemFileProblems } from './pem-problems';
import { knownBackendFor } from './peer-chains';
import { clientSelectionFindings } from './proxy-client-selection';
import type { RuleContext, RuleFamily } from './types';

const NO_CLIENT_CERT =
  'httpd starts but loads no client certificate (AH02206); a backend that requires one ' +
  'rejects the proxy: 502 (500 under TLS 1.2)';

export const proxyBundleRules: RuleFamily = {
  server(ctx, vhost) {
    const findings: Finding[] = [];
    const seen = new Set<ProxyTls>();
    for (const route of vhost.routes) {
      const tls = route.proxyTls;
      if (!route.tls || !tls.engine.value) continue;
      if (!seen.has(tls)) {
        seen.add(tls);
        findings.push(...machineFindings(ctx, tls, clientCertificateNeeded(ctx, vhost, tls)));
      }
      const file = tls.machineCertificateFile
        ? ctx.pki.load(tls.machineCertificateFile.localPath)
        : null;
      if (file && file.problem === null && !(file.pem?.glued ?? false)) {
        findings.push(...clientSelectionFindings(ctx, route, analyze(ctx, file)));
      }
    }
    return findings;
  },
};

function analyze(ctx: RuleContext, file: LoadedPemFile): MachineBundleAnalysis {
  return analyzeMachineBundle(file, {
    apacheVersion: ctx.apacheVersion,
    opensslVersion: ctx.opensslVersion,
  });
}

/**
 * Whether a route of this scope may need Apache's client certificate: unless the project file
 * says of every backend behind it that it does not ask for one, no certificate means a 502.
 */
function clientCertificateNeeded(
  ctx: RuleContext,
  vhost: VirtualHostModel,
  tls: ProxyTls,
): boolean {
  return vhost.routes
    .filter((route) => route.tls && route.proxyTls === tls)
    .some((route) => knownBackendFor(ctx, route)?.requireClientCertificate !== false);
}

/**
 * The machine certificate file, then the machine certificate folder. `needed` false: only
 * what stops httpd counts, not a missing client certificate.
 */
function machineFindings(ctx: RuleContext, tls: ProxyTls, needed: boolean): Finding[] {
  const findings: Finding[] = [];
  const fileRef = tls.machineCertificateFile;
  if (fileRef) {
    const file = ctx.pki.load(fileRef.localPath);
    if (file.problem === null) findings.push(...checkBundle(ctx, fileRef, file, needed));
  }
  const folderRef = tls.machineCertificatePath;
  // A missing folder stops httpd at its directive (file-missing says so).
  if (folderRef && ctx.pki.pathKind(folderRef.localPath) === 'directory') {
    const files = ctx.pki
      .listDirectory(folderRef.localPath)
      .map((entry) => ctx.pki.load(entry))
      .filter((file) => file.problem === null);
    findings.push(...checkFolder(ctx, folderRef, files, needed));
  }
  return findings;
}

/**
 * SSLProxyMachineCertificatePath: mod_ssl reads every file of the folder into one list. A file
 * OpenSSL's reader fails on, or finds no PEM block in (a README), adds nothing to it, and a
 * lone certificate is trusted as a CA (2.4.59+): Apache is left without a client certificate
 * only when no file of the folder holds a pair. Problems that stop httpd still count per file.
 */
function checkFolder(
  ctx: RuleContext,
  ref: FileRef,
  files: LoadedPemFile[],
  needed: boolean,
): Finding[] {
  const findings: Finding[] = [];
  const unread: Finding[] = [];
  let pairs = 0;
  for (const file of files) {
    // A README or notes file: nothing to read, and not where a pair went missing.
    if (file.pem?.format === 'text' || file.pem?.format === 'empty') continue;
    const pemProblems = pemFileProblems(ref, file, 'OpenSSL reads nothing from this file');
    if (pemProblems.length > 0) {
      unread.push(...pemProblems);
      continue;
    }
    pairs += analyze(ctx, file).pairs.length;
    findings.push(...checkBundle(ctx, ref, file, false));
  }
  if (pairs > 0 || !needed) return findings;
  findings.push(
    atFile(
      'proxy-bundle-no-key',
      ref,
      `No certificate/key pair in any file of ${ref.deployedPath}: ${NO_CLIENT_CERT}.`,
    ),
    ...unread,
  );
  return findings;
}

/**
 * `pairNeeded` false (a file of a machine folder, or no backend asks for a certificate): a
 * file that gives no pair is no finding by itself; what stops httpd still is.
 */
function checkBundle(
  ctx: RuleContext,
  ref: FileRef,
  file: LoadedPemFile,
  pairNeeded: boolean,
): Finding[] {
  const pemProblems = pemFileProblems(ref, file, NO_CLIENT_CERT);
  if (pemProblems.length > 0) return pairNeeded ? pemProblems : [];

  const analysis = analyze(ctx, file);
  const findings: Finding[] = [];
  for (const issue of analysis.issues) {
    const noPair = issue.kind === 'no-usable-pair' || issue.kind === 'read-error';
    if (noPair && !pairNeeded) continue;
    const finding = issueFinding(ref, file, issue);
    if (finding) findings.push(finding);
  }
  if (!analysis.starts) return findings;

  for (const pair of analysis.pairs) {
    const cert = pair.cert;
    if (!cert) continue;
    const related = [blockLocation(cert.file, cert.block, cert.value.subject)];
    if (!ekuAllows(cert.value, EKU_CLIENT_AUTH)) {
      findings.push(
        atFile(
          'proxy-client-eku',
          ref,
          `Apache's proxy client certificate ${cert.value.subject} has extendedKeyUsage without ` +
            'clientAuth: the backend rejects it (unsupported certificate purpose), 502 (500 under ' +
            'TLS 1.2).',
          { related },
        ),
      );
    }
    // OpenSSL's sslclient purpose: a keyUsage, when present, must allow signing or key agreement.
    const usage = cert.value.keyUsage;
    if (usage !== null && !usage.digitalSignature && !usage.keyAgreement) {
      findings.push(
        atFile(
          'proxy-client-eku',
          ref,
          `Apache's proxy client certificate ${cert.value.subject} has keyUsage without ` +
            'digitalSignature: the backend rejects it (unsupported certificate purpose), 502 ' +
            '(500 under TLS 1.2).',
          { related },
        ),
      );
    }
    findings.push(
      ...validityFindings(ctx, ref, cert, 'the backend rejects the proxy, 502 (500 under TLS 1.2)'),
    );
  }
  for (const ca of analysis.trustedAsCA) {
    if (!ca.value.isCA || ekuAllows(ca.value, EKU_CLIENT_AUTH)) continue;
    findings.push(
      atFile(
        'proxy-client-eku',
        ref,
        `The CA ${ca.value.subject} in ${ref.deployedPath} restricts extendedKeyUsage without ` +
          'clientAuth: backends reject the client certificates under it, 502 (500 under TLS 1.2).',
        { related: [blockLocation(ca.file, ca.block, ca.value.subject)] },
      ),
    );
  }
  return findings;
}

function issueFinding(
  ref: FileRef,
  file: LoadedPemFile,
  issue: MachineBundleIssue,
): Finding | null {
  const extras: FindingExtras = {
    related: issue.blocks.map((b) =>
      blockLocation(file.path, b, `block ${b.index + 1}: ${b.label}`),
    ),
  };
  const path = ref.deployedPath;
  switch (issue.kind) {
    case 'encrypted':
      return atFile(
        'proxy-bundle-encrypted',
        ref,
        `The key in ${path} is encrypted; mod_ssl never asks for a pass phrase here: httpd ` +
          'refuses to start with AH02252 (incomplete client cert configured for SSL proxy).',
        extras,
      );
    case 'mismatch':
      return atFile(
        'proxy-bundle-mismatch',
        ref,
        `In ${path} a key is grouped with a certificate it does not match (a certificate and its ` +
          'key must be adjacent): httpd refuses to start with AH02326.',
        extras,
      );
    case 'key-only':
      return atFile(
        'proxy-bundle-mismatch',
        ref,
        `${path} has a private key without a certificate before or after it: httpd refuses to ` +
          'start with AH02326 (certificate: -not available-).',
        extras,
      );
    case 'incomplete':
      return atFile(
        'proxy-bundle-no-key',
        ref,
        `${path} has a certificate or key without its pair: httpd up to 2.4.58 refuses to start ` +
          'with AH02252.',
        extras,
      );
    case 'key-label-ignored':
      return atFile(
        'proxy-bundle-pkcs8',
        ref,
        `${path} holds a PKCS#8 key (BEGIN PRIVATE KEY), which OpenSSL before 3.0 skips here; ` +
          'write it in traditional form (openssl pkey -traditional).',
        extras,
      );
    case 'read-error':
    case 'no-usable-pair':
      return atFile(
        'proxy-bundle-no-key',
        ref,
        `No certificate/key pair in ${path}: ${NO_CLIENT_CERT}.`,
        extras,
      );
    case 'trusted-as-ca':
      return null;
  }
}
