/**
 * Fast public key descriptions read straight from DER, for the common profile only: RSA
 * (rsaEncryption with NULL parameters) and EC on P-256 / P-384 / P-521 with uncompressed
 * points. For these, OpenSSL 3.0's SPKI re-encoding (what `describePublicKey` returns) is
 * byte-identical to the canonical DER read here, so both paths yield the same
 * `PublicKeyInfo`. Everything else throws `DerOutOfProfile` and callers use node:crypto.
 */
import { curveBits, curveName } from './cert-names';
import {
  bigintOf,
  bitStringOctets,
  children,
  ensure,
  oidText,
  readOnly,
  smallInteger,
  TAG_BIT_STRING,
  TAG_NULL,
  TAG_OCTET_STRING,
  TAG_OID,
  TAG_SEQUENCE,
  unsignedIntegerBytes,
  type DerElement,
} from './der';
import type { PublicKeyInfo } from './types';

const OID_RSA = '1.2.840.113549.1.1.1';
const OID_EC = '1.2.840.10045.2.1';

/** Short-Weierstrass prime curves with a = p - 3; values from `openssl ecparam -text`. */
interface PrimeCurve {
  opensslName: string;
  p: bigint;
  b: bigint;
  /** Group order: a private scalar must lie in [1, n). */
  n: bigint;
  /** Bytes of one coordinate. */
  size: number;
}

const CURVES: Record<string, PrimeCurve> = {
  '1.2.840.10045.3.1.7': {
    opensslName: 'prime256v1',
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
    n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
    size: 32,
  },
  '1.3.132.0.34': {
    opensslName: 'secp384r1',
    p: BigInt(
      '0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe' +
        'ffffffff0000000000000000ffffffff',
    ),
    b: BigInt(
      '0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875a' +
        'c656398d8a2ed19d2a85c8edd3ec2aef',
    ),
    n: BigInt(
      '0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf' +
        '581a0db248b0a77aecec196accc52973',
    ),
    size: 48,
  },
  '1.3.132.0.35': {
    opensslName: 'secp521r1',
    p: 2n ** 521n - 1n,
    b: BigInt(
      '0x51953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109' +
        'e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00',
    ),
    n: BigInt(
      '0x1fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa' +
        '51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409',
    ),
    size: 66,
  },
};

/**
 * An AlgorithmIdentifier SEQUENCE { OID, parameters } as the fast profile takes it: the
 * parameters are required, and for RSA they are NULL.
 */
function algorithmIdentifier(algorithm: DerElement): {
  algorithmOid: string;
  parameters: DerElement;
} {
  ensure(algorithm.tag === TAG_SEQUENCE, 'AlgorithmIdentifier tag');
  const [oid, parameters, ...more] = children(algorithm);
  ensure(oid !== undefined && parameters !== undefined && more.length === 0, 'AlgId shape');
  const algorithmOid = oidText(oid);
  if (algorithmOid === OID_RSA) {
    ensure(parameters.tag === TAG_NULL && parameters.content.length === 0, 'RSA params');
  }
  return { algorithmOid, parameters };
}

/** Describes a SubjectPublicKeyInfo in the fast profile (the input bytes are the SPKI). */
export function describeSpkiDer(spki: Uint8Array): PublicKeyInfo {
  const [algorithm, key, ...rest] = children(readOnly(spki, TAG_SEQUENCE));
  ensure(algorithm !== undefined && key !== undefined && rest.length === 0, 'SPKI shape');
  const { algorithmOid, parameters } = algorithmIdentifier(algorithm);
  if (algorithmOid === OID_RSA) {
    const [modulus, exponent, ...tail] = children(readOnly(bitStringOctets(key), TAG_SEQUENCE));
    ensure(modulus !== undefined && exponent !== undefined && tail.length === 0, 'RSA key');
    return rsaInfo(unsignedIntegerBytes(modulus), unsignedIntegerBytes(exponent), spki);
  }
  ensure(algorithmOid === OID_EC, 'algorithm outside the fast profile');
  const curve = namedCurve(parameters);
  checkPoint(curve, bitStringOctets(key));
  return ecInfo(curve, spki);
}

/** Public key of an unencrypted PKCS#8 PrivateKeyInfo (RSA or EC in the fast profile). */
export function describePkcs8Der(der: Uint8Array): PublicKeyInfo {
  const [version, algorithm, privateKey, ...attributes] = children(readOnly(der, TAG_SEQUENCE));
  ensure(version !== undefined && smallInteger(version) === 0, 'PKCS#8 version');
  ensure(algorithm !== undefined && privateKey?.tag === TAG_OCTET_STRING, 'PKCS#8 shape');
  // Attributes ([0]) are allowed by OpenSSL; a v2 public key ([1]) is not in the profile.
  ensure(
    attributes.every((element) => element.tag === 0xa0),
    'PKCS#8 extra fields',
  );
  const { algorithmOid, parameters } = algorithmIdentifier(algorithm);
  if (algorithmOid === OID_RSA) return describePkcs1Der(privateKey.content);
  ensure(algorithmOid === OID_EC, 'algorithm outside the fast profile');
  return describeSec1Der(privateKey.content, namedCurve(parameters));
}

/** Public key of a PKCS#1 RSAPrivateKey (two-prime, version 0). */
export function describePkcs1Der(der: Uint8Array): PublicKeyInfo {
  const fields = children(readOnly(der, TAG_SEQUENCE));
  ensure(fields.length === 9 && smallInteger(fields[0]!) === 0, 'RSAPrivateKey shape');
  for (const field of fields.slice(3)) unsignedIntegerBytes(field);
  const modulus = unsignedIntegerBytes(fields[1]!);
  const exponent = unsignedIntegerBytes(fields[2]!);
  return rsaInfo(modulus, exponent, rsaSpki(modulus, exponent));
}

