/**
 * SSLProxyMachineCertificateFile/Path as mod_ssl reads them at startup (only for scopes with
 * SSLProxyEngine on; apache-semantics.md §4): OpenSSL's grouping of blocks into entries, then
 * mod_ssl's per-entry checks, then what the backend sees of the certificate Apache sends.
 */
import type { Finding } from '../findings';
import type { FileRef, ProxyTls } from '../model/types';
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
        for (const ref of bundleFiles(ctx, tls))
          findings.push(...checkBundle(ctx, ref.ref, ref.file));
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

/** The machine certificate file, or every regular file of the machine certificate path. */
function bundleFiles(ctx: RuleContext, tls: ProxyTls): { ref: FileRef; file: LoadedPemFile }[] {
  const out: { ref: FileRef; file: LoadedPemFile }[] = [];
  if (tls.machineCertificateFile) {
    out.push({
      ref: tls.machineCertificateFile,
      file: ctx.pki.load(tls.machineCertificateFile.localPath),
    });
  }
  if (tls.machineCertificatePath) {
    for (const entry of ctx.pki.listDirectory(tls.machineCertificatePath.localPath)) {
      out.push({ ref: tls.machineCertificatePath, file: ctx.pki.load(entry) });
    }
  }
  return out.filter((f) => f.file.problem === null);
}

function checkBundle(ctx: RuleContext, ref: FileRef, file: LoadedPemFile): Finding[] {
  const pemProblems = pemFileProblems(ref, file, NO_CLIENT_CERT);
  if (pemProblems.length > 0) return pemProblems;

  const analysis = analyze(ctx, file);
  const findings: Finding[] = [];
  for (const issue of analysis.issues) {
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
            'clientAuth: the backend rejects it (unsupported certificate purpose), 502.',
          { related },
        ),
      );
    }
    findings.push(...validityFindings(ctx, ref, cert, 'the backend rejects the proxy, 502'));
  }
  for (const ca of analysis.trustedAsCA) {
    if (!ca.value.isCA || ekuAllows(ca.value, EKU_CLIENT_AUTH)) continue;
    findings.push(
      atFile(
        'proxy-client-eku',
        ref,
        `The CA ${ca.value.subject} in ${ref.deployedPath} restricts extendedKeyUsage without ` +
          'clientAuth: backends reject the client certificates under it, 502.',
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
