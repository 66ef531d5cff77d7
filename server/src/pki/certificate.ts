/**
 * X.509 certificate view over pkijs. Parsing is synchronous; views are cached by the SHA-256
 * of the DER so a certificate named by many directives is parsed once. Certificates in the
 * common profile are read by the strict DER fast path (`certificate-der.ts`, same view);
 * pkijs reads everything else and decides what is not a certificate.
 */
import { createHash, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import {
  OID_COMMON_NAME,
  keyUsageFlags,
  renderIpAddress,
  renderName,
  signatureAlgorithmName,
  type NameAttribute,
} from './cert-names';
import { readCertificateDer } from './certificate-der';
import { verifySignatureDer } from './signature-der';
import { describePublicKey } from './public-key';
import type { CertView, KeyUsageFlags, PublicKeyInfo } from './types';
import {
  OID_AUTHORITY_KEY_ID,
  OID_BASIC_CONSTRAINTS,
  OID_EXT_KEY_USAGE,
  OID_KEY_USAGE,
  OID_SUBJECT_ALT_NAME,
  OID_SUBJECT_KEY_ID,
} from './oids';

const GENERAL_NAME_DNS = 2;
const GENERAL_NAME_IP = 7;

/** The DER is not an X.509 certificate; `reason` never contains the input bytes. */
export class CertificateParseError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'CertificateParseError';
  }
}

const CACHE_LIMIT = 4096;
const cache = new Map<string, CertView>();

/** Hex SHA-256, uppercase and colon-free (the CertView.sha256 form). */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').toUpperCase();
}

