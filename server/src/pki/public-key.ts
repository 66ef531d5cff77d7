/** Public key descriptions from node:crypto key objects, shared by certificates and keys. */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { curveBits, curveName } from './cert-names';
import type { KeyAlgorithm, PublicKeyInfo } from './types';

const ALGORITHMS: Record<string, KeyAlgorithm> = {
  rsa: 'rsa',
  'rsa-pss': 'rsa-pss',
  dsa: 'dsa',
  ec: 'ec',
  ed25519: 'ed25519',
  ed448: 'ed448',
};

/**
 * Describes a public key (or the public half of a private key). The SPKI is OpenSSL's own
 * re-encoding, so a key and a certificate holding the same key yield identical bytes.
 */
export function describePublicKey(key: KeyObject): PublicKeyInfo {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  const algorithm = ALGORITHMS[publicKey.asymmetricKeyType ?? ''] ?? 'unknown';
  const details = publicKey.asymmetricKeyDetails ?? {};

  if (algorithm === 'ec' && details.namedCurve !== undefined) {
    const curve = curveName(details.namedCurve);
    return { algorithm, bits: curveBits(curve), curve, spki };
  }
  const fixedBits = algorithm === 'ed25519' ? 256 : algorithm === 'ed448' ? 456 : 0;
  return { algorithm, bits: details.modulusLength ?? fixedBits, spki };
}

/** True when both describe the same public key (byte-equal SPKI). */
export function samePublicKey(a: PublicKeyInfo, b: PublicKeyInfo): boolean {
  // Compared in place: Buffer.from would copy both keys for every pair a rule looks at.
  if (a.spki === b.spki) return true;
  return a.spki.length === b.spki.length && Buffer.compare(a.spki, b.spki) === 0;
}
