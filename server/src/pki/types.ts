/**
 * Read-only views over PEM files, certificates and keys. Only `pki/` touches asn1js,
 * pkijs and node:crypto key objects; everything above works on these shapes.
 */
import type { Range } from '../findings';

export type PemDefect =
  /** `-----END X----------BEGIN Y-----` on one line: OpenSSL's "bad end line"; Apache drops the file's blocks. */
  | 'glued'
  /** BEGIN line not in column 0: OpenSSL does not see the block. */
  | 'indented'
  /** BEGIN without a matching END. */
  | 'unterminated'
  /** The base64 body does not decode. */
  | 'bad-base64'
  /** END label differs from BEGIN label. */
  | 'label-mismatch'
  /** END line not in column 0 (its BEGIN is): OpenSSL's "bad end line". */
  | 'indented-end';

export interface PemBlock {
  /** e.g. `CERTIFICATE`, `RSA PRIVATE KEY`, `PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`. */
  label: string;
  /** 0-based index among the blocks of the file. */
  index: number;
  /** From the start of the BEGIN marker to the end of the END marker (LSP coordinates). */
  range: Range;
  /** Byte offsets [start, end) of the same span in the file, for rewriting fixes. */
  offset: { start: number; end: number };
  /** RFC 1421 headers such as `Proc-Type: 4,ENCRYPTED`; empty when none. */
  headers: Record<string, string>;
  /** Decoded body; null when the base64 is damaged. */
  der: Uint8Array | null;
  defects: PemDefect[];
}

export interface PemFile {
  path: string;
  /** Whole-file verdict: `pem` has at least one block; `der` looks like DER (starts with SEQUENCE). */
  format: 'pem' | 'der' | 'empty' | 'text';
  blocks: PemBlock[];
  /** True when any block has the `glued` defect (OpenSSL's reader fails for the whole file). */
  glued: boolean;
}

export type KeyAlgorithm = 'rsa' | 'ec' | 'ed25519' | 'ed448' | 'dsa' | 'rsa-pss' | 'unknown';

export interface PublicKeyInfo {
  algorithm: KeyAlgorithm;
  /** RSA modulus bits or EC field bits; 0 when unknown. */
  bits: number;
  /** Named curve for EC, e.g. `P-256`. */
  curve?: string;
  /** SubjectPublicKeyInfo DER: the identity used to match keys and certificates. */
  spki: Uint8Array;
}

export interface KeyUsageFlags {
  digitalSignature: boolean;
  nonRepudiation: boolean;
  keyEncipherment: boolean;
  dataEncipherment: boolean;
  keyAgreement: boolean;
  keyCertSign: boolean;
  cRLSign: boolean;
}

export const EKU_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
export const EKU_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
export const EKU_ANY = '2.5.29.37.0';

export interface CertView {
  der: Uint8Array;
  /** Hex SHA-256 of the DER, uppercase, colon-free. */
  sha256: string;
  serialHex: string;
  /** One-line RFC 4514-like rendering, e.g. `CN=apache.server.name,O=My Organization`. */
  subject: string;
  issuer: string;
  /** DER of the subject and issuer Names, for exact issuer matching. */
  subjectDer: Uint8Array;
  issuerDer: Uint8Array;
  commonNames: string[];
  notBefore: Date;
  notAfter: Date;
  dnsNames: string[];
  ipAddresses: string[];
  /** EKU OIDs; null when the extension is absent (any purpose allowed). */
  extKeyUsage: string[] | null;
  /** null when the extension is absent. */
  keyUsage: KeyUsageFlags | null;
  /** basicConstraints cA; false when the extension is absent. */
  isCA: boolean;
  /** basicConstraints pathLenConstraint; null when absent. */
  pathLen: number | null;
  /**
   * basicConstraints extension present (even with cA FALSE). Optional so hand-made views
   * stay valid; `parseCertificate` always sets it. OpenSSL's legacy CA test needs it.
   */
  hasBasicConstraints?: boolean;
  /** Subject equals issuer (byte-wise). */
  selfIssued: boolean;
  subjectKeyId: string | null;
  authorityKeyId: string | null;
  /** e.g. `sha256WithRSAEncryption`, `ecdsa-with-SHA256`, `sha1WithRSAEncryption`. */
  signatureAlgorithm: string;
  publicKey: PublicKeyInfo;
}

export type KeyFormat =
  /** `RSA PRIVATE KEY`, `EC PRIVATE KEY`, `DSA PRIVATE KEY` (traditional). */
  | 'traditional'
  /** `PRIVATE KEY` (PKCS#8). */
  | 'pkcs8'
  /** `ENCRYPTED PRIVATE KEY`. */
  | 'pkcs8-encrypted'
  /** traditional with `Proc-Type: 4,ENCRYPTED`. */
  | 'traditional-encrypted';

export interface KeyView {
  format: KeyFormat;
  encrypted: boolean;
  /** Public half derived from the private key; null when encrypted or unreadable. */
  publicKey: PublicKeyInfo | null;
  /** Why the key could not be read (never includes key bytes). */
  error?: string;
}

/** A certificate or key found in a file, with where it is. */
export interface Located<T> {
  value: T;
  file: string;
  block: PemBlock;
}

export type FileProblem =
  | { kind: 'missing' }
  | { kind: 'empty' }
  | { kind: 'directory' }
  | { kind: 'unreadable'; reason: string };

