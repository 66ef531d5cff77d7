/**
 * A trust store as mod_ssl builds it from SSL[Proxy]CACertificateFile (and, for the proxy,
 * SSLProxyMachineCertificateChainFile): every certificate in the file is in the store, but only
 * self-signed ones end a chain (no partial chains, apache-semantics.md §2 and §3).
 */
import type { FileRef } from '../model/types';
import { isSignedBy } from '../pki/certificate';
import type { CertView, LoadedPemFile, Located, PkiStore } from '../pki/types';
import { visible } from './pem-problems';

export interface TrustStore {
  refs: FileRef[];
  certificates: Located<CertView>[];
  /** Self-signed certificates: the only possible trust anchors. */
  roots: Located<CertView>[];
  /** True when at least one referenced file could not be read (then verdicts are unknown). */
  incomplete: boolean;
}

export function loadTrustStore(pki: PkiStore, refs: (FileRef | null)[]): TrustStore {
  const present = refs.filter((r): r is FileRef => r !== null);
  const certificates: Located<CertView>[] = [];
  const roots: Located<CertView>[] = [];
  const add = (file: LoadedPemFile): void => {
    certificates.push(...visible(file.certificates));
    roots.push(...rootsOf(file));
  };
  let incomplete = false;
  for (const ref of present) {
    if (isPathDirective(ref)) {
      // A hashed directory: OpenSSL looks certificates up by <hash>.N names only.
      for (const entry of pki.listDirectory(ref.localPath)) {
        if (isHashName(entry)) add(pki.load(entry));
      }
      continue;
    }
    const file = pki.load(ref.localPath);
    // OpenSSL's loader fails on any of these (AH01895, ca-file-rules): no verdict from it.
    if (file.problem || unreadable(file)) incomplete = true;
    add(file);
  }
  return { refs: present, certificates, roots, incomplete };
}

function isPathDirective(ref: FileRef): boolean {
  return ref.directive.name.toLowerCase().endsWith('path');
}

function isHashName(entry: string): boolean {
  return /^[0-9a-f]{8}\.\d+$/i.test(entry.split('/').pop() ?? '');
}

/**
 * An SSL[Proxy]CACertificatePath folder with certificate files but no `<hash>.N` name: httpd
 * starts, and OpenSSL finds none of them (every verification fails; research §2).
 */
export function unhashedCaPath(pki: PkiStore, ref: FileRef | null): boolean {
  if (ref === null || !isPathDirective(ref)) return false;
  const entries = pki.listDirectory(ref.localPath);
  if (entries.some(isHashName)) return false;
  return entries.some((entry) => pki.load(entry).certificates.length > 0);
}

function unreadable(file: LoadedPemFile): boolean {
  const blocks = file.pem?.blocks ?? [];
  const damaged = blocks.some((b) => b.defects.some((defect) => defect !== 'indented'));
  return damaged || file.badCertificates.length > 0;
}

/**
 * The self-signed certificates of a file, kept per loaded file (the store hands back the same
 * object while the file is unchanged): every vhost naming the shared CA file asks again.
 */
const fileRoots = new WeakMap<LoadedPemFile, Located<CertView>[]>();

function rootsOf(file: LoadedPemFile): Located<CertView>[] {
  let roots = fileRoots.get(file);
  if (roots === undefined) {
    roots = visible(file.certificates).filter((c) => isSelfSigned(c.value));
    fileRoots.set(file, roots);
  }
  return roots;
}

export function isSelfSigned(cert: CertView): boolean {
  return cert.selfIssued && isSignedBy(cert, cert);
}
