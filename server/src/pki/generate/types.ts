/**
 * Shapes of the certificate generator (DESIGN section 6). Everything here is plain data;
 * CryptoKey handles stay inside `pki/generate/` and never reach messages or logs.
 */
import type { webcrypto } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;

/** Key algorithms we generate. EC keys use named curves only (OpenSSL's -x509_strict rule). */
export const KEY_TYPES = ['rsa-2048', 'rsa-3072', 'rsa-4096', 'ec-p256', 'ec-p384'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/**
 * What a certificate is for. `proxy-client` is the certificate Apache presents to a TLS
 * backend (SSLProxyMachineCertificateFile): clientAuth, written as cert + traditional key.
 */
export type Profile =
  'root-ca' | 'intermediate-ca' | 'server' | 'client' | 'proxy-client' | 'backend';

/** Subject DN fields; only the ones set appear, in the order C, ST, L, O, OU, CN, email. */
export interface SubjectFields {
  commonName: string;
  country?: string;
  state?: string;
  locality?: string;
  organization?: string;
  organizationalUnit?: string;
  emailAddress?: string;
}

export interface CertificateRequest {
  profile: Profile;
  keyType: KeyType;
  subject: SubjectFields;
  /**
   * Subject alternative names: IPv4/IPv6 literals become iPAddress entries, names with `@`
   * rfc822Name, everything else dNSName. Empty means no SAN extension (CAs).
   */
  altNames: string[];
  /** Validity in whole days from notBefore (which is now minus 5 minutes, for clock skew). */
  days: number;
  /** basicConstraints pathLenConstraint for CA profiles; null means no limit. */
  pathLength?: number | null;
}

/** A signing CA: its certificate, its key and the certificates above it. */
export interface IssuingCa {
  certificateDer: Uint8Array;
  privateKey: CryptoKey;
  keyType: KeyType;
  /** Certificates above `certificateDer`, nearest first, the self-signed root included. */
  issuerChainDer: Uint8Array[];
}

/** Result of issuing one certificate. `privateKey` is the only key handle; never print it. */
export interface IssuedCredential {
  profile: Profile;
  keyType: KeyType;
  certificateDer: Uint8Array;
  privateKey: CryptoKey;
  /** Non-self-signed CA certificates between this certificate and its root, nearest first. */
  intermediatesDer: Uint8Array[];
  /** Every certificate above this one, nearest first, root included. */
  issuerChainDer: Uint8Array[];
}

/** One file the generator wants written. Paths are as the caller gave them (not resolved). */
export interface PlannedFile {
  path: string;
  content: Uint8Array;
  /** POSIX mode for the new file: 0o600 when `secret`, 0o644 otherwise. */
  mode: number;
  /** Holds private key material (or a PKCS#12 password); written via temp file + link. */
  secret: boolean;
  /** The folder holds CA secrets: created 0700 and holding nothing that gets served. */
  privateFolder: boolean;
  /** What the file is, for the CLI's listing, e.g. `server certificate`. */
  description: string;
  /** SHA-256 of the first certificate in the file (hex, uppercase, colon-free); null if none. */
  certificateSha256: string | null;
}
