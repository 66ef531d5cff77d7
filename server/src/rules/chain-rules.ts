/**
 * `chain-incomplete` and the warning half of `chain-order`: the intermediates a TLS vhost sends
 * after its leaf (apache-semantics.md §2). Apache 2.4.71 + OpenSSL 3.0 send the certificates
 * after the leaf in SSLCertificateFile, or, when SSLCertificateChainFile is set, that file's
 * certificates instead. When that list is empty, OpenSSL builds the chain from the verify
 * store (SSLCACertificateFile/Path); with any chain certificate set it does not.
 * The leaf-not-first error (AH02565) is server-cert-rules' business; these rules stay silent then.
 */
import { dirname } from 'node:path';
import type { Finding } from '../findings';
import type { FileRef, Topology, VirtualHostModel } from '../model/types';
import { isSignedBy } from '../pki/certificate';
import { keyMatchesCertificate } from '../pki/keys';
import type { CertView, Located, LoadedPemFile } from '../pki/types';
import { atFile, blockLocation, vhostLabel } from './finding-helpers';
import { visible } from './pem-problems';
import { isPathDirective, isSelfSigned, loadTrustStore } from './trust-store';
import type { RuleContext, RuleFamily } from './types';

/** Files read per folder when looking for a missing issuer beside the config's files. */
const MAX_FOLDER_FILES = 200;

export const chainRules: RuleFamily = {
  server(ctx, vhost) {
    if (!vhost.tls.enabled.value) return [];
    return vhost.tls.certificateFiles.flatMap((certRef, index) =>
      checkChain(ctx, vhost, certRef, vhost.tls.keyFiles[index] ?? null, () =>
        knownCertificates(ctx),
      ),
    );
  },
};

function checkChain(
  ctx: RuleContext,
  vhost: VirtualHostModel,
  certRef: FileRef,
  keyRef: FileRef | null,
  known: () => CertView[],
): Finding[] {
  const certFile = ctx.pki.load(certRef.localPath);
  if (!usable(certFile)) return [];
  // OpenSSL does not read an indented block: it is neither the leaf nor sent.
  const certificates = visible(certFile.certificates);
  const leaf = certificates[0];
  if (!leaf || leafNotFirst(ctx, certFile, keyRef)) return [];

  const chainRef = vhost.tls.chainFile;
  let sent: Located<CertView>[];
  let sentRef = certRef;
  if (chainRef) {
    const chainFile = ctx.pki.load(chainRef.localPath);
    if (chainFile.problem) return [];
    // A chain file that is the cert file itself: mod_ssl skips its first certificate.
    const skip = chainRef.localPath === certRef.localPath ? 1 : 0;
    sent = visible(chainFile.certificates).slice(skip);
    sentRef = chainRef;
  } else {
    sent = certificates.slice(1);
  }
  const store =
    sent.length === 0
      ? loadTrustStore(ctx.pki, [vhost.tls.caCertificateFile, vhost.tls.caCertificatePath])
      : null;
  if (store?.incomplete) return [];
  const pool = [...sent.map((c) => c.value), ...(store?.certificates.map((c) => c.value) ?? [])];

  const findings: Finding[] = [];
  const order = orderFinding(sentRef, leaf.value, sent);
  if (order) findings.push(order);
  const missing = missingIssuer(leaf.value, pool, known);
  if (missing) {
    const id = vhostLabel(vhost.serverName.value, vhost.port);
    const what = missing.knownIssuer
      ? `the intermediate ${missing.issuer}`
      : `the issuer ${missing.issuer}`;
    findings.push(
      atFile(
        'chain-incomplete',
        sentRef,
        `${id} sends a chain that stops at ${missing.last.subject}: ${what} is not sent ` +
          '(neither after the leaf nor in SSLCertificateChainFile, nor found by OpenSSL in ' +
          'SSLCACertificateFile). Clients that do not already hold it fail the handshake ' +
          '(curl: unable to get local issuer certificate).',
        {
          related: [blockLocation(leaf.file, leaf.block, `leaf: ${leaf.value.subject}`)],
          data: { missingIssuer: missing.issuer },
        },
      ),
    );
  }
  return findings;
}

function usable(file: LoadedPemFile): boolean {
  return file.problem === null && !(file.pem?.glued ?? false) && file.badCertificates.length === 0;
}

/** The key matches a later certificate and not the first: the AH02565 error case. */
function leafNotFirst(ctx: RuleContext, certFile: LoadedPemFile, keyRef: FileRef | null): boolean {
  const keyFile = keyRef ? ctx.pki.load(keyRef.localPath) : certFile;
  const key = (keyRef ? keyFile.keys : visible(keyFile.keys))[0]?.value;
  if (!key?.publicKey) return false;
  const [first, ...rest] = visible(certFile.certificates);
  if (!first || keyMatchesCertificate(key, first.value)) return false;
  return rest.some((c) => keyMatchesCertificate(key, c.value));
}