/** Parses one DER certificate. Throws CertificateParseError when it is not one. */
export function parseCertificate(der: Uint8Array): CertView {
  const sha256 = sha256Hex(der);
  const cached = cache.get(sha256);
  if (cached !== undefined) return cached;

  let view: CertView;
  try {
    view = readCertificateDer(der, sha256);
  } catch {
    // Out of the fast profile (DerOutOfProfile) or anything unforeseen: pkijs decides.
    view = parseCertificateWithPkijs(der, sha256);
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(sha256, view);
  return view;
}

/**
 * The pkijs path alone, uncached: the parser of record for certificates outside the fast
 * profile, and the reference the fast path is tested against.
 */
export function parseCertificateWithPkijs(der: Uint8Array, sha256 = sha256Hex(der)): CertView {
  let certificate: pkijs.Certificate;
  try {
    certificate = pkijs.Certificate.fromBER(der);
  } catch (error) {
    throw new CertificateParseError('not a DER X.509 certificate', { cause: error });
  }
  return buildView(certificate, new Uint8Array(der), sha256);
}

function buildView(certificate: pkijs.Certificate, der: Uint8Array, sha256: string): CertView {
  const subject = nameAttributes(certificate.subject);
  const issuer = nameAttributes(certificate.issuer);
  const subjectDer = nameDer(certificate.subject);
  const issuerDer = nameDer(certificate.issuer);
  const altNames = subjectAltNames(certificate);
  const basicConstraints = extensionValue<pkijs.BasicConstraints>(
    certificate,
    OID_BASIC_CONSTRAINTS,
  );

  return {
    der,
    sha256,
    serialHex: serialHex(certificate.serialNumber.valueBlock.valueHexView),
    subject: renderName(subject),
    issuer: renderName(issuer),
    subjectDer,
    issuerDer,
    commonNames: subject.filter((a) => a.oid === OID_COMMON_NAME).map((a) => a.value),
    notBefore: certificate.notBefore.value,
    notAfter: certificate.notAfter.value,
    dnsNames: altNames.dnsNames,
    ipAddresses: altNames.ipAddresses,
    extKeyUsage:
      extensionValue<pkijs.ExtKeyUsage>(certificate, OID_EXT_KEY_USAGE)?.keyPurposes ?? null,
    keyUsage: keyUsage(certificate),
    isCA: basicConstraints?.cA ?? false,
    pathLen: pathLenValue(basicConstraints?.pathLenConstraint),
    hasBasicConstraints: basicConstraints !== undefined,
    selfIssued: Buffer.from(subjectDer).equals(Buffer.from(issuerDer)),
    subjectKeyId: octetsHex(extensionValue<asn1js.OctetString>(certificate, OID_SUBJECT_KEY_ID)),
    authorityKeyId: octetsHex(
      extensionValue<pkijs.AuthorityKeyIdentifier>(certificate, OID_AUTHORITY_KEY_ID)
        ?.keyIdentifier,
    ),
    signatureAlgorithm: signatureAlgorithmName(certificate.signatureAlgorithm.algorithmId),
    publicKey: publicKeyInfo(certificate, der),
  };
}

function pathLenValue(pathLen: number | asn1js.Integer | undefined): number | null {
  if (pathLen === undefined) return null;
  return typeof pathLen === 'number' ? pathLen : pathLen.valueBlock.valueDec;
}

function extensionValue<T>(certificate: pkijs.Certificate, oid: string): T | undefined {
  const extension = certificate.extensions?.find((e) => e.extnID === oid);
  return extension?.parsedValue as T | undefined;
}

function nameAttributes(name: pkijs.RelativeDistinguishedNames): NameAttribute[] {
  return name.typesAndValues.map((attribute) => ({
    oid: attribute.type,
    value: attributeText(attribute.value),
  }));
}

/** String attributes as text; anything else as `#` + hex of its DER, as RFC 4514 does. */
function attributeText(value: unknown): string {
  const block = (value as { valueBlock?: { value?: unknown } }).valueBlock;
  if (typeof block?.value === 'string') return block.value;
  if (value instanceof asn1js.BaseBlock) return `#${toHex(new Uint8Array(value.toBER()))}`;
  return '';
}

/** The Name exactly as encoded in the certificate, for byte-wise issuer matching. */
function nameDer(name: pkijs.RelativeDistinguishedNames): Uint8Array {
  const original = name.valueBeforeDecode;
  if (original !== undefined && original.byteLength > 0) return new Uint8Array(original);
  return new Uint8Array(name.toSchema().toBER());
}

function subjectAltNames(certificate: pkijs.Certificate) {
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  const altName = extensionValue<pkijs.AltName>(certificate, OID_SUBJECT_ALT_NAME);
  for (const name of altName?.altNames ?? []) {
    if (name.type === GENERAL_NAME_DNS && typeof name.value === 'string') {
      dnsNames.push(name.value);
    } else if (name.type === GENERAL_NAME_IP && name.value instanceof asn1js.OctetString) {
      ipAddresses.push(renderIpAddress(name.value.valueBlock.valueHexView));
    }
  }
  return { dnsNames, ipAddresses };
}

/** KeyUsage BIT STRING: bit 0 is the most significant bit of the first byte. */
function keyUsage(certificate: pkijs.Certificate): KeyUsageFlags | null {
  const bits = extensionValue<asn1js.BitString>(certificate, OID_KEY_USAGE);
  if (bits === undefined) return null;
  const bytes = bits.valueBlock.valueHexView;
  return keyUsageFlags(bytes);
}

/** SPKI as OpenSSL re-encodes it, so it compares equal to a key's; pkijs' bytes otherwise. */
function publicKeyInfo(certificate: pkijs.Certificate, der: Uint8Array): PublicKeyInfo {
  try {
    return describePublicKey(new X509Certificate(der).publicKey);
  } catch {
    const spki = new Uint8Array(certificate.subjectPublicKeyInfo.toSchema().toBER());
    return { algorithm: 'unknown', bits: 0, spki };
  }
}

/** Serial as OpenSSL prints it: uppercase hex without the DER sign byte. */
function serialHex(bytes: Uint8Array): string {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return toHex(bytes.subarray(start));
}

function octetsHex(octets: asn1js.OctetString | undefined): string | null {
  return octets === undefined ? null : toHex(octets.valueBlock.valueHexView);
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}

/**
 * True when `issuer`'s public key verifies `certificate`'s signature (OpenSSL via
 * node:crypto: the TBS bytes directly for RSA PKCS#1 / ECDSA with SHA-2, else through
 * X509Certificate). False when either certificate cannot be loaded by OpenSSL.
 * Memoized per pair of views: a view stands for fixed DER (views are cached by content hash),
 * and every check re-asks the same pairs (trust stores are rebuilt per vhost and route).
 */
export function isSignedBy(certificate: CertView, issuer: CertView): boolean {
  let byIssuer = verifiedSignatures.get(certificate);
  if (byIssuer === undefined) {
    byIssuer = new WeakMap();
    verifiedSignatures.set(certificate, byIssuer);
  }
  let verified = byIssuer.get(issuer);
  if (verified === undefined) {
    verified = verifySignatureDer(certificate, issuer) ?? verifyWithX509(certificate, issuer);
    byIssuer.set(issuer, verified);
  }
  return verified;
}

/** The X509Certificate path alone: for any algorithm, and the fast path's test reference. */
export function verifyWithX509(certificate: CertView, issuer: CertView): boolean {
  try {
    return nodeCertificate(certificate).verify(nodeCertificate(issuer).publicKey);
  } catch {
    return false;
  }
}

/** Certificate view -> issuer view -> whether the issuer's key verifies its signature. */
const verifiedSignatures = new WeakMap<CertView, WeakMap<CertView, boolean>>();

const nodeCertificates = new WeakMap<CertView, X509Certificate>();

function nodeCertificate(view: CertView): X509Certificate {
  let loaded = nodeCertificates.get(view);
  if (loaded === undefined) {
    loaded = new X509Certificate(view.der);
    nodeCertificates.set(view, loaded);
  }
  return loaded;
}
