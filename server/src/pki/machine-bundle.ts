/**
 * Simulates OpenSSL's `PEM_X509_INFO_read_bio` and mod_ssl's `ssl_init_proxy_certs` on an
 * SSLProxyMachineCertificateFile (research section 4, measured on Apache 2.4.71 + OpenSSL
 * 3.0.22 and read in httpd 2.4.63-dev and OpenSSL 1.1.1 / 3.x sources).
 */
import { compareVersions } from '../versions';
import { keyMatchesCertificate } from './keys';
import { keptFor } from '../kept-for';
import type {
  CertView,
  LoadedPemFile,
  Located,
  MachineBundleAnalysis,
  MachineBundleEntry,
  MachineBundleIssue,
  PemBlock,
} from './types';

export interface MachineBundleOptions {
  /** Target Apache, e.g. `2.4.71`. 2.4.59 changed lone certs and key-only entries. */
  apacheVersion: string;
  /** Target OpenSSL, e.g. `3.0` or `1.1.1`. 3.0 added PKCS#8 keys to the reader. */
  opensslVersion: string;
}

const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);
const OPENSSL_1_KEY_LABELS = new Set(['RSA PRIVATE KEY', 'DSA PRIVATE KEY', 'EC PRIVATE KEY']);
/** PEM defects on which OpenSSL's reader fails (and mod_ssl ends up with no entries). */
const READ_ERRORS = new Set([
  'glued',
  'unterminated',
  'bad-base64',
  'label-mismatch',
  'indented-end',
]);

/**
 * Analyses kept per loaded file and target versions: the store hands back the same object
 * while the file is unchanged, and a re-check after a CA change asks again for every vhost's
 * bundle. Analyses are never modified by their readers.
 */
const analyses = new WeakMap<LoadedPemFile, Map<string, MachineBundleAnalysis>>();

export function analyzeMachineBundle(
  file: LoadedPemFile,
  opts: MachineBundleOptions,
): MachineBundleAnalysis {
  const key = `${opts.apacheVersion} ${opts.opensslVersion}`;
  return keptFor(analyses, file, key, () => analyze(file, opts));
}

function analyze(file: LoadedPemFile, opts: MachineBundleOptions): MachineBundleAnalysis {
  const apache259 = compareVersions(opts.apacheVersion, '2.4.59') >= 0;
  const openssl3 = compareVersions(opts.opensslVersion, '3.0') >= 0;
  const read = readEntries(file, openssl3);
  const issues = [...read.issues];
  const trustedAsCA: Located<CertView>[] = [];
  const pairs: MachineBundleEntry[] = [];

  // 2.4.59+ first moves every lone cert (no key, no encrypted data) into the trust store.
  const checked: MachineBundleEntry[] = [];
  for (const entry of read.entries) {
    if (apache259 && entry.cert !== null && entry.key === null) {
      trustedAsCA.push(entry.cert);
      issues.push(issue('trusted-as-ca', 'AH10261', false, entry));
    } else {
      checked.push(entry);
    }
  }

  let fatal: MachineBundleIssue | null = null;
  for (const entry of checked) {
    const problem = entryProblem(entry, apache259);
    if (problem === null) {
      pairs.push(entry);
      continue;
    }
    issues.push(problem);
    fatal ??= problem;
  }

  if (fatal !== null) {
    const ah = fatal.ah === 'AH02326' ? 'AH02326' : 'AH02252';
    return { entries: read.entries, issues, starts: false, ah, pairs: [], trustedAsCA };
  }
  if (pairs.length === 0) {
    issues.push({ kind: 'no-usable-pair', ah: 'AH02206', fatal: false, entry: null, blocks: [] });
    return { entries: read.entries, issues, starts: true, ah: 'AH02206', pairs, trustedAsCA };
  }
  return { entries: read.entries, issues, starts: true, ah: 'AH02207', pairs, trustedAsCA };
}

/** mod_ssl's per-entry check: undecrypted or missing key, then the cert/key comparison. */
function entryProblem(entry: MachineBundleEntry, apache259: boolean): MachineBundleIssue | null {
  if (entry.encrypted) return issue('encrypted', 'AH02252', true, entry);
  if (entry.cert === null || entry.key === null) {
    if (!apache259) return issue('incomplete', 'AH02252', true, entry);
    return issue('key-only', 'AH02326', true, entry);
  }
  if (!keyMatchesCertificate(entry.key.value, entry.cert.value)) {
    return issue('mismatch', 'AH02326', true, entry);
  }
  return null;
}

function issue(
  kind: MachineBundleIssue['kind'],
  ah: string | null,
  fatal: boolean,
  entry: MachineBundleEntry,
): MachineBundleIssue {
  return { kind, ah, fatal, entry: entry.index, blocks: entry.blocks };
}

interface ReadResult {
  entries: MachineBundleEntry[];
  issues: MachineBundleIssue[];
}

/**
 * The reader walks the blocks OpenSSL sees (column-0 BEGIN) and groups them. Any PEM error,
 * or a cert or key that does not decode, fails the whole read: no entries.
 */
function readEntries(file: LoadedPemFile, openssl3: boolean): ReadResult {
  const issues: MachineBundleIssue[] = [];
  const entries: MachineBundleEntry[] = [];
  const certs = new Map(file.certificates.map((c) => [c.block, c]));
  const badCerts = new Set(file.badCertificates.map((b) => b.block));
  const keys = new Map(file.keys.map((k) => [k.block, k]));
  let current: MachineBundleEntry | null = null;

  const startEntry = (): MachineBundleEntry => {
    const entry: MachineBundleEntry = {
      index: entries.length,
      cert: null,
      key: null,
      encrypted: false,
      blocks: [],
    };
    entries.push(entry);
    return entry;
  };
  const readError = (block: PemBlock): ReadResult => ({
    entries: [],
    issues: [{ kind: 'read-error', ah: null, fatal: false, entry: null, blocks: [block] }],
  });

  for (const block of file.pem?.blocks ?? []) {
    if (block.defects.includes('indented')) continue;
    if (block.defects.some((defect) => READ_ERRORS.has(defect))) return readError(block);

    if (CERT_LABELS.has(block.label)) {
      const cert = certs.get(block);
      if (cert === undefined || badCerts.has(block)) return readError(block);
      if (current === null || current.cert !== null) current = startEntry();
      current.cert = cert;
      current.blocks.push(block);
      continue;
    }

    const key = keys.get(block);
    if (key === undefined) continue;
    if (!isRecognisedKey(block, openssl3)) {
      const ignored = { kind: 'key-label-ignored', ah: null, fatal: false, entry: null } as const;
      issues.push({ ...ignored, blocks: [block] });
      continue;
    }
    if (!key.value.encrypted && key.value.publicKey === null) return readError(block);
    if (current === null || current.key !== null) current = startEntry();
    current.key = key;
    current.encrypted = key.value.encrypted;
    current.blocks.push(block);
  }
  return { entries, issues };
}

/**
 * OpenSSL 3.0+ reads any label ending in PRIVATE KEY; 1.1.1 and earlier only the three
 * traditional labels (so PKCS#8, encrypted or not, is skipped as an unknown block).
 */
function isRecognisedKey(block: PemBlock, openssl3: boolean): boolean {
  return openssl3 || OPENSSL_1_KEY_LABELS.has(block.label);
}