interface MissingIssuer {
  /** The last certificate the chain reaches. */
  last: CertView;
  /** Its issuer's name, as written in `last`. */
  issuer: string;
  /** The issuer was found among the config's other certificates (so it is an intermediate). */
  knownIssuer: boolean;
}

/**
 * Walks issuers from the leaf through the certificates Apache sends. The chain is complete
 * when it reaches a self-signed certificate, or a certificate whose issuer is a self-signed
 * certificate the config names or that sits beside its files (the root need not be sent).
 * When the issuer is nowhere to be found, a sent CA is assumed to be signed by a root clients
 * hold (we cannot tell it is not); a lone leaf is judged incomplete only when the config shows
 * its roots (some self-signed CA certificate is known) and none of them issued the leaf.
 */
function missingIssuer(
  leaf: CertView,
  pool: CertView[],
  knownCertificates: () => CertView[],
): MissingIssuer | null {
  const seen = new Set<string>();
  let current = leaf;
  while (!seen.has(current.sha256)) {
    seen.add(current.sha256);
    if (isSelfSigned(current)) return null;
    const next = issuerIn(current, pool);
    if (next) {
      current = next;
      continue;
    }
    const known = knownCertificates();
    const elsewhere = issuerIn(current, known);
    if (elsewhere && isSelfSigned(elsewhere)) return null;
    if (!elsewhere && (current !== leaf || !known.some(isRootCa))) return null;
    return { last: current, issuer: current.issuer, knownIssuer: elsewhere !== null };
  }
  return null;
}

function issuerIn(cert: CertView, candidates: CertView[]): CertView | null {
  return (
    candidates.find(
      (c) =>
        c.sha256 !== cert.sha256 && sameBytes(c.subjectDer, cert.issuerDer) && isSignedBy(cert, c),
    ) ?? null
  );
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

/**
 * Each certificate Apache sends must be followed by its issuer when that issuer is sent too:
 * the leaf's issuer first, then its issuer, and so on. OpenSSL sends them in file order.
 */
function orderFinding(ref: FileRef, leaf: CertView, sent: Located<CertView>[]): Finding | null {
  const values = sent.map((c) => c.value);
  const sequence = [leaf, ...values];
  for (let i = 0; i < sequence.length - 1; i++) {
    const issuer = issuerIn(sequence[i]!, values);
    if (!issuer || issuer.sha256 === sequence[i + 1]?.sha256) continue;
    const misplaced = sent[values.indexOf(issuer)]!;
    return atFile(
      'chain-order',
      ref,
      `The chain in ${ref.deployedPath} is out of order: ${sequence[i]!.subject} is not ` +
        `followed by its issuer ${issuer.subject}. Strict clients fail to build the chain; ` +
        'order it leaf, then each issuer in turn.',
      {
        severity: 'warning',
        related: [blockLocation(misplaced.file, misplaced.block, `issuer: ${issuer.subject}`)],
      },
    );
  }
  return null;
}

const knownPerCheck = new WeakMap<Topology, CertView[]>();

/**
 * Every certificate the config names for any TLS purpose, and those in the same folders: where
 * a missing issuer may be found (a CA certificate usually sits beside what it issued). Read
 * only when a chain looks incomplete, once per check; it reads the whole config, so the
 * vhost's findings are not kept for reuse (`readsWholeConfig`).
 */
function knownCertificates(ctx: RuleContext): CertView[] {
  ctx.readsWholeConfig?.();
  let known = knownPerCheck.get(ctx.topology);
  if (known === undefined) {
    known = collectKnownCertificates(ctx);
    knownPerCheck.set(ctx.topology, known);
  }
  return known;
}

function collectKnownCertificates(ctx: RuleContext): CertView[] {
  const refs: (FileRef | null)[] = [];
  for (const vhost of ctx.topology.servers) {
    const tls = vhost.tls;
    refs.push(...tls.certificateFiles, tls.chainFile, tls.caCertificateFile, tls.caCertificatePath);
    for (const route of vhost.routes) {
      const { caCertificateFile, caCertificatePath, machineCertificateChainFile } = route.proxyTls;
      refs.push(caCertificateFile, caCertificatePath, machineCertificateChainFile);
    }
  }
  const certificates = loadTrustStore(ctx.pki, refs).certificates.map((c) => c.value);
  const folders = new Set(
    refs
      .filter((r): r is FileRef => r !== null && !isPathDirective(r))
      .map((r) => dirname(r.localPath)),
  );
  for (const folder of folders) {
    // A bounded look: a system folder (/etc/ssl/certs) must not slow every check down.
    for (const entry of ctx.pki.listDirectory(folder).slice(0, MAX_FOLDER_FILES)) {
      const file = ctx.pki.load(entry);
      if (file.problem === null) certificates.push(...file.certificates.map((c) => c.value));
    }
  }
  return certificates;
}

function isRootCa(cert: CertView): boolean {
  return cert.isCA && isSelfSigned(cert);
}
