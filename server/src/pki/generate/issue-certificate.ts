/**
 * Issues one certificate: new key pair, TBS fields, profile extensions, signature by the
 * issuing CA (or by itself for a root).
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { cryptoEngine } from './crypto-engine';
import {
  buildExtensions,
  declaredKeyIdentifier,
  isCaProfile,
  subjectKeyIdentifier,
} from './extensions';
import { generateKeyPair, signatureHash } from './key-pair';
import { buildDistinguishedName } from './names';
import type { CertificateRequest, IssuedCredential, IssuingCa } from './types';

/** How far notBefore is set back from now, so a peer with a slightly slow clock accepts it. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A random positive 128-bit serial in minimal DER form: 16 random bytes read as an
 * unsigned number, leading zero bytes dropped, 0x00 prepended when the top bit is set.
 */
export function randomSerialBytes(): Uint8Array {
  for (;;) {
    const random = globalThis.crypto.getRandomValues(new Uint8Array(16));
    let start = 0;
    while (start < random.length && random[start] === 0) start++;
    if (start === random.length) continue;
    const magnitude = random.subarray(start);
    if ((magnitude[0]! & 0x80) === 0) return magnitude.slice();
    const padded = new Uint8Array(magnitude.length + 1);
    padded.set(magnitude, 1);
    return padded;
  }
}

/** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
function certificateTime(date: Date): pkijs.Time {
  const type =
    date.getUTCFullYear() < 2050 ? pkijs.TimeType.UTCTime : pkijs.TimeType.GeneralizedTime;
  return new pkijs.Time({ type, value: date });
}

function validateRequest(request: CertificateRequest, issuer: IssuingCa | null): void {
  if (!Number.isInteger(request.days) || request.days < 1) {
    throw new Error(`validity must be a whole number of days >= 1, got ${request.days}`);
  }
  if (request.subject.commonName === '') throw new Error('the subject needs a common name');
  if ((issuer === null) !== (request.profile === 'root-ca')) {
    throw new Error(`profile ${request.profile} ${issuer === null ? 'needs' : 'takes no'} CA`);
  }
  const needsNames = request.profile === 'server' || request.profile === 'backend';
  if (needsNames && request.altNames.length === 0) {
    throw new Error(`a ${request.profile} certificate needs at least one DNS name or IP`);
  }
}

/** Issues the certificate described by `request`; `issuer` null makes a self-signed root. */
export async function issueCertificate(
  request: CertificateRequest,
  issuer: IssuingCa | null,
): Promise<IssuedCredential> {
  validateRequest(request, issuer);
  const keyPair = await generateKeyPair(request.keyType);
  const issuerCertificate =
    issuer === null ? null : pkijs.Certificate.fromBER(issuer.certificateDer);

  const certificate = new pkijs.Certificate();
  certificate.version = 2;
  certificate.serialNumber = new asn1js.Integer({ valueHex: randomSerialBytes() });
  certificate.subject = buildDistinguishedName(request.subject);
  certificate.issuer = issuerCertificate?.subject ?? certificate.subject;
  const notBefore = new Date(Math.floor((Date.now() - CLOCK_SKEW_MS) / 1000) * 1000);
  certificate.notBefore = certificateTime(notBefore);
  certificate.notAfter = certificateTime(new Date(notBefore.getTime() + request.days * DAY_MS));
  await certificate.subjectPublicKeyInfo.importKey(keyPair.publicKey, cryptoEngine);

  const subjectKeyId = subjectKeyIdentifier(certificate.subjectPublicKeyInfo);
  const authorityKeyId =
    issuerCertificate === null ? subjectKeyId : declaredKeyIdentifier(issuerCertificate);
  certificate.extensions = buildExtensions(request, subjectKeyId, authorityKeyId);

  const signerKey = issuer?.privateKey ?? keyPair.privateKey;
  const signerType = issuer?.keyType ?? request.keyType;
  await certificate.sign(signerKey, signatureHash(signerType), cryptoEngine);

  const issuerChainDer = issuer === null ? [] : [issuer.certificateDer, ...issuer.issuerChainDer];
  return {
    profile: request.profile,
    keyType: request.keyType,
    certificateDer: new Uint8Array(certificate.toSchema(true).toBER(false)),
    privateKey: keyPair.privateKey,
    intermediatesDer: issuerChainDer.filter((der) => !isSelfIssued(der)),
    issuerChainDer,
  };
}

/** Subject and issuer DER are equal (a root, for our purposes). */
export function isSelfIssued(der: Uint8Array): boolean {
  const certificate = pkijs.Certificate.fromBER(der);
  const subject = new Uint8Array(certificate.subject.toSchema().toBER(false));
  const issuer = new Uint8Array(certificate.issuer.toSchema().toBER(false));
  return Buffer.from(subject).equals(Buffer.from(issuer));
}

/** Turns an issued CA credential into something that can sign further certificates. */
export function asIssuingCa(credential: IssuedCredential): IssuingCa {
  if (!isCaProfile(credential.profile)) throw new Error(`a ${credential.profile} cannot sign`);
  return {
    certificateDer: credential.certificateDer,
    privateKey: credential.privateKey,
    keyType: credential.keyType,
    issuerChainDer: credential.issuerChainDer,
  };
}
