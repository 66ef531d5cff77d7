/**
 * Private key reading through node:crypto (OpenSSL's own decoders). Only the derived public
 * half leaves this file: no key bytes go into views, errors or logs, and encrypted keys are
 * never decrypted (no pass phrase is ever tried).
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import { describePublicKey, samePublicKey } from './public-key';
import { describePkcs1Der, describePkcs8Der, describeSec1Der } from './public-key-der';
import type { CertView, KeyFormat, KeyView, PemBlock, PublicKeyInfo } from './types';

const TRADITIONAL_LABELS = new Set(['RSA PRIVATE KEY', 'EC PRIVATE KEY', 'DSA PRIVATE KEY']);
const DER_TYPES = ['pkcs8', 'pkcs1', 'sec1'] as const;
const DER_LABELS = { pkcs8: 'PRIVATE KEY', pkcs1: 'RSA PRIVATE KEY', sec1: 'EC PRIVATE KEY' };

/** True for every label OpenSSL 3.0 treats as a private key (anything ending PRIVATE KEY). */
export function isPrivateKeyLabel(label: string): boolean {
  return label.endsWith('PRIVATE KEY');
}

/** The key format a label (and its RFC 1421 headers) stands for. */
export function keyFormatOf(block: PemBlock): KeyFormat {
  if (block.label === 'ENCRYPTED PRIVATE KEY') return 'pkcs8-encrypted';
  if (block.label === 'PRIVATE KEY') return 'pkcs8';
  return isProcTypeEncrypted(block) ? 'traditional-encrypted' : 'traditional';
}

/** `Proc-Type: 4,ENCRYPTED`: OpenSSL keeps such a key as undecrypted data. */
export function isProcTypeEncrypted(block: PemBlock): boolean {
  return /ENCRYPTED/i.test(block.headers['Proc-Type'] ?? '');
}

/** Reads one PEM key block. Never throws; `error` says why no public key could be derived. */
export function readKey(block: PemBlock): KeyView {
  const format = keyFormatOf(block);
  const encrypted = format === 'pkcs8-encrypted' || format === 'traditional-encrypted';
  if (encrypted) return { format, encrypted, publicKey: null };
  if (block.der === null) {
    return { format, encrypted, publicKey: null, error: 'damaged base64 body' };
  }
  if (format === 'traditional' && !TRADITIONAL_LABELS.has(block.label)) {
    return { format, encrypted, publicKey: null, error: `unsupported key label ${block.label}` };
  }
  const fast = fastPublicKey(block.label, block.der);
  if (fast !== null) return { format, encrypted, publicKey: fast };
  return readKeyWithNode(block);
}

/** The node:crypto path alone: the reader of record, and the fast path's test reference. */
export function readKeyWithNode(block: PemBlock): KeyView {
  const format = keyFormatOf(block);
  return fromKeyObject(format, () => createPrivateKey(toPem(block.label, block.der!)));
}

const FAST_READERS: Record<string, (der: Uint8Array) => PublicKeyInfo> = {
  'PRIVATE KEY': describePkcs8Der,
  'RSA PRIVATE KEY': describePkcs1Der,
  'EC PRIVATE KEY': (der) => describeSec1Der(der),
};

/**
 * The public half read from the DER without OpenSSL (common RSA and EC keys, see
 * `public-key-der.ts`); null when the key is outside that profile.
 */
function fastPublicKey(label: string, der: Uint8Array): PublicKeyInfo | null {
  const reader = FAST_READERS[label];
  if (reader === undefined) return null;
  try {
    return reader(der);
  } catch {
    // Out of the fast profile (DerOutOfProfile) or anything unforeseen: OpenSSL decides.
    return null;
  }
}

/** A key read from a DER file, with the PEM label it would have. */
export interface DerKey {
  label: string;
  key: KeyView;
}

/**
 * Reads a DER private key file (PKCS#8, encrypted PKCS#8, PKCS#1 RSA or SEC1 EC).
 * Null when the bytes are none of those.
 */
export function readDerKey(der: Uint8Array): DerKey | null {
  const buffer = Buffer.from(der);
  for (const type of DER_TYPES) {
    const fast = fastPublicKey(DER_LABELS[type], der);
    if (fast !== null) {
      const format = type === 'pkcs8' ? 'pkcs8' : 'traditional';
      return { label: DER_LABELS[type], key: { format, encrypted: false, publicKey: fast } };
    }
    try {
      const key = createPrivateKey({ key: buffer, format: 'der', type });
      const format = type === 'pkcs8' ? 'pkcs8' : 'traditional';
      return { label: DER_LABELS[type], key: fromKeyObject(format, () => key) };
    } catch {
      // Not this encoding; try the next one.
    }
  }
  if (!looksLikeEncryptedPkcs8(der)) return null;
  return {
    label: 'ENCRYPTED PRIVATE KEY',
    key: { format: 'pkcs8-encrypted', encrypted: true, publicKey: null },
  };
}

/** True when the key's public half is the certificate's public key (SPKI equality). */
export function keyMatchesCertificate(key: KeyView, cert: CertView): boolean {
  return key.publicKey !== null && samePublicKey(key.publicKey, cert.publicKey);
}

function fromKeyObject(format: KeyFormat, load: () => KeyObject): KeyView {
  try {
    return { format, encrypted: false, publicKey: describePublicKey(load()) };
  } catch (error) {
    // OpenSSL's error code names the failure without echoing the input.
    const code = (error as { code?: unknown }).code;
    const reason = typeof code === 'string' ? ` (${code})` : '';
    const message = `unreadable private key${reason}`;
    return { format, encrypted: false, publicKey: null, error: message };
  }
}

function toPem(label: string, der: Uint8Array): string {
  const body =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${body.join('\n')}\n-----END ${label}-----\n`;
}

/** EncryptedPrivateKeyInfo: SEQUENCE { AlgorithmIdentifier SEQUENCE, OCTET STRING }. */
function looksLikeEncryptedPkcs8(der: Uint8Array): boolean {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1 || !(parsed.result instanceof asn1js.Sequence)) return false;
  const [algorithm, data] = parsed.result.valueBlock.value;
  return algorithm instanceof asn1js.Sequence && data instanceof asn1js.OctetString;
}