/** A certificate block that failed to parse as X.509. */
export interface BadCertificate {
  file: string;
  block: PemBlock;
  reason: string;
}

/** Everything the rules need to know about one file named by a directive. */
export interface LoadedPemFile {
  path: string;
  /** Set when the file cannot serve at all; then `pem` is null. */
  problem: FileProblem | null;
  pem: PemFile | null;
  /** Certificates in file order (CERTIFICATE / X509 CERTIFICATE / TRUSTED CERTIFICATE blocks, or one DER cert). */
  certificates: Located<CertView>[];
  badCertificates: BadCertificate[];
  /** Private keys in file order (any label ending in PRIVATE KEY). */
  keys: Located<KeyView>[];
  /** POSIX permission bits (e.g. 0o600); null when unknown. */
  mode: number | null;
}

/** Loads files once per (path, size, mtime) and certificates once per content hash. */
export interface PkiStore {
  load(localPath: string): LoadedPemFile;
  /** Files in a directory (for *Path directives), sorted; empty when not a directory. */
  listDirectory(localPath: string): string[];
  /** What is at a path, as mod_ssl's file checks see it (symlinks followed). */
  pathKind(localPath: string): PathKind;
}

/**
 * What a store with trusted paths (the language server's) can tell about its answers between
 * checks, so that a cache of results need not ask again for every file it read.
 */
export interface StoreChanges {
  /** A token for now, to pass to `since` later. */
  token(): number;
  /** Paths forgotten (told changed) after `token`; 'all' when every path was. */
  since(token: number): ReadonlySet<string> | 'all';
  /**
   * True while the store answers `path` from its cache without looking at the disk: such an
   * answer stays right until the path is forgotten. Others must be asked again.
   */
  trusted(read: 'load' | 'listing' | 'kind', path: string): boolean;
}

/** `file` is a regular file with size > 0; `other` a FIFO, device or socket. */
export type PathKind = 'file' | 'empty' | 'directory' | 'other' | 'absent';

/** Result of building a chain the way OpenSSL does for Apache (no partial chains). */
export interface ChainResult {
  /** Leaf first; ends at the trust anchor when `trusted`. */
  certificates: CertView[];
  /**
   * Reached a self-signed certificate that is in the trust store, or stopped short of one
   * where `noCaAccepted` lets the chain pass.
   */
  trusted: boolean;
  /** Why the chain does not verify, in OpenSSL's words where one applies. */
  error: string | null;
}

/**
 * One X509_INFO entry as OpenSSL's `PEM_X509_INFO_read_bio` groups the blocks of an
 * SSLProxyMachineCertificateFile: a cert starts a new entry when the current one has a cert,
 * a key likewise.
 */
export interface MachineBundleEntry {
  /** 0-based position among the entries. */
  index: number;
  cert: Located<CertView> | null;
  /** A recognised key block (encrypted ones included, undecrypted). */
  key: Located<KeyView> | null;
  /** The key is kept as undecrypted data (ENCRYPTED PRIVATE KEY or Proc-Type encrypted). */
  encrypted: boolean;
  /** The PEM blocks that make up the entry, in file order. */
  blocks: PemBlock[];
}

export type MachineBundleIssueKind =
  /** Entry with an undecrypted key: AH02252, fatal. */
  | 'encrypted'
  /** Apache <= 2.4.58: entry without a cert or without a key: AH02252, fatal. */
  | 'incomplete'
  /** Key does not match the entry's cert (e.g. a cert between a cert and its key): AH02326. */
  | 'mismatch'
  /** Apache 2.4.59+: key without a cert: AH02326 `[certificate: -not available-]`, fatal. */
  | 'key-only'
  /** Apache 2.4.59+: lone cert trusted as a CA for backend verification (AH10261, debug). */
  | 'trusted-as-ca'
  /** OpenSSL < 3: a key label the reader does not know (`PRIVATE KEY`, ...) is skipped. */
  | 'key-label-ignored'
  /** A PEM or DER error makes the reader drop every entry (observed with OpenSSL 3.0.22). */
  | 'read-error'
  /** No usable cert/key pair: AH02206 warning, Apache starts and sends no client cert. */
  | 'no-usable-pair';

export interface MachineBundleIssue {
  kind: MachineBundleIssueKind;
  /** The Apache log code, e.g. `AH02252`; null when Apache logs nothing. */
  ah: string | null;
  /** Startup fails (AH02312 / AH00016 follow). */
  fatal: boolean;
  /** Index of the entry at fault; null for whole-file issues. */
  entry: number | null;
  /** The PEM blocks at fault; empty when the file has none (DER, text). */
  blocks: PemBlock[];
}

/** What mod_ssl does with an SSLProxyMachineCertificateFile (research section 4). */
export interface MachineBundleAnalysis {
  /** Entries as read; empty when a read error dropped them all. */
  entries: MachineBundleEntry[];
  /** Every issue in file order; the first fatal one is the one Apache reports. */
  issues: MachineBundleIssue[];
  /** Apache starts (possibly with the AH02206 warning). */
  starts: boolean;
  /** The code Apache logs for the file: AH02252, AH02326 (fatal), AH02206 or AH02207. */
  ah: 'AH02252' | 'AH02326' | 'AH02206' | 'AH02207';
  /** Entries loaded as client cert/key pairs (0 when the startup fails). */
  pairs: MachineBundleEntry[];
  /** Lone certificates added to the backend trust store (Apache 2.4.59+). */
  trustedAsCA: Located<CertView>[];
}
