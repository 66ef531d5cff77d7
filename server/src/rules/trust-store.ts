/**
 * A trust store as mod_ssl builds it from SSL[Proxy]CACertificateFile (and, for the proxy,
 * SSLProxyMachineCertificateChainFile): every certificate in the file is in the store, but only
 * self-signed ones end a chain (no partial chains, apache-semantics.md §2 and §3).
 */
import { basename } from 'node:path';
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
      for (const entry of hashedEntries(pki.listDirectory(ref.localPath))) add(pki.load(entry));
      continue;
    }
    const file = pki.load(ref.localPath);
    // OpenSSL's loader fails on any of these (AH01895, ca-file-rules): no verdict from it.
    if (file.problem || unreadable(file)) incomplete = true;
    add(file);
  }
  return { refs: present, certificates, roots, incomplete };
}

/** SSL[Proxy]CACertificatePath and the like: the argument names a folder. */
export function isPathDirective(ref: FileRef): boolean {
  return ref.directive.name.toLowerCase().endsWith('path');
}

/**
 * What OpenSSL's hashed-directory lookup finds: `<hash>.0`, `<hash>.1`, ... in lower-case hex,
 * each only while the ones before it exist (it stops at the first missing number).
 */
function hashedEntries(entries: string[]): string[] {
  const names = new Set(entries.map((entry) => basename(entry)));
  return entries.filter((entry) => {
    const match = /^([0-9a-f]{8})\.(\d+)$/.exec(basename(entry));
    if (match === null) return false;
    const number = Number(match[2]);
    // `.N` needs `.0` to `.N-1` beside it: more than the folder holds means a gap.
    if (number >= names.size) return false;
    for (let n = 0; n < number; n++) if (!names.has(`${match[1]}.${n}`)) return false;
    return true;
  });
}

/**
 * An SSL[Proxy]CACertificatePath folder with certificate files but no `<hash>.N` name: httpd
 * starts, and OpenSSL finds none of them (every verification fails; research §2).
 */
export function unhashedCaPath(pki: PkiStore, ref: FileRef | null): boolean {
  if (ref === null || !isPathDirective(ref)) return false;
  const entries = pki.listDirectory(ref.localPath);
  if (hashedEntries(entries).length > 0) return false;
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
