/**
 * Fast certificate signature check for the common algorithms: the TBSCertificate bytes,
 * the signature and the issuer's SPKI go straight to node:crypto's `verify`, without
 * loading either certificate as an OpenSSL X509. Mirrors OpenSSL 3.0's `X509_verify`
 * (outer and inner AlgorithmIdentifier must be equal; the digest comes from the OID).
 * Null when the pair is outside that profile; the caller then uses X509Certificate.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { bitStringOctets, children, ensure, oidText, readOnly, TAG_SEQUENCE } from './der';
import type { CertView, KeyAlgorithm } from './types';

/** Signature algorithm OID -> digest and the key algorithm it needs. */
const ALGORITHMS: Record<string, { digest: string; key: KeyAlgorithm; nullParams: boolean }> = {
  '1.2.840.113549.1.1.11': { digest: 'sha256', key: 'rsa', nullParams: true },
  '1.2.840.113549.1.1.12': { digest: 'sha384', key: 'rsa', nullParams: true },
  '1.2.840.113549.1.1.13': { digest: 'sha512', key: 'rsa', nullParams: true },
  '1.2.840.10045.4.3.2': { digest: 'sha256', key: 'ec', nullParams: false },
  '1.2.840.10045.4.3.3': { digest: 'sha384', key: 'ec', nullParams: false },
  '1.2.840.10045.4.3.4': { digest: 'sha512', key: 'ec', nullParams: false },
};

const issuerKeys = new WeakMap<CertView, KeyObject>();

/** Whether `issuer`'s key verifies `certificate`'s signature; null when out of profile. */
export function verifySignatureDer(certificate: CertView, issuer: CertView): boolean | null {
  let parts;
  try {
    parts = signedParts(certificate);
  } catch {
    // Out of the profile (DerOutOfProfile) or anything unforeseen: X509Certificate decides.
    return null;
  }
  const algorithm = ALGORITHMS[parts.algorithmOid];
  if (algorithm === undefined || algorithm.nullParams !== parts.nullParams) return null;
  if (issuer.publicKey.algorithm !== algorithm.key) return null;

  let key = issuerKeys.get(issuer);
  if (key === undefined) {
    try {
      key = createPublicKey({
        key: Buffer.from(issuer.publicKey.spki),
        format: 'der',
        type: 'spki',
      });
    } catch {
      return null;
    }
    issuerKeys.set(issuer, key);
  }
  try {
    return verify(algorithm.digest, parts.tbs, key, parts.signature);
  } catch {
    // A malformed signature value: OpenSSL's X509_verify fails the same way.
    return false;
  }
}

function signedParts(certificate: CertView) {
  const [tbs, outer, signature, ...rest] = children(readOnly(certificate.der, TAG_SEQUENCE));
  ensure(tbs !== undefined && outer !== undefined && signature !== undefined, 'shape');
  ensure(rest.length === 0, 'shape');
  const fields = children(tbs);
  const inner = fields[fields[0]?.tag === 0xa0 ? 2 : 1];
  ensure(
    inner !== undefined && Buffer.from(inner.encoded).equals(Buffer.from(outer.encoded)),
    'inner and outer algorithms differ',
  );
  const [oid, ...parameters] = children(outer);
  ensure(oid !== undefined && parameters.length <= 1, 'AlgorithmIdentifier');
  const nullParams =
    parameters.length === 1 && parameters[0]!.encoded.length === 2 && parameters[0]!.tag === 0x05;
  ensure(parameters.length === 0 || nullParams, 'algorithm parameters');
  return {
    tbs: tbs.encoded,
    algorithmOid: oidText(oid),
    nullParams,
    signature: bitStringOctets(signature),
  };
}
