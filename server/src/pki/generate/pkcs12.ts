/**
 * PKCS#12 for client certificates (browsers, curl `--cert-type P12`, Windows/macOS import).
 *
 * Algorithms, chosen to open in OpenSSL 3 without the legacy provider and in OpenSSL 1.1.1
 * alike (they are what OpenSSL 3's `pkcs12 -export` writes by default):
 * - key: PKCS8ShroudedKeyBag, PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC);
 * - certificates: EncryptedData, the same PBES2 parameters;
 * - integrity: HMAC-SHA256 MAC with the RFC 7292 appendix B key derivation.
 * RC2/3DES/SHA-1 are avoided: OpenSSL 3 needs the legacy provider for RC2.
 */
import { createHash, randomBytes, type webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { cryptoEngine } from './crypto-engine';
import { exportPkcs8Der } from './key-pair';
import type { PlannedFile } from './types';

const PBKDF2_ITERATIONS = 2048;
const MAC_ITERATIONS = 2048;
const OID_KEY_BAG = '1.2.840.113549.1.12.10.1.2';
const OID_CERT_BAG = '1.2.840.113549.1.12.10.1.3';
const OID_FRIENDLY_NAME = '1.2.840.113549.1.9.20';
const OID_LOCAL_KEY_ID = '1.2.840.113549.1.9.21';

export interface Pkcs12Input {
  certificateDer: Uint8Array;
  privateKey: webcrypto.CryptoKey;
  /** Certificates above the leaf to include, nearest first (the root may be included). */
  chainDer: Uint8Array[];
  /** Shown by importers as the identity's name. */
  friendlyName: string;
  /** Non-empty; used as UTF-8 for PBES2 and as BMPString for the MAC, as OpenSSL does. */
  password: string;
}

function bagAttributes(localKeyId: Uint8Array, friendlyName: string): pkijs.Attribute[] {
  return [
    new pkijs.Attribute({
      type: OID_FRIENDLY_NAME,
      values: [new asn1js.BmpString({ value: friendlyName })],
    }),
    new pkijs.Attribute({
      type: OID_LOCAL_KEY_ID,
      values: [new asn1js.OctetString({ valueHex: localKeyId })],
    }),
  ];
}

function certificateBag(der: Uint8Array, attributes?: pkijs.Attribute[]): pkijs.SafeBag {
  const bag = new pkijs.CertBag({ parsedValue: pkijs.Certificate.fromBER(der) });
  return new pkijs.SafeBag({
    bagId: OID_CERT_BAG,
    bagValue: bag,
    ...(attributes === undefined ? {} : { bagAttributes: attributes }),
  });
}

/** DER of a password-protected PFX holding the key, the certificate and its chain. */
export async function buildPkcs12(input: Pkcs12Input): Promise<Uint8Array> {
  if (input.password === '') throw new Error('a PKCS#12 file needs a non-empty password');
  const password = new Uint8Array(Buffer.from(input.password, 'utf8')).buffer;
  const encryption = {
    password,
    contentEncryptionAlgorithm: { name: 'AES-CBC', length: 256 },
    hmacHashAlgorithm: 'SHA-256',
    iterationCount: PBKDF2_ITERATIONS,
  };
  // OpenSSL's convention: localKeyId is the SHA-1 of the certificate it pairs with.
  const localKeyId = new Uint8Array(createHash('sha1').update(input.certificateDer).digest());
  const attributes = bagAttributes(localKeyId, input.friendlyName);

  const keyInfo = pkijs.PrivateKeyInfo.fromBER(await exportPkcs8Der(input.privateKey));
  const shroudedKey = new pkijs.PKCS8ShroudedKeyBag({ parsedValue: keyInfo });
  await shroudedKey.makeInternalValues(encryption, cryptoEngine);
  const keyContents = new pkijs.SafeContents({
    safeBags: [
      new pkijs.SafeBag({ bagId: OID_KEY_BAG, bagValue: shroudedKey, bagAttributes: attributes }),
    ],
  });
  const certificateContents = new pkijs.SafeContents({
    safeBags: [
      certificateBag(input.certificateDer, attributes),
      ...input.chainDer.map((der) => certificateBag(der)),
    ],
  });

  const authenticatedSafe = new pkijs.AuthenticatedSafe({
    parsedValue: {
      safeContents: [
        { privacyMode: 1, value: certificateContents },
        { privacyMode: 0, value: keyContents },
      ],
    },
  });
  await authenticatedSafe.makeInternalValues({ safeContents: [encryption, {}] }, cryptoEngine);

  const pfx = new pkijs.PFX({ parsedValue: { integrityMode: 0, authenticatedSafe } });
  await pfx.makeInternalValues(
    {
      password,
      iterations: MAC_ITERATIONS,
      pbkdf2HashAlgorithm: { name: 'SHA-256' },
      hmacHashAlgorithm: 'SHA-256',
    },
    cryptoEngine,
  );
  return new Uint8Array(pfx.toSchema().toBER(false));
}

/** A random PKCS#12 password and the 0600 file beside the .p12 that records it. */
export function generatedPkcs12Password(p12Path: string): { password: string; file: PlannedFile } {
  const password = randomBytes(18).toString('base64url');
  return {
    password,
    file: {
      path: `${p12Path}.password`,
      content: Buffer.from(`${password}\n`),
      mode: 0o600,
      secret: true,
      privateFolder: false,
      description: 'PKCS#12 password (generated)',
      certificateSha256: null,
    },
  };
}