/**
 * Public key of a SEC1 ECPrivateKey. It must carry its public point ([1]); the curve comes
 * from its [0] parameters or, inside PKCS#8, from `outerCurve`.
 */
export function describeSec1Der(der: Uint8Array, outerCurve?: PrimeCurve): PublicKeyInfo {
  const [version, scalar, ...tagged] = children(readOnly(der, TAG_SEQUENCE));
  ensure(version !== undefined && smallInteger(version) === 1, 'ECPrivateKey version');
  ensure(scalar?.tag === TAG_OCTET_STRING, 'ECPrivateKey scalar');
  const parameters = tagged.find((element) => element.tag === 0xa0);
  const publicKey = tagged.find((element) => element.tag === 0xa1);
  ensure(tagged.length === (parameters ? 1 : 0) + (publicKey ? 1 : 0), 'ECPrivateKey fields');
  ensure(publicKey !== undefined, 'no embedded public key');

  const innerCurve = parameters === undefined ? undefined : namedCurve(single(parameters));
  ensure(
    outerCurve === undefined || innerCurve === undefined || innerCurve === outerCurve,
    'curve mismatch',
  );
  const curve = innerCurve ?? outerCurve;
  ensure(curve !== undefined, 'no curve');
  const d = bigintOf(scalar.content);
  ensure(scalar.content.length === curve.size && d >= 1n && d < curve.n, 'scalar range');

  const point = bitStringOctets(single(publicKey));
  checkPoint(curve, point);
  return ecInfo(curve, ecSpki(curveOidFor(curve), point));
}

function single(tagged: DerElement): DerElement {
  const [inner, ...rest] = children(tagged);
  ensure(inner !== undefined && rest.length === 0, 'explicit tag shape');
  return inner;
}

function namedCurve(parameters: DerElement): PrimeCurve {
  ensure(parameters.tag === TAG_OID, 'EC parameters not a named curve');
  const curve = CURVES[oidText(parameters)];
  ensure(curve !== undefined, 'curve outside the fast profile');
  return curve;
}

function curveOidFor(curve: PrimeCurve): string {
  return Object.keys(CURVES).find((oid) => CURVES[oid] === curve) as string;
}

/** Uncompressed point on the curve: OpenSSL refuses a point off the curve when decoding. */
function checkPoint(curve: PrimeCurve, point: Uint8Array): void {
  ensure(point.length === 1 + 2 * curve.size && point[0] === 0x04, 'point form');
  const x = bigintOf(point.subarray(1, 1 + curve.size));
  const y = bigintOf(point.subarray(1 + curve.size));
  const { p, b } = curve;
  ensure(x < p && y < p, 'coordinate range');
  const right = (((x * x) % p) * x - 3n * x + b) % p;
  ensure((y * y - right) % p === 0n, 'point not on curve');
}

function rsaInfo(modulus: Uint8Array, exponent: Uint8Array, spki: Uint8Array): PublicKeyInfo {
  const n = bigintOf(modulus);
  ensure(n > 0n && bigintOf(exponent) > 1n, 'RSA values');
  return { algorithm: 'rsa', bits: n.toString(2).length, spki };
}

function ecInfo(curve: PrimeCurve, spki: Uint8Array): PublicKeyInfo {
  const name = curveName(curve.opensslName);
  return { algorithm: 'ec', bits: curveBits(name), curve: name, spki };
}

/** SPKI for an RSA key, as OpenSSL writes it (rsaEncryption, NULL parameters). */
function rsaSpki(modulus: Uint8Array, exponent: Uint8Array): Uint8Array {
  const key = tlv(TAG_SEQUENCE, tlv(0x02, modulus), tlv(0x02, exponent));
  const algorithm = tlv(TAG_SEQUENCE, oidTlv(OID_RSA), tlv(TAG_NULL));
  return tlv(TAG_SEQUENCE, algorithm, tlv(TAG_BIT_STRING, Uint8Array.of(0), key));
}

/** SPKI for an EC key on a named curve with an uncompressed point. */
function ecSpki(curveOid: string, point: Uint8Array): Uint8Array {
  let algorithm = ecAlgorithms.get(curveOid);
  if (algorithm === undefined) {
    algorithm = tlv(TAG_SEQUENCE, oidTlv(OID_EC), oidTlv(curveOid));
    ecAlgorithms.set(curveOid, algorithm);
  }
  return tlv(TAG_SEQUENCE, algorithm, tlv(TAG_BIT_STRING, Uint8Array.of(0), point));
}

/** Curve OID -> encoded AlgorithmIdentifier (ecPublicKey, curve), built once. */
const ecAlgorithms = new Map<string, Uint8Array>();

function oidTlv(dotted: string): Uint8Array {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes: number[] = [];
  for (const arc of [first! * 40 + second!, ...rest]) {
    const groups = [arc & 0x7f];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) {
      groups.unshift((value & 0x7f) | 0x80);
    }
    bytes.push(...groups);
  }
  return tlv(TAG_OID, Uint8Array.from(bytes));
}

function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const content = Buffer.concat(parts);
  const length = content.length;
  let header: number[];
  if (length < 0x80) header = [tag, length];
  else if (length < 0x100) header = [tag, 0x81, length];
  else if (length < 0x10000) header = [tag, 0x82, length >> 8, length & 0xff];
  else header = [tag, 0x83, length >> 16, (length >> 8) & 0xff, length & 0xff];
  return new Uint8Array(Buffer.concat([Uint8Array.from(header), content]));
}
