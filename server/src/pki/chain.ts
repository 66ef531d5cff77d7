/**
 * Chain building and checking the way OpenSSL 3.0's `X509_verify_cert` does it for Apache:
 * trusted-first issuer search, no partial chains (the chain must end at a self-signed
 * certificate that is in the trust store), then the extension checks (CA flags, path length,
 * purpose) from the leaf up, then signatures and validity times from the anchor down.
 * Errors use OpenSSL 3.0.22's own words (`X509_verify_cert_error_string`).
 */
import { isSignedBy } from './certificate';
import { EKU_CLIENT_AUTH, EKU_SERVER_AUTH, type CertView, type ChainResult } from './types';

export type ChainPurpose = 'sslclient' | 'sslserver';

export interface ChainOptions {
  /** The instant validity is judged at. */
  at: Date;
  /**
   * OpenSSL's X509 purpose. A server verifying client certificates (SSLVerifyClient) uses
   * `sslclient`; the proxy verifying a backend (SSLProxyVerify) uses `sslserver`.
   */
  purpose?: ChainPurpose;
  /**
   * `SSLVerifyClient` / `SSLProxyVerify optional_no_ca`: mod_ssl accepts a chain whose only
   * fault is a missing or untrusted issuer (`ssl_verify_error_is_optional`); OpenSSL's other
   * checks still apply to the chain as far as it was built.
   */
  noCaAccepted?: boolean;
}

const SELF_SIGNED = 'self-signed certificate';
const SELF_SIGNED_IN_CHAIN = 'self-signed certificate in certificate chain';
const NO_LOCAL_ISSUER = 'unable to get local issuer certificate';
/** The errors `optional_no_ca` lets pass (of those this builder reports). */
const NO_CA_ERRORS = new Set([SELF_SIGNED, SELF_SIGNED_IN_CHAIN, NO_LOCAL_ISSUER]);

/** OpenSSL's default verify depth; mod_ssl never changes it (its own check is separate). */
const OPENSSL_MAX_CHAIN = 101;

/** Builds and checks the chain of `leaf`. Never throws. */
export function buildChain(
  leaf: CertView,
  untrusted: CertView[],
  trustAnchors: CertView[],
  options: ChainOptions,
): ChainResult {
  const built = build(leaf, untrusted, trustAnchors);
  const noCa = options.noCaAccepted === true && NO_CA_ERRORS.has(built.error ?? '');
  const error =
    (noCa ? null : built.error) ??
    checkExtensions(built.chain, options.purpose) ??
    checkSignaturesAndTimes(built.chain, options.at);
  return { certificates: built.chain, trusted: built.trusted || noCa, error };
}

/**
 * mod_ssl's depth rule (Apache 2.4, `ssl_callback_SSLVerify`; research section 3): a chain
 * of `chainLength` certificates, counting the leaf and the trust anchor, is accepted by
 * SSLVerifyDepth / SSLProxyVerifyDepth `depth` iff chainLength - 1 <= depth.
 */
export function apacheDepthAccepts(chainLength: number, depth: number): boolean {
  return chainLength - 1 <= depth;
}

/** The smallest SSLVerifyDepth / SSLProxyVerifyDepth that accepts `chain` (length - 1). */
export function depthNeeded(chain: readonly CertView[]): number {
  return chain.length - 1;
}

interface BuiltChain {
  chain: CertView[];
  trusted: boolean;
  error: string | null;
}

function build(leaf: CertView, untrusted: CertView[], trustAnchors: CertView[]): BuiltChain {
  const chain = [leaf];
  // Once a certificate comes from the trust store, OpenSSL looks for issuers only there.
  let fromStore = 0;

  while (chain.length < OPENSSL_MAX_CHAIN) {
    const current = chain[chain.length - 1]!;
    if (isSelfSigned(current)) {
      if (contains(trustAnchors, current)) return { chain, trusted: true, error: null };
      const error = chain.length === 1 ? SELF_SIGNED : SELF_SIGNED_IN_CHAIN;
      return { chain, trusted: false, error };
    }

    const unused = (candidates: CertView[]) => candidates.filter((c) => !contains(chain, c));
    const trustedIssuer = findIssuer(current, unused(trustAnchors));
    const issuer = trustedIssuer ?? (fromStore > 0 ? null : findIssuer(current, unused(untrusted)));
    if (issuer === null) {
      const error =
        fromStore > 0 || contains(trustAnchors, current)
          ? 'unable to get issuer certificate'
          : NO_LOCAL_ISSUER;
      return { chain, trusted: false, error };
    }
    if (trustedIssuer !== null) fromStore++;
    chain.push(issuer);
  }
  return { chain, trusted: false, error: 'certificate chain too long' };
}

/**
 * Issuer candidates match by name and, when both carry key identifiers, by AKI = SKI.
 * A candidate whose key verifies the signature wins; otherwise the first name match is used
 * and the signature check reports the failure later, as OpenSSL does.
 */
