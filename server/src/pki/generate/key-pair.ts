/**
 * Key generation (WebCrypto) and export in the formats Apache and OpenSSL read
 * (node:crypto). Key bytes only ever leave this module as PEM/DER for files, never as text
 * in an error message.
 */
import { createPrivateKey, createPublicKey, type KeyObject, type webcrypto } from 'node:crypto';
import type { KeyType } from './types';

const subtle = globalThis.crypto.subtle;

type CryptoKey = webcrypto.CryptoKey;
type KeyAlgorithmParams = webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams;

function generationParams(keyType: KeyType): KeyAlgorithmParams {
  switch (keyType) {
    case 'rsa-2048':
    case 'rsa-3072':
    case 'rsa-4096':
      return {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: Number(keyType.slice(4)),
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      };
    case 'ec-p256':
      return { name: 'ECDSA', namedCurve: 'P-256' };
    case 'ec-p384':
      return { name: 'ECDSA', namedCurve: 'P-384' };
  }
}

/** The digest a key of this type signs with: SHA-384 for P-384, SHA-256 otherwise. */
export function signatureHash(keyType: KeyType): 'SHA-256' | 'SHA-384' {
  return keyType === 'ec-p384' ? 'SHA-384' : 'SHA-256';
}

export function isEcKeyType(keyType: KeyType): boolean {
  return keyType.startsWith('ec-');
}

/** A fresh extractable key pair (extractable so it can be written to a file). */
export async function generateKeyPair(keyType: KeyType): Promise<webcrypto.CryptoKeyPair> {
  const pair = await subtle.generateKey(generationParams(keyType), true, ['sign', 'verify']);
  return pair as webcrypto.CryptoKeyPair;
}

/** PKCS#8 PrivateKeyInfo DER of a WebCrypto private key. */
export async function exportPkcs8Der(privateKey: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await subtle.exportKey('pkcs8', privateKey));
}

/** SubjectPublicKeyInfo DER of a WebCrypto public key. */
export async function exportSpkiDer(publicKey: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await subtle.exportKey('spki', publicKey));
}

/**
 * Traditional PEM: `RSA PRIVATE KEY` (PKCS#1) or `EC PRIVATE KEY` (SEC1, named curve),
 * unencrypted. Every OpenSSL version reads these in SSLProxyMachineCertificateFile.
 */
export async function exportTraditionalPem(privateKey: CryptoKey): Promise<string> {
  const keyObject = createPrivateKey({
    key: Buffer.from(await exportPkcs8Der(privateKey)),
    format: 'der',
    type: 'pkcs8',
  });
  const type = keyObject.asymmetricKeyType === 'ec' ? 'sec1' : 'pkcs1';
  return keyObject.export({ type, format: 'pem' }).toString();
}

/** What key type a node:crypto key object is; null for anything we do not generate. */
export function keyTypeOf(keyObject: KeyObject): KeyType | null {
  const details = keyObject.asymmetricKeyDetails;
  if (keyObject.asymmetricKeyType === 'rsa') {
    const bits = details?.modulusLength;
    if (bits === 2048 || bits === 3072 || bits === 4096) return `rsa-${bits}`;
    return null;
  }
  if (keyObject.asymmetricKeyType === 'ec') {
    if (details?.namedCurve === 'prime256v1') return 'ec-p256';
    if (details?.namedCurve === 'secp384r1') return 'ec-p384';
  }
  return null;
}

/**
 * Imports an existing private key (any PEM form node:crypto reads, unencrypted) as a
 * WebCrypto signing key. Throws an Error without key bytes when it cannot.
 */
export async function importSigningKey(
  pem: string,
): Promise<{ privateKey: CryptoKey; keyType: KeyType; spkiDer: Uint8Array }> {
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey({ key: pem, format: 'pem' });
  } catch (cause) {
    throw new Error('the CA key is not an unencrypted PEM private key', { cause });
  }
  const keyType = keyTypeOf(keyObject);
  if (keyType === null) throw new Error('the CA key is not RSA 2048/3072/4096 or EC P-256/P-384');

  const pkcs8 = keyObject.export({ type: 'pkcs8', format: 'der' });
  const params = generationParams(keyType);
  const importParams =
    'namedCurve' in params
      ? { name: 'ECDSA', namedCurve: params.namedCurve }
      : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const privateKey = await subtle.importKey('pkcs8', pkcs8, importParams, true, ['sign']);
  const spkiDer = createPublicKey(keyObject).export({ type: 'spki', format: 'der' });
  return { privateKey, keyType, spkiDer: new Uint8Array(spkiDer) };
}
