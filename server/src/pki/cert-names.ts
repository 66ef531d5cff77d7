/**
 * Text renderings used in certificate views: distinguished names, IP addresses and the
 * names OpenSSL gives to signature algorithm OIDs.
 */
import type { KeyUsageFlags } from './types';

/** Short attribute names as OpenSSL prints them; other attributes print as dotted OIDs. */
const ATTRIBUTE_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.42': 'GN',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

export const OID_COMMON_NAME = '2.5.4.3';

export function attributeName(oid: string): string {
  return ATTRIBUTE_NAMES[oid] ?? oid;
}

/** One attribute of a name in RDN order as stored in the certificate (most general first). */
export interface NameAttribute {
  oid: string;
  value: string;
}

/**
 * RFC 4514-like one-line rendering: most specific first (`CN=x,O=y`), special characters
 * escaped with a backslash. Multi-valued RDNs are flattened.
 */
export function renderName(attributes: NameAttribute[]): string {
  return [...attributes]
    .reverse()
    .map((attribute) => `${attributeName(attribute.oid)}=${escapeValue(attribute.value)}`)
    .join(',');
}

function escapeValue(value: string): string {
  const escaped = value.replace(/[,+"\\<>;=]/g, (ch) => `\\${ch}`);
  return escaped.replace(/^[ #]/, (ch) => `\\${ch}`).replace(/ $/, '\\ ');
}

/** Dotted quad for 4 bytes, RFC 5952 text for 16 bytes, hex otherwise. */
export function renderIpAddress(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length !== 16) return Buffer.from(bytes).toString('hex');

  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);

  // RFC 5952: compress the longest run (length >= 2) of zero groups, the first on a tie.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLength).join(':');
  return `${head}::${tail}`;
}

/** OpenSSL's long names for the signature algorithms found in TLS certificates. */
const SIGNATURE_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.2': 'md2WithRSAEncryption',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.2.840.10040.4.3': 'dsaWithSHA1',
  '2.16.840.1.101.3.4.3.2': 'dsa_with_SHA256',
  '1.3.101.112': 'ED25519',
  '1.3.101.113': 'ED448',
};

export function signatureAlgorithmName(oid: string): string {
  return SIGNATURE_ALGORITHMS[oid] ?? oid;
}

/** NIST names for the curves node:crypto reports by their OpenSSL short names. */
const CURVE_NAMES: Record<string, string> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
  secp224r1: 'P-224',
};

export function curveName(opensslName: string): string {
  return CURVE_NAMES[opensslName] ?? opensslName;
}

const CURVE_BITS: Record<string, number> = {
  'P-224': 224,
  'P-256': 256,
  'P-384': 384,
  'P-521': 521,
};

/** Field size of a named curve; 0 when the curve is not one of the NIST prime curves. */
export function curveBits(curve: string): number {
  return CURVE_BITS[curve] ?? 0;
}

/** KeyUsage flags from the BIT STRING's bytes: bit 0 is the most significant bit of byte 0. */
export function keyUsageFlags(bytes: Uint8Array): KeyUsageFlags {
  const bit = (n: number) => ((bytes[n >> 3] ?? 0) & (0x80 >> (n & 7))) !== 0;
  return {
    digitalSignature: bit(0),
    nonRepudiation: bit(1),
    keyEncipherment: bit(2),
    dataEncipherment: bit(3),
    keyAgreement: bit(4),
    keyCertSign: bit(5),
    cRLSign: bit(6),
  };
}
