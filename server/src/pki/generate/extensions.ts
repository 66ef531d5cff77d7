/**
 * The X.509 v3 extensions of each profile (DESIGN section 6): critical basicConstraints and
 * keyUsage, EKU for leaves, SAN when names are given, SKI (RFC 5280 method 1) and AKI.
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { EKU_CLIENT_AUTH, EKU_SERVER_AUTH } from '../types';
import { generalName } from './names';
import type { CertificateRequest, Profile } from './types';
import { isEcKeyType } from './key-pair';
import {
  OID_AUTHORITY_KEY_ID,
  OID_BASIC_CONSTRAINTS,
  OID_EXT_KEY_USAGE,
  OID_KEY_USAGE,
  OID_SUBJECT_ALT_NAME,
  OID_SUBJECT_KEY_ID,
} from '../oids';

/** keyUsage bit numbers (RFC 5280 4.2.1.3). */
const DIGITAL_SIGNATURE = 0;
const KEY_ENCIPHERMENT = 2;
const KEY_CERT_SIGN = 5;
const CRL_SIGN = 6;

export function isCaProfile(profile: Profile): boolean {
  return profile === 'root-ca' || profile === 'intermediate-ca';
}

function extendedKeyUsage(profile: Profile): string | null {
  if (profile === 'server' || profile === 'backend') return EKU_SERVER_AUTH;
  if (profile === 'client' || profile === 'proxy-client') return EKU_CLIENT_AUTH;
  return null;
}

/** DER named BIT STRING: bit 0 is the top bit of the first byte, trailing zeros dropped. */
function namedBitString(bits: number[]): asn1js.BitString {
  const highest = Math.max(...bits);
  const bytes = new Uint8Array(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  return new asn1js.BitString({ valueHex: bytes, unusedBits: 7 - (highest & 7) });
}

function keyUsageBits(request: CertificateRequest): number[] {
  if (isCaProfile(request.profile)) return [KEY_CERT_SIGN, CRL_SIGN];
  // keyEncipherment only means something for RSA key transport; EC keys sign only.
  if (isEcKeyType(request.keyType)) return [DIGITAL_SIGNATURE];
  return [DIGITAL_SIGNATURE, KEY_ENCIPHERMENT];
}

function extension(oid: string, critical: boolean, value: asn1js.BaseBlock): pkijs.Extension {
  return new pkijs.Extension({ extnID: oid, critical, extnValue: value.toBER(false) });
}

/** SHA-1 of the subjectPublicKey BIT STRING contents (RFC 5280 4.2.1.2 method 1). */
export function subjectKeyIdentifier(spki: pkijs.PublicKeyInfo): Uint8Array {
  const keyBits = spki.subjectPublicKey.valueBlock.valueHexView;
  return new Uint8Array(createHash('sha1').update(keyBits).digest());
}

/** The SKI a certificate declares, else one computed from its key. */
export function declaredKeyIdentifier(certificate: pkijs.Certificate): Uint8Array {
  const ski = certificate.extensions?.find((e) => e.extnID === OID_SUBJECT_KEY_ID);
  if (ski !== undefined) {
    const parsed = asn1js.fromBER(ski.extnValue.valueBlock.valueHexView);
    if (parsed.result instanceof asn1js.OctetString) {
      return new Uint8Array(parsed.result.valueBlock.valueHexView);
    }
  }
  return subjectKeyIdentifier(certificate.subjectPublicKeyInfo);
}

/** All extensions of a certificate for `request`, in the order OpenSSL prints them. */
export function buildExtensions(
  request: CertificateRequest,
  subjectKeyId: Uint8Array,
  authorityKeyId: Uint8Array,
): pkijs.Extension[] {
  const ca = isCaProfile(request.profile);
  const pathLength = request.pathLength ?? null;
  const basicConstraints = ca
    ? new pkijs.BasicConstraints(
        pathLength === null ? { cA: true } : { cA: true, pathLenConstraint: pathLength },
      )
    : new pkijs.BasicConstraints({});
  const extensions = [
    extension(OID_BASIC_CONSTRAINTS, true, basicConstraints.toSchema()),
    extension(OID_KEY_USAGE, true, namedBitString(keyUsageBits(request))),
  ];

  const eku = extendedKeyUsage(request.profile);
  if (eku !== null) {
    const usage = new pkijs.ExtKeyUsage({ keyPurposes: [eku] });
    extensions.push(extension(OID_EXT_KEY_USAGE, false, usage.toSchema()));
  }
  if (request.altNames.length > 0) {
    const names = new pkijs.GeneralNames({ names: request.altNames.map(generalName) });
    extensions.push(extension(OID_SUBJECT_ALT_NAME, false, names.toSchema()));
  }

  extensions.push(
    extension(OID_SUBJECT_KEY_ID, false, new asn1js.OctetString({ valueHex: subjectKeyId })),
  );
  const aki = new pkijs.AuthorityKeyIdentifier({
    keyIdentifier: new asn1js.OctetString({ valueHex: authorityKeyId }),
  });
  extensions.push(extension(OID_AUTHORITY_KEY_ID, false, aki.toSchema()));
  return extensions;
}