function findIssuer(certificate: CertView, candidates: CertView[]): CertView | null {
  const matches = candidates.filter((candidate) => issuedBy(certificate, candidate));
  return matches.find((candidate) => isSignedBy(certificate, candidate)) ?? matches[0] ?? null;
}

function issuedBy(certificate: CertView, issuer: CertView): boolean {
  if (!sameName(certificate.issuerDer, issuer.subjectDer, certificate.issuer, issuer.subject)) {
    return false;
  }
  const aki = certificate.authorityKeyId;
  const ski = issuer.subjectKeyId;
  return aki === null || ski === null || aki === ski;
}

/**
 * Byte-equal DER, or equal after OpenSSL-like canonicalisation (case and inner whitespace of
 * the rendered values do not matter to `X509_NAME_cmp`).
 */
function sameName(a: Uint8Array, b: Uint8Array, aText: string, bText: string): boolean {
  if (Buffer.from(a).equals(Buffer.from(b))) return true;
  const canonical = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim();
  return canonical(aText) === canonical(bText);
}

/**
 * OpenSSL's EXFLAG_SS: self-issued, its AKI (if any) names its own SKI, and keyUsage (if
 * any) allows keyCertSign. The signature itself is not checked for anchors.
 */
function isSelfSigned(certificate: CertView): boolean {
  if (!certificate.selfIssued) return false;
  const aki = certificate.authorityKeyId;
  if (aki !== null && certificate.subjectKeyId !== null && aki !== certificate.subjectKeyId) {
    return false;
  }
  return certificate.keyUsage === null || certificate.keyUsage.keyCertSign;
}

function contains(list: readonly CertView[], certificate: CertView): boolean {
  return list.some((entry) => entry.sha256 === certificate.sha256);
}

/**
 * OpenSSL 3.0's `check_chain` on issuers: keyUsage (when present) must allow keyCertSign;
 * an intermediate needs basicConstraints CA:TRUE (X509_STRICT is implicit for intermediate
 * CAs), while the trust anchor may also be a legacy form `X509_check_ca` tolerates (no
 * basicConstraints, and self-signed or carrying keyUsage).
 */
function actsAsCA(certificate: CertView, isAnchor: boolean): boolean {
  if (certificate.keyUsage !== null && !certificate.keyUsage.keyCertSign) return false;
  if (certificate.isCA) return true;
  if (hasBasicConstraints(certificate) || !isAnchor) return false;
  return isSelfSigned(certificate) || certificate.keyUsage !== null;
}

function hasBasicConstraints(certificate: CertView): boolean {
  return certificate.hasBasicConstraints ?? (certificate.isCA || certificate.pathLen !== null);
}

function checkExtensions(chain: CertView[], purpose: ChainPurpose | undefined): string | null {
  let pathLength = 0;
  for (let i = 0; i < chain.length; i++) {
    const certificate = chain[i]!;
    const isAnchor = i === chain.length - 1;
    if (i > 0 && !actsAsCA(certificate, isAnchor)) return 'invalid CA certificate';
    if (i > 1 && certificate.pathLen !== null && pathLength > certificate.pathLen) {
      return 'path length constraint exceeded';
    }
    if (i > 0 && !certificate.selfIssued) pathLength++;
    // OpenSSL 3 checks the anchor's purpose too: X509_TRUST_NO_SS_COMPAT gives a self-signed
    // root without auxiliary trust no pass, so its EKU must allow the purpose as well.
    if (purpose !== undefined && !purposeAllows(certificate, purpose, i > 0)) {
      return 'unsuitable certificate purpose';
    }
  }
  return null;
}

/**
 * OpenSSL 3.0 `check_purpose_ssl_client/server`: an EKU, when present, must list the
 * purpose's OID (anyExtendedKeyUsage alone does not do: OpenSSL 3.0.22 rejects it); a leaf's
 * keyUsage, when present, must allow the handshake's use of the key.
 */
function purposeAllows(certificate: CertView, purpose: ChainPurpose, isCA: boolean): boolean {
  const wanted = purpose === 'sslclient' ? EKU_CLIENT_AUTH : EKU_SERVER_AUTH;
  if (certificate.extKeyUsage !== null && !certificate.extKeyUsage.includes(wanted)) return false;
  if (isCA) return true;
  const usage = certificate.keyUsage;
  if (usage === null) return true;
  if (purpose === 'sslclient') return usage.digitalSignature || usage.keyAgreement;
  return usage.digitalSignature || usage.keyEncipherment || usage.keyAgreement;
}

/** From the anchor down: each signature by its issuer, then the certificate's validity. */
function checkSignaturesAndTimes(chain: CertView[], at: Date): string | null {
  for (let i = chain.length - 1; i >= 0; i--) {
    const certificate = chain[i]!;
    const issuer = chain[i + 1];
    if (issuer !== undefined && !isSignedBy(certificate, issuer)) {
      return 'certificate signature failure';
    }
    if (at < certificate.notBefore) return 'certificate is not yet valid';
    if (at > certificate.notAfter) return 'certificate has expired';
  }
  return null;
}
